"""Trained models kept per user, by what they were trained from, for every clone on this machine.

A fresh clone (CI's, a new worktree) has no ``var/`` and would train again
(3-5 minutes on 2 cores) a model that another clone already trained from the
same data. `make train` keeps each model it trains, with its traced prediction
graphs, under ``~/.cache/miaval-assistant/models/`` (``MIAVAL_MODEL_CACHE``),
in an entry named by a hash of the training fingerprint (launcher/training.py:
every training file's name and content) and of Rasa's
lock file (another Rasa trains another model); a clone whose fingerprint has
an entry copies it instead of training. The last ``KEEP`` entries used stay.

An entry is copied to a temporary directory and renamed into place, so two
clones never read half of one; failing to keep one only costs the next clone
a training.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from launcher.paths import ROOT
from launcher.settings import Settings

KEEP = 3
RASA_LOCK = ROOT / "requirements" / "rasa.lock"


def cache_dir() -> Path:
    return Path(Settings.from_env().model_cache_dir or Path.home() / ".cache" / "miaval-assistant" / "models")


def entry(fingerprint: str) -> Path:
    digest = hashlib.sha256(fingerprint.encode() + b"\0" + RASA_LOCK.read_bytes())
    return cache_dir() / digest.hexdigest()[:32]


def fetch(fingerprint: str, model_path: Path, graphs: Path) -> bool:
    """Copy the kept model trained from ``fingerprint`` (and its prediction graphs) into place; False if none."""
    kept = entry(fingerprint)
    if not (kept / "model.tar.gz").is_file():
        return False
    model_path.parent.mkdir(parents=True, exist_ok=True)
    partial = model_path.with_name(f".{model_path.name}.partial")
    shutil.copyfile(kept / "model.tar.gz", partial)
    os.replace(partial, model_path)
    if (kept / "prediction-graphs").is_dir():
        shutil.copytree(kept / "prediction-graphs", graphs, dirs_exist_ok=True)
    os.utime(kept)  # used: kept by the pruning
    return True


def keep(fingerprint: str, model_path: Path, graphs: Path) -> None:
    """Keep a copy of a model just trained from ``fingerprint``, with its prediction graphs."""
    target = entry(fingerprint)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=target.parent))
    except OSError as failure:
        print(f"The trained model is not kept for other clones: {failure}")
        return
    try:
        shutil.copyfile(model_path, partial / "model.tar.gz")
        if graphs.is_dir():
            shutil.copytree(graphs, partial / "prediction-graphs")
        os.rename(partial, target)
    except OSError:  # another clone kept it first, or the disk is full: the next clone trains
        shutil.rmtree(partial, ignore_errors=True)
    _prune(target.parent)


def _prune(directory: Path) -> None:
    """Only the ``KEEP`` entries used last stay (and no partial copy older than a day)."""
    entries = sorted((p for p in directory.iterdir() if not p.name.startswith(".")), key=_mtime, reverse=True)
    stale = [p for p in directory.iterdir() if p.name.startswith(".") and _mtime(p) < time.time() - 86400]
    for path in entries[KEEP:] + stale:
        shutil.rmtree(path, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
