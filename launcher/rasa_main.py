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
"""

from __future__ import annotations

import cProfile
import json
import sys
from typing import Any

import jsonschema
from jsonschema import validators

from bot.rasa_settings import Settings
from envsettings import install_redaction, secret_values
from launcher import model_loading

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


def apply(settings: Settings) -> None:
    """Install the speed-ups (Rasa imports ``validate`` from jsonschema at call time, so this reaches it)."""
    jsonschema.validate = _validate_with_checked_schema
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type] - an import of jax now fails, as if absent
    model_loading.apply(settings.prediction_graphs)


def main() -> None:
    # MIAVAL_RASA_SPEEDUPS=0 runs Rasa unchanged (for before/after measurements with `make bench`).
    settings = Settings.from_env()
    install_redaction(secret_values(settings))  # no secret setting in any log line
    if settings.speedups:
        apply(settings)
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
