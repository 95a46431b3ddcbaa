"""Rasa's conversation events → per-turn facts, the review queue and satisfaction answers, once per event id.

``FactsWriter.handle(event_id, event)`` takes one event as Rasa publishes it
(``sender_id`` already the conversation's row key) and writes, in one
transaction with the event's id in ``consumed_events``: a customer message
starts a turn (intent, confidence, channel, the form and step it came in); the
assistant's actions and replies complete the latest turn of that conversation
(fallback, outcome, when it answered). A message the assistant fell back on, was
not sure of (below ``low_confidence``) or that came right before a request for a
person goes to the review queue, masked (:mod:`conversation_facts.masking`).
An id seen before is dropped: a republished or replayed event counts once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from conversation_facts.masking import mask
from miaval_api.db import Database
from models import ConsumedEvent, ConversationTurn, ReviewItem, SatisfactionAnswer

log = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
# The assistant's answers to a message it did not understand (Rasa's, and its two-stage fallback's suggestions).
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback"})
HANDOFF_OUTCOME = "handoff"
# The action that ends a flow → the outcome the board counts.
OUTCOMES = {
    "action_human_handoff": HANDOFF_OUTCOME,
    "action_submit_claim": "claim_filed",
    "action_send_certificate": "certificate_sent",
    "action_roadside_assistance": "assistance",
    "action_link_profile": "profile_linked",
    "action_list_policies": "policies_shown",
    "action_claim_status": "claim_status",
    "action_leave_form": "form_left",
}
# The customer's answer to "¿Te sirvió?" (domain/satisfaction.yml): its intent and entity.
SATISFACTION_INTENT = "rate_help"
SATISFACTION_ENTITY = "helpful"
SATISFACTION_FLOW_SLOT = "satisfaction_flow"
# The slot whose value a filed claim's turn keeps (its type: collision, theft...; never personal data).
CLAIM_TYPE_SLOT = "claim_type"
CHANNELS = ("whatsapp", "telegram", "web")
# Messages that say nothing about why a person was asked for.
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})


def channel_of(event: dict[str, Any]) -> str:
    """The channel a customer message came by (the gateway channel's metadata), ``other`` if unknown."""
    channel = (event.get("metadata") or {}).get("channel")
    return channel if channel in CHANNELS else "other"


def _at(event: dict[str, Any]) -> datetime:
    stamp = event.get("timestamp")
    if not isinstance(stamp, (int, float)):
        return datetime.now(timezone.utc)
    return datetime.fromtimestamp(stamp, timezone.utc)


@dataclass
class _State:
    """Where a conversation stands between events: the form and step, the assistant's last words (masked)."""

    form: Optional[str] = None
    step: Optional[str] = None
    last_bot: Optional[str] = None
    satisfaction_flow: Optional[str] = None
    claim_type: Optional[str] = None
    # The last two customer messages as (turn id, masked text or None for a button): for "before a handoff".
    current: Optional[tuple[int, Optional[str]]] = None
    previous: Optional[tuple[int, Optional[str]]] = None


class FactsWriter:
    """Writes the facts of each event once."""

    def __init__(
        self,
        db: Database,
        low_confidence: float = 0.6,
        erased_at: Optional[Callable[[str], Optional[float]]] = None,
    ) -> None:
        self.db = db
        self.low_confidence = low_confidence
        # When a conversation was erased (the conversation store's record): its older events write nothing.
        self._erased_at = erased_at or (lambda _key: None)
        self._states: dict[str, _State] = {}

    def handle(self, event_id: str, event: dict[str, Any], session: Optional[Session] = None) -> bool:
        """Write what ``event`` says; False when its id was seen before (nothing written).

        In a transaction of its own, or in ``session``'s (many events at once: the demo month).
        """
        if session is not None:
            return self._handle(session, event_id, event)
        try:
            with self.db.session(write=True) as own:
                return self._handle(own, event_id, event)
        except IntegrityError:
            return False

    def _handle(self, session: Session, event_id: str, event: dict[str, Any]) -> bool:
        if session.get(ConsumedEvent, event_id) is not None:
            return False
        session.add(ConsumedEvent(event_id=event_id))
        session.flush()  # a concurrent consumer with the same id fails here, before any fact
        conversation = str(event.get("sender_id") or "")
        if conversation and not self._erased_before(conversation, event):
            self._apply(session, conversation, event)
        return True

    def _erased_before(self, conversation: str, event: dict[str, Any]) -> bool:
        erased = self._erased_at(conversation)
        return erased is not None and (event.get("timestamp") or 0) <= erased

    def forget(self, conversations: set[str]) -> None:
        """Drop what is remembered in memory about these conversations (after an erasure)."""
        for conversation in conversations:
            self._states.pop(conversation, None)

    def _apply(self, session: Session, conversation: str, event: dict[str, Any]) -> None:
        state = self._states.setdefault(conversation, _State())
        kind = event.get("event")
        if kind == "user":
            self._user(session, conversation, state, event)
        elif kind == "action":
            self._action(session, conversation, event.get("name") or "")
        elif kind == "bot":
            self._bot(session, conversation, state, event)
        elif kind == "active_loop":
            state.form = event.get("name")
            if state.form is None:
                state.step = None
        elif kind == "slot" and event.get("name") == "requested_slot":
            state.step = event.get("value")
        elif kind == "slot" and event.get("name") == SATISFACTION_FLOW_SLOT:
            state.satisfaction_flow = event.get("value")
        elif kind == "slot" and event.get("name") == CLAIM_TYPE_SLOT:
            state.claim_type = event.get("value") if isinstance(event.get("value"), str) else None

    def _user(self, session: Session, conversation: str, state: _State, event: dict[str, Any]) -> None:
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        confidence = (parse.get("intent") or {}).get("confidence")
        text = event.get("text") or ""
        turn = ConversationTurn(
            conversation=conversation, at=_at(event), channel=channel_of(event), intent=intent,
            confidence=confidence, fallback=intent == FALLBACK_INTENT, form=state.form, step=state.step, actions=[],
        )  # fmt: skip
        session.add(turn)
        session.flush()
        state.previous = state.current
        state.current = (turn.id, None if text.startswith("/") else mask(text))
        if intent == SATISFACTION_INTENT and state.satisfaction_flow:
            self._satisfaction(session, conversation, state, turn, parse)
        if text.startswith("/"):  # a button's payload: nothing a person could annotate
            return
        if intent == FALLBACK_INTENT:
            ranking = parse.get("intent_ranking") or []
            guess = next((item for item in ranking if item.get("name") != FALLBACK_INTENT), {})
            self._review(session, turn, state, text, "fallback", guess.get("name"), guess.get("confidence"))
        elif confidence is not None and confidence < self.low_confidence:
            self._review(session, turn, state, text, "low_confidence", intent, confidence)

    def _satisfaction(
        self, session: Session, conversation: str, state: _State, turn: ConversationTurn, parse: dict[str, Any]
    ) -> None:
        value = next(
            (item.get("value") for item in parse.get("entities") or [] if item.get("entity") == SATISFACTION_ENTITY),
            None,
        )
        if value not in ("yes", "no"):
            return
        session.add(SatisfactionAnswer(
            conversation=conversation, at=turn.at, channel=turn.channel, flow=state.satisfaction_flow,
            helpful=value == "yes",
        ))  # fmt: skip
        state.satisfaction_flow = None

    def _review(
        self, session: Session, turn: ConversationTurn, state: _State, text: str, reason: str,
        predicted: Optional[str], confidence: Optional[float],
    ) -> None:  # fmt: skip
        session.add(ReviewItem(
            turn_id=turn.id, conversation=turn.conversation, at=turn.at, reason=reason, text=mask(text),
            before=state.last_bot, predicted_intent=predicted, confidence=confidence, status="open", held_out=False,
        ))  # fmt: skip

    def _latest_turns(self, session: Session, conversation: str, count: int) -> list[ConversationTurn]:
        query = (
            select(ConversationTurn).where(ConversationTurn.conversation == conversation)
            .order_by(ConversationTurn.at.desc(), ConversationTurn.id.desc()).limit(count)
        )  # fmt: skip
        return list(session.scalars(query))

    def _action(self, session: Session, conversation: str, name: str) -> None:
        if not name or name == "action_listen":
            return
        turns = self._latest_turns(session, conversation, 2)
        if not turns:
            return
        turn = turns[0]
        turn.actions = [*turn.actions, name]
        if name in FALLBACK_ACTIONS:
            turn.fallback = True
        outcome = OUTCOMES.get(name)
        if outcome and not turn.outcome:
            turn.outcome = outcome
            if outcome == "claim_filed":
                turn.detail = (self._states[conversation].claim_type or "")[:40] or None
        if outcome == HANDOFF_OUTCOME and len(turns) > 1:
            self._review_before_handoff(session, self._states[conversation], turns[1])

    def _review_before_handoff(self, session: Session, state: _State, previous: ConversationTurn) -> None:
        """The message before a request for a person, unless it is in the queue already or was a button."""
        if state.previous is None or state.previous[0] != previous.id or previous.intent in SMALL_TALK:
            return
        if session.scalar(select(ReviewItem.id).where(ReviewItem.turn_id == previous.id)):
            return
        text = state.previous[1]
        if text:
            session.add(ReviewItem(
                turn_id=previous.id, conversation=previous.conversation, at=previous.at, reason="before_handoff",
                text=text, predicted_intent=previous.intent, confidence=previous.confidence, status="open",
                held_out=False,
            ))  # fmt: skip

    def _bot(self, session: Session, conversation: str, state: _State, event: dict[str, Any]) -> None:
        text = event.get("text")
        turns = self._latest_turns(session, conversation, 1)
        if turns:
            turns[0].answered_at = _at(event)
            if text:
                waiting = session.scalar(
                    select(ReviewItem).where(ReviewItem.turn_id == turns[0].id, ReviewItem.after.is_(None))
                )
                if waiting is not None:
                    waiting.after = mask(text)
        if text:
            state.last_bot = mask(text)
