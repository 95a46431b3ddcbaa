"""Rasa's own logs hold no message text: what a customer wrote is hidden in its structured log events, and
its warning that quotes a message it could not parse as ``/intent{…}`` is not printed.

Typed text no longer reaches that parser (bot/gateway_channel.py reads it as words), so this is the second
line: whatever Rasa version or code path logs a message, the text stays out of ``var/log/rasa.log``.
"""

from __future__ import annotations

import warnings
from typing import Any

HIDDEN = "[hidden]"
# Rasa's own list of the event keys that carry what users wrote (rasa/utils/log_utils.py's _anonymizer).
PERSONAL_KEYS = (
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
    "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
    "next_entity", "states", "entity", "token_text", "user_message", "json_message",
)  # fmt: skip


def hide_personal_values(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: every value that may hold what someone wrote becomes ``[hidden]``."""
    for key in PERSONAL_KEYS:
        if key in event:
            event[key] = HIDDEN
    return event


def install() -> None:
    """Before Rasa configures its logging: its anonymizer step hides instead, its parse warning is silenced."""
    import rasa.utils.log_utils as log_utils

    log_utils._anonymizer = hide_personal_values  # type: ignore[attr-defined]
    warnings.filterwarnings("ignore", message="Failed to parse arguments")
