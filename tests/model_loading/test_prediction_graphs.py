"""The kept prediction graphs (launcher/prediction_graphs.py): keyed by content, saved whole, shared, pruned.

Rasa's environment (TensorFlow): `.venv-rasa/bin/python -m pytest tests/model_loading`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from launcher import prediction_graphs


class TinyModel:
    """What `save` reads of a loaded Rasa model: its variables and its traced prediction function."""

    def __init__(self, scale: float) -> None:
        self.weight = tf.Variable([[scale, 1.0], [2.0, -scale]])
        self.variables = [self.weight]
        self._tf_predict_step = tf.function(
            lambda batch: {"scores": tf.matmul(batch, self.weight), "diagnostic_data": {"attention_weights": batch}},
            input_signature=[tf.TensorSpec([None, 2], tf.float32)],
        )


def component(tmp_path: Path, weights: bytes) -> Path:
    directory = tmp_path / "train_DIETClassifier5"
    directory.mkdir(parents=True)
    (directory / "DIETClassifier.tf_model.data-00000-of-00001").write_bytes(weights)
    (directory / "DIETClassifier.meta.json").write_text('{"epochs": 70}')
    return directory


def test_the_key_follows_every_file_of_the_component(tmp_path: Path) -> None:
    first = prediction_graphs.key(component(tmp_path / "a", b"trained weights"))
    assert prediction_graphs.key(component(tmp_path / "b", b"trained weights")) == first
    assert prediction_graphs.key(component(tmp_path / "c", b"retrained weights")) != first
    renamed = component(tmp_path / "d", b"trained weights")
    (renamed / "DIETClassifier.meta.json").rename(renamed / "DIETClassifier.other.json")
    assert prediction_graphs.key(renamed) != first


def test_a_saved_graph_predicts_what_the_traced_one_does(tmp_path: Path) -> None:
    model = TinyModel(3.0)
    batch = tf.constant([[1.0, 2.0], [0.5, -1.0], [4.0, 0.0]])
    prediction_graphs.save(tmp_path, "entry", model)
    saved = prediction_graphs.load(tmp_path, "entry")
    expected, got = model._tf_predict_step(batch), saved.predict(batch)
    assert tf.nest.map_structure(lambda t: t.numpy().tolist(), got) == tf.nest.map_structure(
        lambda t: t.numpy().tolist(), expected
    )
    assert np.array_equal(got["scores"].numpy(), [[7.0, -5.0], [-0.5, 3.5], [12.0, 4.0]])


def test_a_second_replica_saving_the_same_entry_keeps_the_first_and_leaves_nothing(tmp_path: Path) -> None:
    prediction_graphs.save(tmp_path, "entry", TinyModel(3.0))
    prediction_graphs.save(tmp_path, "entry", TinyModel(7.0))  # as a replica that traced at the same time
    assert [path.name for path in tmp_path.iterdir()] == ["entry"]
    saved = prediction_graphs.load(tmp_path, "entry")
    assert saved.predict(tf.constant([[1.0, 0.0]]))["scores"].numpy().tolist() == [[3.0, 1.0]]


def test_no_entry_or_a_broken_one_means_tracing(tmp_path: Path) -> None:
    assert prediction_graphs.load(tmp_path, "missing") is None
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "saved_model.pb").write_bytes(b"not a graph")
    assert prediction_graphs.load(tmp_path, "broken") is None


def test_entries_unused_for_a_week_go_when_a_new_one_is_written(tmp_path: Path) -> None:
    prediction_graphs.save(tmp_path, "old", TinyModel(1.0))
    prediction_graphs.save(tmp_path, "recent", TinyModel(2.0))
    week_ago = time.time() - prediction_graphs.UNUSED_FOR_S - 60
    os.utime(tmp_path / "old", (week_ago, week_ago))
    os.utime(tmp_path / "recent", (week_ago, week_ago))
    assert prediction_graphs.load(tmp_path, "recent") is not None  # used: its clock starts again
    prediction_graphs.save(tmp_path, "new", TinyModel(3.0))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new", "recent"]


def test_a_cache_that_cannot_be_written_costs_nothing_but_the_next_trace(tmp_path: Path) -> None:
    blocked = tmp_path / "file-in-the-way"
    blocked.write_text("a file where the directory should be")
    prediction_graphs.save(blocked, "entry", TinyModel(1.0))
    assert prediction_graphs.load(blocked, "entry") is None


def test_an_image_built_copy_is_readable_by_another_user_and_loads_read_only(tmp_path: Path, monkeypatch) -> None:
    # A container image keeps the entries its build (root) saved; its service user reads them and cannot write
    # (the tests run as root, who may write whatever the modes say: the file system's refusal is what is faked).
    prediction_graphs.save(tmp_path, "entry", TinyModel(3.0))
    entry = tmp_path / "entry"
    assert all(path.stat().st_mode & 0o005 == 0o005 for path in [entry, *entry.rglob("*")] if path.is_dir())

    def read_only(*_: object, **__: object) -> None:
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(os, "utime", read_only)
    saved = prediction_graphs.load(tmp_path, "entry")
    assert saved is not None
    assert saved.predict(tf.constant([[1.0, 0.0]]))["scores"].numpy().tolist() == [[3.0, 1.0]]
