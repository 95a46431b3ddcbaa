"""Values a message gives for a form's slots before they are asked: the form takes them and does not ask.

Rasa fills a form's slots from the message that answers the slot asked (the
domain's mappings with their ``requested_slot`` condition), but not from the
message that starts the form: at activation the form is not active yet, so the
mappings conditioned on it do not apply. The form's validation action runs on
that message too, and its ``extract_<slot>`` methods (rasa_sdk's custom slot
extraction) call ``from_entities`` here for every slot still empty and not the
one being asked: "quiero vincular el dni 30123456 póliza AU-1048576" fills both
slots of the link form and the form asks nothing, and an answer that carries
the next value too ("30123456, la póliza es AU-1048576") fills both. What is
taken is then validated like any answer (``validate_<slot>``).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def from_entities(tracker: Tracker, slot: str, entity: str) -> dict[str, Any]:
    """``{slot: value}`` when the latest message carries ``entity`` and ``slot`` is empty and not asked now."""
    if tracker.get_slot(slot) is not None or tracker.get_slot("requested_slot") == slot:
        return {}  # known already, or the domain's mappings read the answer to the question
    value = next(iter(tracker.get_latest_entity_values(entity)), None)
    return {slot: value} if value else {}
