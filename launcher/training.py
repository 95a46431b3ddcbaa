"""Train the assistant only when its training data changed."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from launcher import model_cache
from launcher.paths import MODEL_NAME, MODEL_PATH, MODELS_DIR, RASA_BIN, ROOT, TRAINING_INPUTS, prediction_graphs
from launcher.services import base_env

FINGERPRINT_PATH = MODELS_DIR / f"{MODEL_NAME}.fingerprint"


def training_fingerprint() -> str:
    """A hash of every file the model is trained from (names and contents)."""
    digest = hashlib.sha256()
    for root in TRAINING_INPUTS:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def model_is_current() -> bool:
    return MODEL_PATH.exists() and FINGERPRINT_PATH.exists() and FINGERPRINT_PATH.read_text() == training_fingerprint()


def train_if_changed(force: bool = False) -> Path:
    """Train into var/rasa-models/assistant.tar.gz unless the current model was trained from the same data."""
    fingerprint = training_fingerprint()
    if not force and model_is_current():
        print(f"Assistant model is up to date: {MODEL_PATH.relative_to(ROOT)}")
        if not prediction_graphs(MODEL_PATH).is_dir():  # a model trained before the graphs were kept
            _trace_prediction_graphs()
        return MODEL_PATH
    if not force and model_cache.fetch(fingerprint, MODEL_PATH, prediction_graphs(MODEL_PATH)):
        print(f"Assistant model trained from the same data by another clone: {MODEL_PATH}")
        Path(FINGERPRINT_PATH).write_text(fingerprint)
        if not prediction_graphs(MODEL_PATH).is_dir():
            _trace_prediction_graphs()
        return MODEL_PATH
    print("Training the assistant (its data changed) ...", flush=True)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(RASA_BIN / "rasa"), "train",
            "--domain", "domain",
            "--data", "bot/data",
            "--config", "config.yml",
            "--out", str(MODELS_DIR),
            "--fixed-model-name", MODEL_NAME,
        ],  # fmt: skip
        cwd=ROOT,
        env=base_env(),
        check=True,
    )
    _trace_prediction_graphs()
    Path(FINGERPRINT_PATH).write_text(fingerprint)
    model_cache.keep(fingerprint, MODEL_PATH, prediction_graphs(MODEL_PATH))
    return MODEL_PATH


def _trace_prediction_graphs() -> None:
    print("Tracing its prediction graphs once, for every replica's start ...", flush=True)
    subprocess.run(
        [str(RASA_BIN / "python"), "-m", "launcher.model_loading", str(MODEL_PATH), str(prediction_graphs(MODEL_PATH))],
        cwd=ROOT,
        env=base_env(),
        check=True,
    )
