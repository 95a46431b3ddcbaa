"""Held-out NLU evaluation: the trained model against messages it never saw.

The model is the one the full build trains into var/rasa-models (or the archive
named by RASA_MODEL). Intent accuracy counts a FAQ message right only when the
response selector picks its exact faq/<key>, and a message that falls back
(nlu_fallback) counts as wrong. Entities are matched on (entity, start, end).

Run with the assistant's environment:
    .venv-rasa/bin/python -m pytest tests/nlu
Under the app environment (no Rasa installed) the same evaluation runs in a
subprocess with .venv-rasa, so `make test-python` checks it too.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).with_name("heldout.yml")
MODELS_DIR = ROOT / "var" / "rasa-models"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

MIN_INTENT_ACCURACY = 0.85
MIN_ENTITY_F1 = 0.8
# The contract's entities plus the one-time code the NLU adds.
ENTITIES = ("email", "document_number", "policy_number", "license_plate", "claim_number", "code")

HAS_RASA = importlib.util.find_spec("rasa") is not None


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
    misclassified: list[tuple[str, str, str, float]] = field(default_factory=list)
    entity_errors: list[tuple[str, set, set]] = field(default_factory=list)
    entities: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in ENTITIES})

    @property
    def accuracy(self) -> float:
        """Share of held-out messages whose full intent was predicted."""
        return self.correct / self.total if self.total else 0.0

    def report(self) -> str:
        """A human-readable summary with every error, for the test output."""
        lines = [f"intent accuracy {self.accuracy:.3f} ({self.correct}/{self.total})"]
        for name, counts in self.entities.items():
            lines.append(f"entity {name}: F1 {counts.f1:.3f} (tp {counts.tp}, fp {counts.fp}, fn {counts.fn})")
        lines.append(f"misclassified ({len(self.misclassified)}):")
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


def evaluate(model_path: Path, heldout_path: Path = HELDOUT) -> Evaluation:
    """Parse every held-out message with the model and compare with its annotation."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    agent = Agent.load(str(model_path))
    examples = RasaYAMLReader().read(str(heldout_path)).intent_examples
    loop = asyncio.new_event_loop()
    result = Evaluation()
    try:
        for message in examples:
            text = message.get("text")
            gold_intent = message.get("intent_response_key") or message.get("intent")
            parse = agent.parse_message(text)
            if inspect.isawaitable(parse):
                parse = loop.run_until_complete(parse)
            predicted, confidence = full_intent(parse)
            result.total += 1
            if predicted == gold_intent:
                result.correct += 1
            else:
                result.misclassified.append((text, gold_intent, predicted, confidence))
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


if HAS_RASA:

    @pytest.fixture(scope="module")
    def evaluation() -> Evaluation:
        """One pass of the model over the held-out set, shared by the assertions."""
        result = evaluate(find_model())
        print("\n" + result.report())
        return result

    def test_heldout_covers_every_intent_and_entity() -> None:
        """The set itself: every contract entity annotated, every faq key present."""
        from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

        examples = RasaYAMLReader().read(str(HELDOUT)).intent_examples
        keys = {m.get("intent_response_key") or m.get("intent") for m in examples}
        annotated = {e["entity"] for m in examples for e in (m.get("entities") or [])}
        assert len([k for k in keys if k.startswith("faq/")]) == 17
        assert set(ENTITIES) <= annotated

    def test_intent_accuracy(evaluation: Evaluation) -> None:
        """At least 85% of held-out messages get their exact intent (or faq key)."""
        assert evaluation.accuracy >= MIN_INTENT_ACCURACY, evaluation.report()

    @pytest.mark.parametrize("entity", ENTITIES)
    def test_entity_f1(evaluation: Evaluation, entity: str) -> None:
        """Each entity type is extracted with span F1 of at least 0.8."""
        counts = evaluation.entities[entity]
        assert counts.tp + counts.fn > 0, f"held-out set has no {entity} annotation"
        assert counts.f1 >= MIN_ENTITY_F1, evaluation.report()

else:

    def test_heldout_in_rasa_environment() -> None:
        """Without Rasa here, run this very module under .venv-rasa and require it to pass."""
        assert RASA_PYTHON.exists(), f"{RASA_PYTHON} is missing: the assistant environment is not installed"
        env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [str(RASA_PYTHON), "-m", "pytest", str(Path(__file__)), "-q", "-s", "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
        sys.stdout.write(run.stdout[-20000:])
        assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
