"""Held-out NLU evaluation: the trained model against messages it never saw.

The held-out sets live in tests/nlu/: `heldout.yml` (the first set) and
`heldout_whatsapp.yml` (written the way customers write on WhatsApp) cover the
intents the assistant has today; `heldout_new_intents.yml` covers the intents
issue #10 adds. A message of an intent the model does not know yet is counted
as pending, not as right or wrong, so that the figure for the existing intents
stays clear; once that intent is trained its messages count like any other.
The set of issue #17, written by family of phrasing (requests without their
keyword, complaints, negations, several intents, typos, no accents, voseo,
WhatsApp style), is one file per family, `heldout_family_<family>.yml`, and
its accuracy is reported per family.

Intent accuracy counts a FAQ message right only when the response selector
picks its exact faq/<key>, and a message that falls back (nlu_fallback) counts
as wrong. Entities are matched on (entity, start, end).

Needs the assistant's environment (Rasa). `scripts/nlu_report.py` and
`tests/nlu/test_heldout.py` use it; by hand:

    .venv-rasa/bin/python scripts/nlu_heldout.py [--model var/rasa-models/assistant.tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HELDOUT_DIR = ROOT / "tests" / "nlu"
# The held-out sets of the intents the assistant has (their accuracy is the headline figure).
EXISTING_SETS = (HELDOUT_DIR / "heldout.yml", HELDOUT_DIR / "heldout_whatsapp.yml")
# The held-out set of the intents issue #10 adds: pending until the model knows them.
NEW_INTENT_SETS = (HELDOUT_DIR / "heldout_new_intents.yml",)
ALL_SETS = EXISTING_SETS + NEW_INTENT_SETS
# The held-out set written by family (issue #17): one file per family of phrasing,
# tests/nlu/heldout_family_<family>.yml; its accuracy is reported per family.
FAMILY_PREFIX = "heldout_family_"
FAMILY_SETS = tuple(sorted(HELDOUT_DIR.glob(f"{FAMILY_PREFIX}*.yml")))
MODELS_DIR = ROOT / "var" / "rasa-models"

# The contract's entities plus the one-time code the NLU adds.
ENTITIES = ("email", "document_number", "policy_number", "license_plate", "claim_number", "code")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one entity type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def f1(self) -> float:
        """F1 of the spans; 0 when the type never appears in gold nor prediction."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


@dataclass
class Evaluation:
    """Everything the assertions and the printed report need."""

    total: int = 0
    correct: int = 0
    per_intent: Counter = field(default_factory=Counter)
    misclassified: list[tuple[str, str, str, float]] = field(default_factory=list)
    pending: Counter = field(default_factory=Counter)
    entity_errors: list[tuple[str, set, set]] = field(default_factory=list)
    entities: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in ENTITIES})

    @property
    def accuracy(self) -> float:
        """Share of evaluated held-out messages whose full intent was predicted."""
        return self.correct / self.total if self.total else 0.0

    def __add__(self, other: Evaluation) -> Evaluation:
        """Both evaluations as one (two held-out sets evaluated separately)."""
        return Evaluation(
            total=self.total + other.total,
            correct=self.correct + other.correct,
            per_intent=self.per_intent + other.per_intent,
            misclassified=self.misclassified + other.misclassified,
            pending=self.pending + other.pending,
            entity_errors=self.entity_errors + other.entity_errors,
            entities={
                name: Counts(c.tp + other.entities[name].tp, c.fp + other.entities[name].fp,
                             c.fn + other.entities[name].fn)
                for name, c in self.entities.items()
            },
        )

    def misses_by_intent(self) -> Counter:
        """How many messages of each gold intent (or faq key) were missed."""
        return Counter(gold for _, gold, _, _ in self.misclassified)

    def report(self, title: str = "held-out") -> str:
        """A human-readable summary with every error, for the test output and the report."""
        lines = [f"{title}: intent accuracy {self.accuracy:.3f} ({self.correct}/{self.total})"]
        if self.pending:
            pending = ", ".join(f"{name} ({n})" for name, n in sorted(self.pending.items()))
            lines.append(f"pending (intent not in the model yet, not counted): {pending}")
        for name, counts in self.entities.items():
            lines.append(f"entity {name}: F1 {counts.f1:.3f} (tp {counts.tp}, fp {counts.fp}, fn {counts.fn})")
        misses = self.misses_by_intent()
        lines.append(f"misses per intent ({len(self.misclassified)}):")
        lines += [f"  {gold}: {n}/{self.per_intent[gold]}" for gold, n in misses.most_common()]
        lines.append("misclassified:")
        lines += [f"  {text!r}: expected {gold}, got {pred} ({conf:.2f})" for text, gold, pred, conf in
                  self.misclassified]
        lines.append(f"entity errors ({len(self.entity_errors)}):")
        lines += [f"  {text!r}: expected {sorted(gold)}, got {sorted(pred)}" for text, gold, pred in
                  self.entity_errors]
        return "\n".join(lines)


def find_model() -> Path:
    """The model to evaluate: RASA_MODEL, else the newest archive in var/rasa-models."""
    explicit = os.environ.get("RASA_MODEL")
    if explicit:
        return Path(explicit)
    archives = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not archives:
        raise FileNotFoundError(f"no trained model in {MODELS_DIR}: run `make train` or set RASA_MODEL")
    return archives[-1]


def read_examples(paths: tuple[Path, ...]) -> list[Any]:
    """Every intent example (Rasa Message) of the given held-out files, in order."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    return [message for path in paths for message in RasaYAMLReader().read(str(path)).intent_examples]


def gold_intent(message: Any) -> str:
    """The annotated intent, or faq/<key> for a retrieval intent."""
    return message.get("intent_response_key") or message.get("intent")


def full_intent(parse: dict[str, Any]) -> tuple[str, float]:
    """The predicted intent, with a retrieval intent resolved to its faq/<key>."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
    selector = (parse.get("response_selector") or {}).get(name)
    if selector:
        name = selector["response"].get("intent_response_key") or name
    return name, confidence


def spans(entities: list[dict[str, Any]]) -> set[tuple[str, int, int]]:
    """Entity spans of the types under test, duplicates (several extractors) merged."""
    return {(e["entity"], int(e["start"]), int(e["end"])) for e in entities if e.get("entity") in ENTITIES}


def declared_intents() -> set[str]:
    """The intents the domain declares (for an NLU-only model, which carries no domain)."""
    from bot.domain_files import load_domain

    declared = load_domain()["intents"]
    return {i if isinstance(i, str) else next(iter(i)) for i in declared}


def training_intents() -> set[str]:
    """Every intent (and faq/<key>) that has training examples in bot/data."""
    import yaml

    names = set()
    for path in (ROOT / "bot" / "data").rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= {block["intent"] for block in document.get("nlu") or [] if "intent" in block}
    return names


def load_agent(model_path: Path) -> Any:
    """The trained assistant, loaded once for several evaluations."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


def evaluate(agent: Any, paths: tuple[Path, ...]) -> Evaluation:
    """Parse every held-out message of `paths` with the agent and compare with its annotation."""
    known = declared_intents() if agent.domain is None or agent.domain.is_empty() else set(agent.domain.intents)
    loop = asyncio.new_event_loop()
    result = Evaluation()
    try:
        for message in read_examples(paths):
            text, gold_name = message.get("text"), gold_intent(message)
            if message.get("intent") not in known:
                result.pending[gold_name] += 1
                continue
            parse = agent.parse_message(text)
            if inspect.isawaitable(parse):
                parse = loop.run_until_complete(parse)
            predicted, confidence = full_intent(parse)
            result.total += 1
            result.per_intent[gold_name] += 1
            if predicted == gold_name:
                result.correct += 1
            else:
                result.misclassified.append((text, gold_name, predicted, confidence))
            gold, pred = spans(message.get("entities") or []), spans(parse.get("entities") or [])
            for name, counts in result.entities.items():
                gold_n = {s for s in gold if s[0] == name}
                pred_n = {s for s in pred if s[0] == name}
                counts.tp += len(gold_n & pred_n)
                counts.fp += len(pred_n - gold_n)
                counts.fn += len(gold_n - pred_n)
            if gold != pred:
                result.entity_errors.append((text, gold, pred))
    finally:
        loop.close()
    return result


def family_of(path: Path) -> str:
    """The family of a held-out file: its name after heldout_family_."""
    return path.stem.removeprefix(FAMILY_PREFIX)


def evaluate_families(agent: Any) -> dict[str, Evaluation]:
    """Each family's held-out file evaluated on its own, by family name."""
    return {family_of(path): evaluate(agent, (path,)) for path in FAMILY_SETS}


def all_families(families: dict[str, Evaluation]) -> Evaluation:
    """The families' evaluations as one."""
    return sum(families.values(), Evaluation())


def families_report(families: dict[str, Evaluation]) -> str:
    """Accuracy per family, then every miss of the family sets (printed by the report and the tests)."""
    lines = [f"family {name}: intent accuracy {result.accuracy:.3f} ({result.correct}/{result.total})"
             for name, result in families.items()]
    return "\n".join([*lines, all_families(families).report("all families")])


def families_section(families: dict[str, Evaluation]) -> list[str]:
    """The Markdown section of the held-out set by family: accuracy per family and every miss."""
    total = all_families(families)
    lines = [
        "## Held-out messages by family (tests/nlu/heldout_family_*.yml, never in training)",
        "",
        "| family | intent accuracy | messages |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {result.accuracy:.3f} | {result.total} |" for name, result in families.items()]
    lines += [f"| **all families** | {total.accuracy:.3f} | {total.total} |", ""]
    lines += ["| family | message | expected | predicted (confidence) |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {text} | {gold} | {pred} ({conf:.2f}) |"
        for name, result in families.items()
        for text, gold, pred, conf in result.misclassified
    ] or ["| (none) | | | |"]
    return lines + [""]


def markdown_section(existing: Evaluation, everything: Evaluation) -> list[str]:
    """The held-out part of reports/nlu/summary.md: accuracy and per-intent misses."""
    lines = [
        "## Held-out messages (never in training)",
        "",
        "| set | intent accuracy | messages |",
        "|---|---|---|",
        f"| existing intents (heldout.yml, heldout_whatsapp.yml) | {existing.accuracy:.3f} | {existing.total} |",
        f"| all held-out sets, pending intents excluded | {everything.accuracy:.3f} | {everything.total} |",
        "",
    ]
    if everything.pending:
        pending = ", ".join(f"`{name}` ({n})" for name, n in sorted(everything.pending.items()))
        lines += [f"Pending (intent not in the model yet): {pending}", ""]
    lines += ["| intent | misses | messages |", "|---|---|---|"]
    misses = everything.misses_by_intent()
    lines += [f"| {gold} | {n} | {everything.per_intent[gold]} |" for gold, n in misses.most_common()]
    if not misses:
        lines.append("| (none) | | |")
    lines += ["", "| message | expected | predicted (confidence) |", "|---|---|---|"]
    lines += [f"| {text} | {gold} | {pred} ({conf:.2f}) |" for text, gold, pred, conf in everything.misclassified]
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    """Print the held-out evaluation of the trained model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    agent = load_agent(args.model or find_model())
    existing, new = evaluate(agent, EXISTING_SETS), evaluate(agent, NEW_INTENT_SETS)
    print(existing.report("existing intents"))
    print((existing + new).report("all held-out sets"))
    print(families_report(evaluate_families(agent)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
