"""The benchmark's order check: what a conversation sent against what the store holds."""

from __future__ import annotations

from benchmarks.ordering import in_order

SENT = [("hola", True), ("que es mi aval?", True), ("gracias", True)]


def test_the_stored_tail_in_order_passes():
    assert in_order(["hola", "que es mi aval?", "gracias"], SENT)
    assert in_order(["que es mi aval?", "gracias"], SENT)  # compacted: only the last ones are kept


def test_an_answered_message_missing_from_the_store_fails():
    assert not in_order(["hola", "gracias"], SENT)


def test_swapped_or_doubled_messages_fail():
    assert not in_order(["gracias", "que es mi aval?"], SENT)
    assert not in_order(["que es mi aval?", "gracias", "gracias"], SENT)
    assert not in_order([], SENT)


def test_a_failed_message_may_or_may_not_have_reached_rasa():
    sent = [("hola", True), ("que es mi aval?", False), ("gracias", True)]
    assert in_order(["hola", "gracias"], sent)
    assert in_order(["hola", "que es mi aval?", "gracias"], sent)
