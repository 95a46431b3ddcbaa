"""The response selector run only on the messages of its retrieval intent.

Rasa's ResponseSelector (``retrieval_intent: faq`` in config.yml) runs its
TensorFlow model on every message, though its answer is only read when the
message's intent is ``faq``: by Rasa's processor (the ``faq/<key>`` of the
parse data) and by the ``utter_faq`` action, which follows that intent only.
It comes after DIETClassifier in the pipeline, so the intent is known when it
runs; the FallbackClassifier after it can only turn an intent into
``nlu_fallback``, never into ``faq``. ``process_only_its_intent`` runs
Rasa's own ``process`` on the messages of that intent and gives the others the
list of retrieval intents alone (what Rasa's processor reads to know that
their intent is not one).
"""

from __future__ import annotations

from typing import Any, Callable

from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME as RESPONSE_SELECTOR
from rasa.nlu.constants import RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


def _intent(message: Message) -> Any:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def only_its_intent(process: Callable[[ResponseSelector, list[Message]], list[Message]]) -> Callable[..., Any]:
    """``ResponseSelector.process`` limited to the messages whose intent is the selector's retrieval intent."""

    def process_only_its_intent(self: ResponseSelector, messages: list[Message]) -> list[Message]:
        if not self.retrieval_intent:  # a selector for every retrieval intent: nothing to tell apart
            return process(self, messages)
        process(self, [message for message in messages if _intent(message) == self.retrieval_intent])
        for message in messages:
            if _intent(message) != self.retrieval_intent and not message.get(RESPONSE_SELECTOR):
                message.set(
                    RESPONSE_SELECTOR,
                    {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self.all_retrieval_intents},
                    add_to_output=True,
                )
        return messages

    process_only_its_intent.wrapped = process  # type: ignore[attr-defined] - for MIAVAL_RASA_SPEEDUPS=0 and tests
    return process_only_its_intent
