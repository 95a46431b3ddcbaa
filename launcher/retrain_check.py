"""`make retrain-check`: train a candidate model, test it and the current one the same way, keep the better one.

The candidate is trained from the data as it is now (with bot/data/nlu/reviewed.yml,
which `make review-export` writes) into var/rasa-models/candidate/. Both models
then run Rasa's own tests: ``rasa test nlu`` on each held-out set of tests/nlu/
(heldout_reviewed.yml included, the reviewed messages kept out of training) and
``rasa test core`` on the test stories. A table compares every figure; the
candidate replaces var/rasa-models/assistant.tar.gz only when no figure got worse
(servers load it at their next start: `make run` restarts them one at a time
with its supervisor when they are restarted). Exit status 0: accepted; 1: kept
the current model.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from launcher.paths import MODEL_NAME, MODEL_PATH, MODELS_DIR, RASA_BIN, ROOT, VAR, prediction_graphs
from launcher.services import base_env
from launcher.training import FINGERPRINT_PATH, training_fingerprint

CANDIDATE_DIR = MODELS_DIR / "candidate"
CANDIDATE = CANDIDATE_DIR / f"{MODEL_NAME}.tar.gz"
RESULTS = VAR / "test-results" / "retrain-check"
HELD_OUT_SETS = ("heldout.yml", "heldout_whatsapp.yml", "heldout_reviewed.yml")
STORIES = ROOT / "tests" / "stories"


@dataclass(frozen=True)
class Figure:
    name: str
    current: Optional[float]
    candidate: float

    @property
    def worse(self) -> bool:
        return self.current is not None and self.candidate < self.current - 1e-9


def _rasa(*args: str) -> None:
    subprocess.run([str(RASA_BIN / "rasa"), *args], cwd=ROOT, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def train_candidate() -> Path:
    print("Training the candidate model ...", flush=True)
    CANDIDATE_DIR.mkdir(parents=True, exist_ok=True)
    _rasa("train", "--domain", "domain", "--data", "bot/data", "--config", "config.yml",
          "--out", str(CANDIDATE_DIR), "--fixed-model-name", MODEL_NAME)  # fmt: skip
    return CANDIDATE


def _has_examples(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return bool(data.get("nlu"))


def held_out_sets() -> list[Path]:
    folder = ROOT / "tests" / "nlu"
    return [folder / name for name in HELD_OUT_SETS if (folder / name).exists() and _has_examples(folder / name)]


def nlu_figures(model: Path, label: str) -> dict[str, float]:
    """Intent accuracy and weighted F1 on each held-out set."""
    figures = {}
    for held_out in held_out_sets():
        out = RESULTS / label / held_out.stem
        _rasa("test", "nlu", "--model", str(model), "--nlu", str(held_out), "--out", str(out))
        report = json.loads((out / "intent_report.json").read_text())
        figures[f"{held_out.stem}: intent accuracy"] = round(report["accuracy"], 4)
        figures[f"{held_out.stem}: intent F1 (weighted)"] = round(report["weighted avg"]["f1-score"], 4)
    return figures


def story_figures(model: Path, label: str) -> dict[str, float]:
    """The share of test stories predicted without an error."""
    out = RESULTS / label / "stories"
    completed = subprocess.run(
        [str(RASA_BIN / "python"), "-m", "launcher.rasa_main", "test", "core", "--model", str(model),
         "--stories", str(STORIES), "--out", str(out)],
        cwd=ROOT, env=base_env(), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if completed.returncode not in (0, 1):
        completed.check_returncode()
    total = sum(len(yaml.safe_load(path.read_text())["stories"] or []) for path in STORIES.glob("*.yml"))
    failed_file = out / "failed_test_stories.yml"
    failed = 0
    if failed_file.exists():
        failed = len((yaml.safe_load(failed_file.read_text()) or {}).get("stories") or [])
    return {"test stories without an error": round((total - failed) / total, 4) if total else 1.0}


def evaluate(model: Path, label: str) -> dict[str, float]:
    print(f"Testing the {label} model ...", flush=True)
    return {**nlu_figures(model, label), **story_figures(model, label)}


def compare(current: Optional[dict[str, float]], candidate: dict[str, float]) -> list[Figure]:
    return [Figure(name, (current or {}).get(name), value) for name, value in candidate.items()]


def table(figures: list[Figure]) -> str:
    width = max(len(figure.name) for figure in figures)
    lines = [f"{'figure':<{width}}  {'current':>8}  {'candidate':>9}  change", "-" * (width + 32)]
    for figure in figures:
        current = "—" if figure.current is None else f"{figure.current:.4f}"
        change = "new" if figure.current is None else f"{figure.candidate - figure.current:+.4f}"
        mark = "  worse" if figure.worse else ""
        lines.append(f"{figure.name:<{width}}  {current:>8}  {figure.candidate:>9.4f}  {change}{mark}")
    return "\n".join(lines)


def accept(candidate: Path) -> None:
    """The candidate becomes the model the servers load (its prediction graphs traced again)."""
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(prediction_graphs(MODEL_PATH), ignore_errors=True)
    shutil.copyfile(candidate, MODEL_PATH)
    FINGERPRINT_PATH.write_text(training_fingerprint())
    subprocess.run(
        [str(RASA_BIN / "python"), "-m", "launcher.model_loading", str(MODEL_PATH), str(prediction_graphs(MODEL_PATH))],
        cwd=ROOT, env=base_env(), check=True,
    )  # fmt: skip


def main() -> int:
    candidate = train_candidate()
    current = evaluate(MODEL_PATH, "current") if MODEL_PATH.exists() else None
    figures = compare(current, evaluate(candidate, "candidate"))
    print(table(figures))
    worse = [figure.name for figure in figures if figure.worse]
    if worse:
        print(f"Kept the current model: {len(worse)} figure(s) got worse ({'; '.join(worse)}).")
        return 1
    accept(candidate)
    print(f"Accepted: the candidate is now {MODEL_PATH.relative_to(ROOT)} (no figure got worse).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
