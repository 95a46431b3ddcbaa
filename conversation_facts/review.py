"""The review queue: people say what misunderstood messages meant; annotated messages become training data.

- :func:`groups`: the open items, similar messages together (difflib's ratio on
  their normalised text), newest group first.
- :func:`annotate` / :func:`mark_noise`: a person gives an item its intent and a
  training example in Rasa's annotation syntax (``[AB123CD](license_plate)``),
  or says it is noise. The example is masked again (the person may have typed
  personal data) and each placeholder becomes a fixed stand-in value of the same
  format, so that the model learns the shape and never a person's data.
- :func:`export` (``make review-export`` and the console's button): writes the
  annotated examples to ``bot/data/nlu/reviewed.yml`` (Rasa's YAML, one example
  per line, sorted, without duplicates nor examples already in the training
  data), a fixed share of them to the held-out set ``tests/nlu/heldout_reviewed.yml``
  instead (by a hash of the example: the same example always lands on the same side).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain_files import load_domain
from conversation_facts.masking import mask
from models import ReviewItem

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "bot" / "data" / "nlu"
HELD_OUT_SHARE = 5  # one example in five goes to the held-out set
SIMILAR = 0.6  # difflib ratio above which two messages are in one group
# Each placeholder of conversation_facts.masking → a stand-in of the same format (no one's data).
STAND_INS = {
    "[email]": "nombre@correo.example",
    "[poliza]": "AU-1000001",
    "[siniestro]": "SIN-000001",
    "[dni]": "30.111.222",
    "[patente]": "AB123CD",
    "[codigo]": "123456",
    "[telefono]": "11 4000-0000",
    "[nombre]": "Juan",
}
# Rasa's entity annotation: [text](entity) or [text](entity:value).
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<entity>[\w-]+)(?::(?P<value>[^)]+))?\)")
# Intents a person cannot give here: the retrieval intent needs its own key.
NOT_ASSIGNABLE = frozenset({"faq"})


class InvalidAnnotation(ValueError):
    """The intent or the example cannot become training data (the message says why, in Spanish)."""


def intents() -> list[str]:
    """The intents a person may assign, as the domain declares them."""
    return sorted(set(load_domain()["intents"]) - NOT_ASSIGNABLE)


def entities() -> frozenset[str]:
    return frozenset(load_domain().get("entities") or [])


def _normalised(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(char for char in plain if not unicodedata.combining(char)).split())


@dataclass(frozen=True)
class Group:
    """Similar open items, newest first; ``lead`` is the newest."""

    items: list[ReviewItem]

    @property
    def lead(self) -> ReviewItem:
        return self.items[0]


def groups(session: Session, limit: int = 200) -> list[Group]:
    """The open items, grouped by similarity, the group with the newest message first."""
    items = session.scalars(
        select(ReviewItem).where(ReviewItem.status == "open").order_by(ReviewItem.at.desc(), ReviewItem.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    found: list[tuple[str, list[ReviewItem]]] = []
    for item in items:
        text = _normalised(item.text)
        for lead_text, members in found:
            if difflib.SequenceMatcher(None, lead_text, text).ratio() >= SIMILAR:
                members.append(item)
                break
        else:
            found.append((text, [item]))
    return [Group(members) for _text, members in found]


def safe_example(example: str) -> str:
    """``example`` masked (its annotated entities too) with every placeholder replaced by its stand-in."""
    parts: list[str] = []
    position = 0
    for match in ANNOTATION.finditer(example):
        parts.append(mask(example[position : match.start()]))
        value = f":{match.group('value')}" if match.group("value") else ""
        parts.append(f"[{_stand_ins(mask(match.group('text')))}]({match.group('entity')}{value})")
        position = match.end()
    parts.append(mask(example[position:]))
    return _stand_ins("".join(parts))


def _stand_ins(text: str) -> str:
    for placeholder, stand_in in STAND_INS.items():
        text = text.replace(placeholder, stand_in)
    return text


def annotate(session: Session, item: ReviewItem, intent: str, example: str, staff_id: int, now: datetime) -> str:
    """Give ``item`` its intent and training example (checked, made safe); returns the example kept."""
    if intent not in intents():
        raise InvalidAnnotation("Elegí una intención de la lista.")
    example = " ".join(example.split())
    if not example:
        raise InvalidAnnotation("El ejemplo no puede quedar vacío.")
    unknown = sorted({match.group("entity") for match in ANNOTATION.finditer(example)} - entities())
    if unknown:
        raise InvalidAnnotation(f"Esta entidad no existe en el asistente: {', '.join(unknown)}.")
    if "](" in ANNOTATION.sub("", example):
        raise InvalidAnnotation("Revisá las entidades: se escriben [texto](entidad).")
    item.intent, item.example = intent, safe_example(example)
    item.status, item.reviewed_by, item.reviewed_at = "annotated", staff_id, now
    return item.example


def mark_noise(session: Session, item: ReviewItem, staff_id: int, now: datetime) -> None:
    """The message means nothing the assistant should learn."""
    item.status, item.intent, item.example = "noise", None, None
    item.reviewed_by, item.reviewed_at = staff_id, now


def held_out(example: str) -> bool:
    """Whether this example belongs to the held-out set (always the same answer for the same example)."""
    return int(hashlib.sha256(_normalised(example).encode()).hexdigest(), 16) % HELD_OUT_SHARE == 0


def _read(path: Path) -> dict[str, set[str]]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, set[str]] = {}
    for block in data.get("nlu") or []:
        if "intent" in block:
            lines = str(block.get("examples") or "").splitlines()
            examples = {line.strip()[2:] for line in lines if line.strip().startswith("- ")}
            found.setdefault(block["intent"], set()).update(examples)
    return found


def _plain(example: str) -> str:
    """The text of an example without its annotations (what a customer would have typed)."""
    return _normalised(ANNOTATION.sub(lambda match: match.group("text"), example))


def _write(path: Path, examples: dict[str, set[str]], header: str) -> None:
    lines = [header, 'version: "3.1"', "nlu:" if any(examples.values()) else "nlu: []"]
    for intent in sorted(examples):
        if not examples[intent]:
            continue
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {example}" for example in sorted(examples[intent])]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Exported:
    training: int  # new examples written to reviewed.yml
    held_out: int  # new examples written to the held-out set
    skipped: int  # annotated items whose example was there already


def export(
    session: Session, now: datetime, reviewed: Path, held_out_path: Path,
    training_files: Optional[Iterable[Path]] = None,
) -> Exported:  # fmt: skip
    """Write the annotated items to ``reviewed`` (training data) or ``held_out_path``; they are ``exported`` after.

    Paths are relative to the repository unless absolute.
    """
    reviewed, held_out_path = ROOT / reviewed, ROOT / held_out_path
    training = _read(reviewed)
    held = _read(held_out_path)
    known: set[str] = set()
    for path in training_files if training_files is not None else sorted(NLU_DIR.glob("*.yml")):
        if path.resolve() == reviewed.resolve():
            continue
        for values in _read(path).values():
            known.update(_plain(example) for example in values)
    for values in (*training.values(), *held.values()):
        known.update(_plain(example) for example in values)
    counts = {"training": 0, "held_out": 0, "skipped": 0}
    items = session.scalars(select(ReviewItem).where(ReviewItem.status == "annotated").order_by(ReviewItem.id))
    for item in items:
        example, intent = item.example or "", item.intent or ""
        item.status, item.exported_at, item.held_out = "exported", now, held_out(example)
        if _plain(example) in known:
            counts["skipped"] += 1
            continue
        known.add(_plain(example))
        target = held if item.held_out else training
        target.setdefault(intent, set()).add(example)
        counts["held_out" if item.held_out else "training"] += 1
    _write(reviewed, training, "# Messages customers wrote that the assistant misunderstood, annotated in the\n"
           "# console's review queue (conversation_facts/review.py: `make review-export`). Masked: stand-ins only.")
    _write(held_out_path, held, "# Held-out share of the reviewed messages (conversation_facts/review.py): never\n"
           "# in bot/data. Checked by `make retrain-check`.")  # fmt: skip
    return Exported(**counts)


def main() -> int:
    """``make review-export``: export the annotated messages of the database in DATABASE_URL."""
    from conversation_facts.settings import Settings
    from miaval_api.db import Database
    from miaval_api.services import clock

    settings = Settings.from_env()
    with Database(settings.database_url).session(write=True) as session:
        done = export(session, clock.now(), Path(settings.reviewed_nlu_file), Path(settings.reviewed_heldout_file))
    print(f"review export: {done.training} training examples to {settings.reviewed_nlu_file}, {done.held_out} "
          f"held out to {settings.reviewed_heldout_file}, {done.skipped} already there")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
