"""The response selector runs on FAQ messages only (launcher/selector_for_its_intent.py).

Every held-out message is parsed by the served model and by the same model
with Rasa's own ``ResponseSelector.process``: the same intent, confidence,
entities and, for FAQ messages, the same selected answer. The selector's
model does not run for the other messages, and FAQ questions still get their
exact ``faq/<key>``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector

SELECTOR = "response_selector"
FAQ = "faq"


@pytest.fixture(scope="module")
def selector_node(agent: Any) -> Any:
    """The served graph's ResponseSelector node (it calls the ``process`` it found when the model was loaded)."""
    runner = agent.processor.graph_runner
    (name,) = [n for n, node in runner._graph_schema.nodes.items() if issubclass(node.uses, ResponseSelector)]
    return runner._instantiated_nodes[name]


def _parse_all(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    loop = asyncio.new_event_loop()
    try:
        return [loop.run_until_complete(agent.parse_message(text)) for text in texts]
    finally:
        loop.close()


def _classified(parsed: dict[str, Any]) -> str:
    """DIET's intent, before the FallbackClassifier may have turned it into ``nlu_fallback``."""
    return next(i["name"] for i in parsed["intent_ranking"] if i["name"] != "nlu_fallback")


def test_the_selector_runs_only_on_faq_messages_and_answers_them_as_before(
    agent: Any, selector_node: Any, heldout: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    selector = selector_node._component
    examples = heldout.read_examples(heldout.ALL_SETS)
    texts = [message.get("text") for message in examples]
    runs: list[int] = []
    run_inference = selector.model.run_inference

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return run_inference(*args, **kwargs)

    monkeypatch.setattr(selector.model, "run_inference", counted)
    served = _parse_all(agent, texts)
    served_runs = len(runs)
    monkeypatch.setattr(selector_node, "_fn", selector_node._fn.wrapped)  # Rasa's own process
    unchanged = _parse_all(agent, texts)

    faq_messages = 0
    for text, fast, slow in zip(texts, served, unchanged, strict=True):
        assert fast["intent"] == slow["intent"], text
        assert fast["entities"] == slow["entities"], text
        assert fast.get("intent_ranking") == slow.get("intent_ranking"), text
        if _classified(fast) == FAQ:  # the selector sees DIET's intent; the FallbackClassifier comes after it
            faq_messages += 1
            assert fast[SELECTOR] == slow[SELECTOR], text
        else:
            assert fast[SELECTOR] == {"all_retrieval_intents": slow[SELECTOR]["all_retrieval_intents"]}, text
            assert FAQ in fast[SELECTOR]["all_retrieval_intents"]
    assert served_runs == faq_messages
    assert len(runs) - served_runs == len(texts)  # Rasa's own process: on every message
    assert 50 <= faq_messages < len(texts) // 2, (faq_messages, len(texts))


def test_faq_questions_still_get_their_exact_answer(agent: Any, heldout: Any) -> None:
    faq = [
        message
        for message in heldout.read_examples(heldout.EXISTING_SETS)
        if heldout.gold_intent(message).startswith(f"{FAQ}/")
    ]
    parses = _parse_all(agent, [message.get("text") for message in faq])
    right = sum(
        heldout.full_intent(parse)[0] == heldout.gold_intent(message)
        for message, parse in zip(faq, parses, strict=True)
    )
    # The exact answers are Rasa's own (the test above); this checks that they are still given (94.6% today).
    assert right / len(faq) >= 0.9, f"{right} of {len(faq)} FAQ questions got their faq/<key>"
