"""`python -m launcher.rasa_main run ...`: Rasa's own command line, with its hot path's needless work removed.

Rasa 3.6 validates every action server response with ``jsonschema.validate``,
which first checks the *schema* against its metaschema on every call. With
jsonschema 4.17 that check cost about a quarter of the Rasa server's CPU per
message (profiled with py-spy under `make bench`: 86 -> 60 CPU ms per message).
The replacement below checks each distinct schema once and then validates
exactly as before (same validator class, same errors).

A replica's start: the trained model is loaded without Rasa's one-example
training step (launcher/model_loading.py), and TensorFlow's import of jax (only
for TF Lite, which Rasa does not use) is skipped.

Two models no longer run where their output cannot matter (each module says
why the answers stay the same; tests/rasa_speedups proves it on the test
stories and the held-out messages). Measured with py-spy on the typed loads
of `make bench` (share of the Rasa server's busy time, before -> after) and
with the bench's CPU ms per message (Rasa, one conversation at a time, typed:
102-113 -> 67-72):
- TED's inference at the predictions that a rule or a memorized story decides
  with certainty (launcher/ted_after_rules.py): 20% -> 1% (every prediction
  of the test stories is such; 86% once their user messages are shuffled);
- the response selector on messages whose intent is not ``faq``
  (launcher/selector_for_its_intent.py): 5.5% -> 0.6%.
And each event read back (from the store, from the action server) no longer
walks every class of Rasa's events to find its own (launcher/event_classes.py):
retrieving a 51-event session, 6.9 -> 4.6 CPU ms.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import validators

from bot.rasa_settings import Settings
from envsettings import install_redaction, secret_values
from launcher import model_loading, rasa_log_privacy

_validators: dict[tuple[str, Any], Any] = {}


def _validate_with_checked_schema(instance: Any, schema: dict, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """``jsonschema.validate`` with the schema checked once per distinct schema instead of on every call."""
    key = (json.dumps(schema, sort_keys=True, default=str), cls)
    validator = _validators.get(key)
    if validator is None:
        validator_class = cls or validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = _validators[key] = validator_class(schema, *args, **kwargs)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def _load_predict_graph_runner(
    storage_path: Path, model_archive_path: Path, model_storage_class: Any, graph_runner_class: Any
) -> tuple[Any, Any]:
    """Rasa's ``rasa.engine.loader.load_predict_graph_runner``, TED's node rewritten (launcher/ted_after_rules.py)."""
    from rasa.engine.graph import ExecutionContext

    from launcher.ted_after_rules import ted_after_certain_policies

    model_storage, metadata = model_storage_class.from_model_archive(
        storage_path=storage_path, model_archive_path=model_archive_path
    )
    schema = ted_after_certain_policies(metadata.predict_schema)
    runner = graph_runner_class.create(
        graph_schema=schema,
        model_storage=model_storage,
        execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id),
    )
    return metadata, runner


def apply(settings: Settings) -> None:
    """Install the speed-ups (Rasa imports ``validate`` from jsonschema at call time, so this reaches it)."""
    jsonschema.validate = _validate_with_checked_schema
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type] - an import of jax now fails, as if absent
    model_loading.apply(settings.prediction_graphs)
    from rasa.engine import loader
    from rasa.nlu.selectors.response_selector import ResponseSelector

    from launcher import event_classes
    from launcher.selector_for_its_intent import only_its_intent

    loader.load_predict_graph_runner = _load_predict_graph_runner
    event_classes.install()
    if not hasattr(ResponseSelector.process, "wrapped"):
        ResponseSelector.process = only_its_intent(ResponseSelector.process)  # type: ignore[method-assign]


def tensorflow_threads(settings: Settings) -> dict[str, str]:
    """The variables by which Rasa sizes TensorFlow's thread pools when it starts (bot/rasa_settings.py)."""
    return {
        "TF_INTRA_OP_PARALLELISM_THREADS": str(settings.tf_intra_op_threads),
        "TF_INTER_OP_PARALLELISM_THREADS": str(settings.tf_inter_op_threads),
    }


def main() -> None:
    # MIAVAL_RASA_SPEEDUPS=0 runs Rasa unchanged (for before/after measurements with `make bench`).
    settings = Settings.from_env()
    install_redaction(secret_values(settings))  # no secret setting in any log line
    rasa_log_privacy.install()  # no message text from Rasa's own loggers
    if settings.speedups:
        apply(settings)
        os.environ.update(tensorflow_threads(settings))
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    if not settings.profile_file:
        rasa_main()
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        rasa_main()
    finally:
        profiler.disable()
        profiler.dump_stats(settings.profile_file)


if __name__ == "__main__":
    main()
