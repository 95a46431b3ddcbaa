"""Keeping a conversation session bounded: its old turns folded into the state they left.

Rasa replays, featurizes and sends to the action server every event of the
current session at every turn, so a long conversation costs more per message
the longer it runs. The store therefore rewrites a session that grew past
``COMPACT_ABOVE_TURNS`` user messages into:

1. its ``session_started`` event, as it was;
2. the state the folded turns left: one ``slot`` event per slot whose value
   differs from its initial value (``requested_slot`` included), the active
   loop (``active_loop``, and ``loop_interrupted`` / ``action_execution_rejected``
   when it was in that state), ``pause`` when the conversation was paused;
3. the last ``KEEP_TURNS`` user turns, event for event.

The policies look at most ``max_history`` (5, config.yml) actions back, and the
rules are shorter: ``KEEP_TURNS`` user turns hold at least that many. Nothing
else of the folded turns is read back: a half-filled claim form survives as its
slots and its active loop. A compaction is only used when replaying it gives
the same slots, loop, pause and latest message and action as the session it
replaces (:func:`same_state`).
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    ConversationPaused,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# A session is compacted when it holds more user messages than this ...
COMPACT_ABOVE_TURNS = 10
# ... down to its last this many user turns (policies' max_history is 5 actions).
KEEP_TURNS = 5


def user_turns(events: Sequence[Event]) -> int:
    """How many user messages ``events`` hold."""
    return sum(1 for event in events if isinstance(event, UserUttered))


def cut_index(events: Sequence[Event], keep_turns: int = KEEP_TURNS) -> Optional[int]:
    """Where the kept tail starts: the ``action_listen`` before the ``keep_turns``-th last user message.

    None when there is nothing worth folding.
    """
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == keep_turns:
                for before in range(index - 1, -1, -1):
                    event = events[before]
                    if isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME:
                        return before if before > 1 else None
                return None
    return None


def state_events(tracker: DialogueStateTracker, timestamp: Optional[float]) -> list[Event]:
    """The events that recreate ``tracker``'s slots, active loop and pause on a fresh session."""
    events: list[Event] = []
    for name, slot in tracker.slots.items():
        if slot.value != slot.initial_value:
            events.append(SlotSet(name, slot.value, timestamp=timestamp))
    loop = tracker.active_loop
    if loop is not None and loop.name:
        events.append(ActiveLoop(loop.name, timestamp=timestamp))
        if loop.is_interrupted:
            events.append(LoopInterrupted(True, timestamp=timestamp))
        if loop.rejected:
            events.append(ActionExecutionRejected(loop.name, timestamp=timestamp))
    if tracker.is_paused():
        events.append(ConversationPaused(timestamp=timestamp))
    return events


def _snapshot(tracker: DialogueStateTracker) -> dict[str, Any]:
    loop = tracker.active_loop
    return {
        "slots": tracker.current_slot_values(),
        "loop": (loop.name, loop.is_interrupted, loop.rejected) if loop and loop.name else None,
        "paused": tracker.is_paused(),
        "latest_message": tracker.latest_message.as_dict() if tracker.latest_message else None,
        "latest_action": tracker.latest_action,
        "followup_action": tracker.followup_action,
    }


def same_state(a: DialogueStateTracker, b: DialogueStateTracker) -> bool:
    """Whether two trackers agree on everything a turn reads besides older events."""
    return _snapshot(a) == _snapshot(b)


def compact(
    sender_id: str, events: Sequence[Event], slots: Sequence[Slot], current: Optional[DialogueStateTracker] = None
) -> Optional[list[Event]]:
    """The session ``events`` (one session, as the store retrieves it) compacted, or None to keep them as they are.

    ``current``: a tracker of exactly these events, if the caller has one (saves replaying them).
    """
    if user_turns(events) <= COMPACT_ABOVE_TURNS:
        return None
    cut = cut_index(events)
    if cut is None:
        return None
    head: list[Event] = [events[0]] if isinstance(events[0], SessionStarted) else []
    folded = DialogueStateTracker.from_events(sender_id, list(events[:cut]), list(slots))
    compacted = head + state_events(folded, events[cut - 1].timestamp) + list(events[cut:])
    original = current or DialogueStateTracker.from_events(sender_id, list(events), list(slots))
    replayed = DialogueStateTracker.from_events(sender_id, compacted, list(slots))
    if not same_state(original, replayed):
        logger.warning("a session could not be compacted without changing its state: kept whole")
        return None
    return compacted
