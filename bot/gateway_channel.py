"""Rasa's only input channel: messages the channel gateway signed (``hop_auth.signing``).

Registered in ``credentials.yml`` by module path, in place of Rasa's open REST
channel, and served at ``/webhooks/gateway/webhook``. It answers like the REST
channel did (a JSON list of the bot's messages), but only to a request the
gateway signed within the last minute and never sent before: anything else
gets 401, whatever sender id it names.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_settings import Settings
from hop_auth.replay import MemoryNonceStore, NonceStore, SharedNonceStore
from hop_auth.shared_secrets import RASA_CHANNEL_SECRET, required_secret
from hop_auth.signing import CHANNEL_NAME, HopRefused, verify
from shared_state import state_from_url

log = logging.getLogger(__name__)


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
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except CancelledError:
                log.error("gateway channel: the message timed out")
            except Exception:
                log.exception("gateway channel: the message failed")
            return response.json(collector.messages)

        return gateway
