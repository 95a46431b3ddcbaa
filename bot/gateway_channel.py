"""Rasa's only input channel: messages the channel gateway signed (``hop_auth.signing``).

Registered in ``credentials.yml`` by module path, in place of Rasa's open REST
channel, and served at ``/webhooks/gateway/webhook``. It answers like the REST
channel did (a JSON list of the bot's messages), but only to a request the
gateway signed within the last minute and never sent before: anything else
gets 401, whatever sender id it names.

``POST /webhooks/gateway/control`` (signed the same way, body
``{"hop": "control", "sender", "event", "text"?, "staff_name"?}``) lets the
courier (``channels/courier.py``) act on a conversation while an executive has
it: ``pause`` and ``resume`` append Rasa's ``ConversationPaused`` /
``ConversationResumed``, ``staff_message`` records an executive's message as a
``bot`` event with metadata ``{"from_staff": name}``, ``last_user_message``
answers when the customer last wrote (WhatsApp's 24-hour window). Events are
appended under the conversation's lock and saved through Rasa's own tracker
store, so they also reach the event broker. A paused conversation answers a
customer's message with ``[{"custom": {"conversation": "paused"}}]``: the
gateway then stays silent instead of apologising for an empty answer.

Only a message the gateway vouches for (``"payload": true``: a button it offered this sender, or a
fact it learned itself, such as an upload's id) may carry an intent as ``/intent{…}``; such a user
event gets metadata ``{"payload": true}``. Typed text that starts with ``/`` is read as words.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_settings import Settings
from hop_auth.replay import MemoryNonceStore, NonceStore, SharedNonceStore
from hop_auth.shared_secrets import RASA_CHANNEL_SECRET, required_secret
from hop_auth.signing import CHANNEL_NAME, HopRefused, verify
from shared_state import state_from_url

log = logging.getLogger(__name__)

# What a paused conversation answers instead of nothing (channels.replies reads it).
PAUSED_ANSWER = [{"custom": {"conversation": "paused"}}]
CONTROL_EVENTS = ("pause", "resume", "staff_message", "last_user_message")
MAX_STAFF_TEXT = 4000


class GatewayInput(InputChannel):
    """The channel gateway's signed messages; nothing else."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> GatewayInput:
        """From ``credentials.yml`` (``secret: ${RASA_CHANNEL_SECRET}``); refuses to start without a secret.

        The nonces go to ``SHARED_STATE_URL`` (Redis: shared by every replica) or this process's memory.
        """
        secret = required_secret(RASA_CHANNEL_SECRET, (credentials or {}).get("secret") or "")
        state_url = Settings.from_env().shared_state_url
        return cls(secret, SharedNonceStore(state_from_url(state_url)) if state_url else None)

    def __init__(self, secret: str, nonces: Optional[NonceStore] = None) -> None:
        self.secret = secret
        self.nonces = nonces or MemoryNonceStore()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``POST /webhook``: verify, hand the message to the agent, answer the collected messages."""
        gateway = Blueprint("gateway_webhook", __name__)

        @gateway.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = verify(self.secret, request.headers, request.body or b"", self.nonces)
            except HopRefused as refused:
                log.warning("gateway channel refused a request: %s", refused.reason)
                return response.json({"error": "unauthorized"}, status=401)
            sender, text = payload.get("sender"), payload.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            collector = CollectingOutputChannel()
            vouched = payload.get("payload") is True
            # The channel the customer wrote by, for the conversation facts (conversation_facts/facts.py).
            metadata: dict[str, Any] = {"channel": sender.split(":", 1)[0]}
            if vouched:
                metadata["payload"] = True
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            try:
                if not vouched and text.strip().startswith(INTENT_MESSAGE_PREFIX):
                    message.parse_data = await _read_as_words(request.app.ctx.agent, message)
                await on_new_message(message)
            except CancelledError:
                log.error("gateway channel: the message timed out")
            except Exception:
                log.exception("gateway channel: the message failed")
            if not collector.messages and await _is_paused(request, sender):
                return response.json(PAUSED_ANSWER)
            return response.json(collector.messages)

        @gateway.route("/control", methods=["POST"])
        async def control(request: Request) -> HTTPResponse:
            try:
                payload = verify(self.secret, request.headers, request.body or b"", self.nonces)
            except HopRefused as refused:
                log.warning("gateway control refused a request: %s", refused.reason)
                return response.json({"error": "unauthorized"}, status=401)
            sender, event = payload.get("sender"), payload.get("event")
            text, staff_name = payload.get("text"), payload.get("staff_name")
            if payload.get("hop") != "control" or not isinstance(sender, str) or not sender:
                return response.json({"error": "hop control and sender are required"}, status=400)
            if event not in CONTROL_EVENTS:
                return response.json({"error": "unknown event"}, status=400)
            if event == "staff_message" and not (
                isinstance(text, str) and text.strip() and len(text) <= MAX_STAFF_TEXT and isinstance(staff_name, str)
            ):
                return response.json({"error": "staff_message needs text and staff_name"}, status=400)
            agent = request.app.ctx.agent
            if event == "last_user_message":
                return response.json({"last_user_message_at": await _last_user_message_at(agent, sender)})
            appended: Event
            if event == "pause":
                appended = ConversationPaused()
            elif event == "resume":
                appended = ConversationResumed()
            else:
                appended = BotUttered(text=text, metadata={"from_staff": staff_name})
            async with agent.lock_store.lock(sender):
                tracker = await agent.processor.fetch_tracker_with_initial_session(sender)
                tracker.update(appended)
                await agent.processor.save_tracker(tracker)
            return response.json({"ok": True, "paused": tracker.is_paused()})

        return gateway


async def _read_as_words(agent: Any, message: UserMessage) -> dict[str, Any]:
    """What NLU reads in typed text that starts with ``/`` once the slashes are words' punctuation:
    a customer who types ``/inform{…}`` is understood (or not) as words, never obeyed as an intent.
    The conversation keeps the text as typed (``parse_data["text"]``), so the console shows it."""
    words = message.text.strip().lstrip(INTENT_MESSAGE_PREFIX).strip() or "?"
    parsed = await agent.processor.parse_message(UserMessage(words, sender_id=message.sender_id))
    parsed["text"] = message.text
    return parsed


async def _is_paused(request: Request, sender: str) -> bool:
    """Whether an executive has this conversation (Rasa predicted nothing because it is paused)."""
    try:
        tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
    except Exception:
        log.exception("gateway channel: could not read whether the conversation is paused")
        return False
    return tracker is not None and tracker.is_paused()


async def _last_user_message_at(agent: Any, sender: str) -> Optional[float]:
    """When the customer last wrote in this conversation (epoch seconds), None if never (or not kept)."""
    tracker = await agent.tracker_store.retrieve(sender)
    last = tracker.get_last_event_for(UserUttered) if tracker is not None else None
    return last.timestamp if last is not None else None
