"""The trained model loaded as the Rasa server loads it: with launcher.rasa_main's speed-ups.

Run with the assistant's environment (`make test-assistant`):
    .venv-rasa/bin/python -m pytest tests/rasa_speedups
The model is the newest archive of var/rasa-models (or RASA_MODEL), as for tests/nlu.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.heldout_script import heldout_module


@pytest.fixture(scope="session")
def heldout() -> Any:
    return heldout_module()


@pytest.fixture(scope="session")
def agent(heldout: Any) -> Any:
    """The assistant with the speed-ups installed, as `python -m launcher.rasa_main run` serves it."""
    from bot.rasa_settings import Settings
    from launcher import rasa_main

    rasa_main.apply(Settings())  # the default settings: the prediction graphs kept next to the model
    from rasa.core.agent import Agent

    return Agent.load(str(heldout.find_model()))
