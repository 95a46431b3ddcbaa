"""TED's inference skipped at the predictions that RulePolicy or MemoizationPolicy decide with certainty.

Rasa's predict graph runs every policy at every prediction (two to four per
message) and the ensemble then keeps one prediction. When RulePolicy or
MemoizationPolicy predicts with confidence 1.0 (a rule or a memorized story
applies), TED cannot win: its confidences are at most 1.0 and on a tie the
policy of higher priority wins (TED's is the lowest); a "no user" prediction
(a form's happy path) beats every other prediction whatever its confidence.
TED's output is thrown away, after it featurized the session's history and ran
its transformer.

``ted_after_certain_policies`` rewrites the loaded predict graph so that TED's
node also receives the Rule and Memoization nodes' predictions, and uses
``TEDAfterCertainPolicies``, which abstains (all confidences 0, as a TED without
a model does) whenever one of them already wins. The ensemble then picks the
same action with the same confidence and events. TED still runs:
- when no rule and no memorized story is certain (RulePolicy's fallback
  prediction has confidence ``core_fallback_threshold``, not 1.0);
- after a rejected action (the ensemble zeroes the rejected action's confidence
  in every prediction: the certain one may then lose);
- always, for a TED trained on end-to-end stories (user text): its end-to-end
  predictions overrule the others.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.graph import GraphSchema
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

PREDICT = "predict_action_probabilities"
# TED's node receives each certain policy's prediction as the keyword argument PREFIX + that node's name.
PREFIX = "prediction_of_"


class TEDAfterCertainPolicies(TEDPolicy):
    """TEDPolicy that abstains when a policy of higher priority already predicts with certainty."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[dict[str, Any]] = None,
        precomputations: Optional[Any] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """TED's prediction, or an abstention (all zeros) when one of the other predictions wins anyway."""
        others = [value for name, value in kwargs.items() if name.startswith(PREFIX)]
        rest = {name: value for name, value in kwargs.items() if not name.startswith(PREFIX)}
        if self.loses_anyway(others, tracker):
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(tracker, domain, rule_only_data, precomputations, **rest)

    def loses_anyway(self, others: list[PolicyPrediction], tracker: DialogueStateTracker) -> bool:
        """Whether the ensemble would pick one of ``others`` over whatever TED predicts."""
        if TEXT in self.fake_features or _last_action_rejected(tracker):
            return False
        return any(
            other.is_no_user_prediction or (other.max_confidence >= 1.0 and other.policy_priority > self.priority)
            for other in others
        )


def _last_action_rejected(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecutionRejected):
            return True
        if isinstance(event, ActionExecuted):
            return False
    return False


def ted_after_certain_policies(schema: GraphSchema) -> GraphSchema:
    """``schema`` with each TEDPolicy prediction node run after, and fed by, the Rule and Memoization nodes."""
    certain = [
        name for name, node in schema.nodes.items() if issubclass(node.uses, MemoizationPolicy) and node.fn == PREDICT
    ]  # RulePolicy is a MemoizationPolicy
    if not certain:
        return schema
    nodes = dict(schema.nodes)
    for name, node in schema.nodes.items():
        if node.uses is TEDPolicy and node.fn == PREDICT:
            needs = {**node.needs, **{PREFIX + other: other for other in certain}}
            nodes[name] = dataclasses.replace(node, uses=TEDAfterCertainPolicies, needs=needs)
    return GraphSchema(nodes)
