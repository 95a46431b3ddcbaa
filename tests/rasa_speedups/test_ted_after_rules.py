"""TED skipped where a rule or a memorized story is certain (launcher/ted_after_rules.py).

At every step of every test story (tests/stories, the corpus of `make
test-stories`), the served graph's choice is compared with the choice the
ensemble makes from the same Rule and Memoization predictions and TED's own
full prediction: same action, confidence, policy and events. And TED's model
does not run at the steps a certain policy decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.core.test import _create_data_generator
from rasa.engine.constants import PLACEHOLDER_TRACKER as TRACKER
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.graph_components.providers.domain_provider import DomainProvider
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from launcher.ted_after_rules import PREFIX, TEDAfterCertainPolicies, ted_after_certain_policies

ROOT = Path(__file__).resolve().parents[2]


def _node_named(schema: GraphSchema, kind: type, fn: str = "") -> str:
    (name,) = [n for n, node in schema.nodes.items() if issubclass(node.uses, kind) and (not fn or node.fn == fn)]
    return name


def test_the_served_graph_feeds_ted_the_rule_and_memoization_predictions(agent: Any) -> None:
    schema = agent.processor.graph_runner._graph_schema
    ted = schema.nodes[_node_named(schema, TEDPolicy, "predict_action_probabilities")]
    certain = {n for n, node in schema.nodes.items() if issubclass(node.uses, MemoizationPolicy)}
    assert ted.uses is TEDAfterCertainPolicies
    assert {need for need in ted.needs if need.startswith(PREFIX)} == {PREFIX + name for name in certain}
    assert len(certain) == 2  # RulePolicy and MemoizationPolicy of config.yml


def test_a_graph_without_rule_or_memoization_policies_is_left_as_it_is() -> None:
    ted = SchemaNode(
        needs={"tracker": TRACKER},
        uses=TEDPolicy,
        constructor_name="load",
        fn="predict_action_probabilities",
        config={},
    )
    schema = GraphSchema({"run_TEDPolicy0": ted})
    assert ted_after_certain_policies(schema).nodes["run_TEDPolicy0"].uses is TEDPolicy


class StoryPoints:
    """Every prediction point of the test stories, run through the served graph and through full TED."""

    def __init__(self, agent: Any) -> None:
        runner = agent.processor.graph_runner
        self.runner = runner
        schema = runner._graph_schema
        self.ted_name = _node_named(schema, TEDPolicy, "predict_action_probabilities")
        self.ensemble_name = _node_named(schema, DefaultPolicyPredictionEnsemble)
        self.ted_node = schema.nodes[self.ted_name]
        self.policy_names = [n for n in schema.nodes[self.ensemble_name].needs.values() if n in schema.nodes and
                             schema.nodes[n].fn == "predict_action_probabilities"]  # fmt: skip
        self.ted = runner._instantiated_nodes[self.ted_name]._component
        self.ensemble = runner._instantiated_nodes[self.ensemble_name]._component
        self.domain_name = _node_named(schema, DomainProvider)
        self.inferences = 0
        self.skipped = 0
        self.ted_ran = 0

    def compare(self, tracker: DialogueStateTracker) -> tuple[PolicyPrediction, PolicyPrediction]:
        """(the served graph's choice, the ensemble's choice with TED's full prediction)."""
        needed = [n for n in self.ted_node.needs.values() if n in self.runner._graph_schema.nodes]
        targets = list(dict.fromkeys([self.ensemble_name, self.ted_name, *self.policy_names, *needed]))
        before = self.inferences
        results = self.runner.run(inputs={TRACKER: tracker}, targets=targets)
        certain = self.ted.loses_anyway([results[n] for n in self.policy_names if n != self.ted_name], tracker)
        if certain:
            self.skipped += 1
            assert self.inferences == before, "TED's model ran though a certain policy decided"
            assert results[self.ted_name].max_confidence == 0.0
        else:
            self.ted_ran += 1
            assert self.inferences == before + 1
        ted_kwargs = {arg: (tracker if node == TRACKER else results[node]) for arg, node in self.ted_node.needs.items()
                      if not arg.startswith(PREFIX)}  # fmt: skip
        full_ted = TEDPolicy.predict_action_probabilities(self.ted, **ted_kwargs)
        predictions = [full_ted if n == self.ted_name else results[n] for n in self.policy_names]
        domain = results[self.domain_name]
        return results[self.ensemble_name], self.ensemble.combine_predictions(predictions, tracker, domain)


@pytest.fixture(scope="module")
def story_points(agent: Any, monkeypatch_module: Any) -> StoryPoints:
    points = StoryPoints(agent)
    run_inference = points.ted.model.run_inference

    def counted(*args: Any, **kwargs: Any) -> Any:
        points.inferences += 1
        return run_inference(*args, **kwargs)

    monkeypatch_module.setattr(points.ted.model, "run_inference", counted)
    return points


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _with_other_user_turns(stories: list[Any], shift: int = 7) -> list[list[Any]]:
    """Each story's events with its user messages replaced by messages of other stories (in order, shifted).

    Conversations no rule or story foresaw: the steps that TED decides."""
    users = [event for story in stories for event in story.events if isinstance(event, UserUttered)]
    others = iter(users[shift:] + users[:shift])
    return [[next(others) if isinstance(event, UserUttered) else event for event in story.events] for story in stories]


def test_every_test_story_step_gets_the_same_prediction_and_ted_runs_only_when_needed(
    agent: Any, story_points: StoryPoints
) -> None:
    generator = _create_data_generator(str(ROOT / "tests" / "stories"), agent, use_conversation_test_files=True)
    stories = generator.generate_story_trackers()
    slots = agent.domain.slots
    compared = 0
    for events in [list(story.events) for story in stories] + _with_other_user_turns(stories):
        partial = DialogueStateTracker.from_events("story", events[:1], slots)
        for event in events[1:]:
            if isinstance(event, ActionExecuted):
                served, full = story_points.compare(partial)
                where = f"story {compared}, before {event.action_name or event.action_text}"
                assert served.max_confidence_index == full.max_confidence_index, where
                assert served.max_confidence == full.max_confidence, where
                assert served.policy_name == full.policy_name, where
                assert served.events == full.events, where
                assert served.is_no_user_prediction == full.is_no_user_prediction, where
                compared += 1
            partial.update(event)
    # Both kinds of steps occur: certain rules and stories (TED skipped) and steps only TED decides.
    print(f"\n{compared} predictions: TED skipped at {story_points.skipped}, run at {story_points.ted_ran}")
    assert compared >= 600, compared
    assert story_points.skipped >= compared // 3, (story_points.skipped, compared)
    assert story_points.ted_ran >= 20, story_points.ted_ran
