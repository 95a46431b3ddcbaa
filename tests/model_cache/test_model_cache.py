"""A fresh clone takes the model another clone trained from the same data instead of training (launcher/model_cache.py).

Against the real trained model of `make train` and `python -m launcher train` run as a fresh clone would run it
(an empty run-time folder, MIAVAL_VAR_DIR), with a cache folder of the test's own (MIAVAL_MODEL_CACHE).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from launcher import model_cache
from launcher.paths import APP_BIN, MODEL_PATH, ROOT, prediction_graphs
from launcher.training import training_fingerprint


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "kept-models"
    monkeypatch.setenv("MIAVAL_MODEL_CACHE", str(home))
    return home


def test_a_fresh_clone_copies_the_kept_model_of_its_data_instead_of_training(cache_home, tmp_path):
    if not MODEL_PATH.exists():
        pytest.fail("no trained model: run `make train` first")
    fingerprint = training_fingerprint()
    model_cache.keep(fingerprint, MODEL_PATH, prediction_graphs(MODEL_PATH))
    var = tmp_path / "fresh-clone-var"
    env = {**os.environ, "MIAVAL_MODEL_CACHE": str(cache_home), "MIAVAL_VAR_DIR": str(var), "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run(
        [str(APP_BIN / "python"), "-m", "launcher", "train"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "by another clone" in done.stdout and "Training" not in done.stdout, done.stdout
    copied = var / "rasa-models" / MODEL_PATH.name
    assert copied.read_bytes() == MODEL_PATH.read_bytes()
    assert (var / "rasa-models" / "assistant.fingerprint").read_text() == fingerprint
    assert sorted(p.name for p in prediction_graphs(copied).iterdir()) == sorted(
        p.name for p in prediction_graphs(MODEL_PATH).iterdir()
    )
    assert time.monotonic() - started < 120  # a copy, not a 3-5 minute training


def test_other_data_or_another_rasa_finds_no_kept_model(cache_home, tmp_path, monkeypatch):
    model = tmp_path / "trained" / "model.tar.gz"
    model.parent.mkdir()
    model.write_bytes(b"a model")
    model_cache.keep("fingerprint-a", model, tmp_path / "no-graphs")
    assert model_cache.fetch("fingerprint-a", tmp_path / "clone" / "m.tar.gz", tmp_path / "clone" / "graphs")
    assert (tmp_path / "clone" / "m.tar.gz").read_bytes() == b"a model"
    assert not model_cache.fetch("fingerprint-b", tmp_path / "other" / "m.tar.gz", tmp_path / "other" / "graphs")
    other_lock = tmp_path / "rasa.lock"
    other_lock.write_text("rasa==9.9\n")
    monkeypatch.setattr(model_cache, "RASA_LOCK", other_lock)
    assert not model_cache.fetch("fingerprint-a", tmp_path / "third" / "m.tar.gz", tmp_path / "third" / "graphs")


def test_only_the_last_models_used_are_kept(cache_home, tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"m")
    for index in range(model_cache.KEEP + 2):
        model_cache.keep(f"fingerprint-{index}", model, tmp_path / "no-graphs")
        os.utime(model_cache.entry(f"fingerprint-{index}"), (1000 + index, 1000 + index))
    model_cache.keep("fingerprint-last", model, tmp_path / "no-graphs")
    kept = {p.name for p in model_cache.cache_dir().iterdir()}
    newest = {model_cache.entry(f"fingerprint-{i}").name for i in (model_cache.KEEP + 1, model_cache.KEEP)}
    assert kept == newest | {model_cache.entry("fingerprint-last").name}
