"""The model loaded as a replica loads it (launcher/model_loading.py) predicts exactly what Rasa's loading does.

Three loads of the model in `make train`'s var/rasa-models (or RASA_MODEL): Rasa's own, then the replica's way
with an empty graph cache (it traces, then saves), then with that cache (it loads the saved graphs). Every
held-out message's parse (intents, confidences, entities, the response selector's ranking) and TED's
probabilities on every turn of the test stories must be equal, to the last bit.

Rasa's environment: `.venv-rasa/bin/python -m pytest tests/model_loading` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.heldout_script import heldout_module

ROOT = Path(__file__).resolve().parents[2]


heldout = heldout_module()


def predictions(model: Path) -> dict[str, list]:
    """Every parse of the held-out messages and TED's probabilities before every action of the test stories."""
    from rasa.core.agent import Agent
    from rasa.core.test import _create_data_generator
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    agent = Agent.load(str(model))
    parses = [asyncio.run(agent.parse_message(m.get("text"))) for m in heldout.read_examples(heldout.ALL_SETS)]
    runner = agent.processor.graph_runner
    (ted,) = [name for name in runner._instantiated_nodes if name.startswith("run_TEDPolicy")]
    stories = _create_data_generator(str(ROOT / "tests" / "stories"), agent, use_conversation_test_files=True)
    turns = {}  # by (story, event): the generator's order of the stories follows the random module's state
    for tracker in stories.generate_story_trackers():
        events = list(tracker.events)
        for index, event in enumerate(events):
            if index and isinstance(event, ActionExecuted):
                before = DialogueStateTracker.from_events(tracker.sender_id, events[:index], slots=agent.domain.slots)
                result = runner.run(inputs={PLACEHOLDER_TRACKER: before}, targets=[ted])[ted]
                turns[(tracker.sender_id, index)] = result.probabilities
    return {"parses": parses, "ted": turns}


@pytest.fixture(scope="module")
def rasas_own() -> dict[str, list]:
    return predictions(heldout.find_model())


@pytest.fixture(scope="module")
def replica_loading(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The replica's loading installed (with an empty graph cache of its own), Rasa's put back afterwards."""
    from rasa.core.policies.ted_policy import TED
    from rasa.nlu.classifiers.diet_classifier import DIET

    from launcher import model_loading

    own = DIET.__dict__.get("load"), TED.__dict__.get("load")
    cache = tmp_path_factory.mktemp("prediction-graphs")
    model_loading.apply(str(cache))
    yield cache
    for cls, load in zip((DIET, TED), own, strict=True):
        if load is None:
            del cls.load
        else:
            cls.load = load


def test_replica_loading_predicts_what_rasas_loading_does(rasas_own: dict, replica_loading: Path) -> None:
    traced = predictions(heldout.find_model())
    assert len(list(replica_loading.iterdir())) == 3  # DIET's, the response selector's and TED's graphs saved
    from_cache = predictions(heldout.find_model())
    assert len(rasas_own["parses"]) >= 600 and len(rasas_own["ted"]) >= 400
    assert traced["parses"] == rasas_own["parses"]
    assert traced["ted"] == rasas_own["ted"]
    assert from_cache["parses"] == rasas_own["parses"]
    assert from_cache["ted"] == rasas_own["ted"]
