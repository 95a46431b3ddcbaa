"""The held-out messages are unseen: none of them, normalised, is a training example.

Normalising lowercases, drops accents, entity annotations, punctuation and
emojis and collapses spaces, so that "Sí, dale!" in bot/data and "si dale" in
a held-out file count as the same message. Plain YAML: runs in both test
environments.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_FILES = sorted(Path(__file__).parent.glob("heldout*.yml"))
TRAINING_DIR = ROOT / "bot" / "data"

# [text](entity), [text]{"entity": ...} and [text]{"entity": ..., "role": ...}.
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """The message as compared: annotations resolved, lowercase, no accents, letters and digits only."""
    text = ANNOTATION.sub(r"\1", text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w@.\-]+|_", " ", text)
    text = re.sub(r"(?<!\w)[.\-]+|[.\-]+(?!\w)", " ", text)
    return " ".join(text.split())


def intent_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of every intent example in a Rasa YAML file (other sections skipped)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        examples = block.get("examples") or ""
        lines = examples.splitlines() if isinstance(examples, str) else [e.get("text", "") for e in examples]
        for line in lines:
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            if line:
                found.append((block["intent"], line))
    return found


def training_messages() -> dict[str, str]:
    """Every normalised training example of bot/data, with the file it is in."""
    return {
        normalise(text): str(path.relative_to(ROOT))
        for path in sorted(TRAINING_DIR.rglob("*.yml"))
        for _, text in intent_examples(path)
    }


def test_normalise_matches_what_a_customer_would_consider_the_same_message() -> None:
    """The comparison is not fooled by accents, case, punctuation, emojis or annotations."""
    assert normalise("¡Sí, dale! 👍") == normalise("si dale")
    assert normalise("mi mail es [Laura@Example.com](email)") == "mi mail es laura@example.com"
    assert normalise('la [AU-1048576]{"entity": "policy_number"}?') == "la au-1048576"
    assert normalise("q polizas tengo") != normalise("que polizas tengo")


def test_heldout_files_are_found() -> None:
    """The glob sees the three held-out sets, so the check below is not vacuous."""
    names = {path.name for path in HELDOUT_FILES}
    assert {"heldout.yml", "heldout_whatsapp.yml", "heldout_new_intents.yml"} <= names
    assert sum(len(intent_examples(path)) for path in HELDOUT_FILES) >= 650
    assert len(training_messages()) > 500


def test_no_heldout_message_is_in_the_training_data() -> None:
    """Never copy a held-out message into bot/data: the accuracy figure would mean nothing."""
    training = training_messages()
    leaked = [
        f"{path.name}: {intent}: {text!r} is in {training[normalise(text)]}"
        for path in HELDOUT_FILES
        for intent, text in intent_examples(path)
        if normalise(text) in training
    ]
    assert not leaked, "\n".join(leaked)


def test_heldout_messages_are_not_repeated() -> None:
    """Each held-out message counts once across the three sets."""
    seen: dict[str, str] = {}
    repeated = []
    for path in HELDOUT_FILES:
        for _, text in intent_examples(path):
            key = normalise(text)
            if key in seen:
                repeated.append(f"{text!r} ({path.name}, also {seen[key]})")
            seen[key] = path.name
    assert not repeated, "\n".join(repeated)
