"""Where things are: the repository, its two environments and run-time files."""

from __future__ import annotations

from pathlib import Path

from launcher.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(Settings.from_env().var_dir or ROOT / "var")
APP_BIN = ROOT / ".venv" / "bin"
RASA_BIN = ROOT / ".venv-rasa" / "bin"
MODELS_DIR = VAR / "rasa-models"
MODEL_NAME = "assistant"
MODEL_PATH = MODELS_DIR / f"{MODEL_NAME}.tar.gz"
LOG_DIR = VAR / "log"


def prediction_graphs(model_path: Path) -> Path:
    """Where the replicas keep the traced prediction graphs of a model (launcher/prediction_graphs.py): next to it."""
    return Path(model_path).parent / "prediction-graphs"


# What the assistant is trained from: a change in any of these retrains it.
TRAINING_INPUTS = (ROOT / "config.yml", ROOT / "domain", ROOT / "bot" / "data")
