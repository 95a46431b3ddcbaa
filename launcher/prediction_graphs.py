"""The traced prediction graphs of Rasa's TensorFlow models, kept on disk for the next start of any replica.

Tracing the prediction graphs of DIET, the response selector and TED was most
of what a replica's start still cost once their training step was gone (about
15 of 24 CPU s). The first start of a model saves each traced graph with its
weights as a TensorFlow SavedModel, in a directory named by a hash of what the
model was loaded from (every file of its component, Rasa's and TensorFlow's
versions); later starts load that (about 1.5 s for the three models) instead of
tracing. It is the same graph on the same weights: predictions are bit-identical.

An entry is written to a temporary directory and renamed into place, so two
replicas starting together never read half of one (the second rename fails and
its copy is dropped); entries unused for a week go when a new one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

logger = logging.getLogger(__name__)

UNUSED_FOR_S = 7 * 24 * 3600


def key(component_dir: Path) -> str:
    """A hash of everything a model is loaded from: its component's files, Rasa's and TensorFlow's versions."""
    import rasa
    import tensorflow as tf

    digest = hashlib.sha256(f"rasa {rasa.__version__} tensorflow {tf.__version__}".encode())
    for path in sorted(p for p in component_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(component_dir).as_posix().encode() + b"\0")
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:32]


def load(cache_dir: Path, entry: str) -> Optional[Any]:
    """The saved graph (its ``predict`` function), or None when there is none or it cannot be read."""
    import tensorflow as tf

    path = cache_dir / entry
    if not path.is_dir():
        return None
    try:
        saved = tf.saved_model.load(str(path))
    except Exception as failure:  # noqa: BLE001 - a broken entry costs a trace, not the start
        logger.warning("Tracing the prediction graph again: its saved copy %s could not be read (%s)", path, failure)
        return None
    with contextlib.suppress(OSError):  # a read-only copy (a container image's): nobody prunes it either
        os.utime(path)  # in use: kept by the pruning
    return saved


def save(cache_dir: Path, entry: str, model: Any) -> None:
    """Save ``model``'s traced prediction function and its weights under ``entry``."""
    import tensorflow as tf

    module = tf.Module()
    module.weights = list(model.variables)
    module.predict = model._tf_predict_step
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{entry}-", dir=cache_dir))
    except OSError as failure:
        logger.warning("The prediction graph is not kept for the next start: %s", failure)
        return
    try:
        tf.saved_model.save(module, str(partial))
        partial.chmod(0o755)  # mkdtemp's is 0700: readable by other users too (a container image's service user)
        os.rename(partial, cache_dir / entry)
    except Exception as failure:  # noqa: BLE001 - another replica saved it first, or the disk is full: next time
        logger.info("The prediction graph %s was not kept (%s)", entry, failure)
        shutil.rmtree(partial, ignore_errors=True)
    _prune(cache_dir)


def _prune(cache_dir: Path) -> None:
    """Remove the entries (and abandoned partial copies) nobody used for a week."""
    old = time.time() - UNUSED_FOR_S
    for path in cache_dir.iterdir():
        try:
            if path.stat().st_mtime < old:
                shutil.rmtree(path)
        except OSError:
            continue  # another replica pruned it first
