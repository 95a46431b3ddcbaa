"""Replies that missed Twilio's 15-second webhook window go out through the REST API (Messages.create)."""

from __future__ import annotations

import logging

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from channels.privacy import hashed_sender
from channels.settings import Settings
from channels.whatsapp.render import OutgoingMessage

log = logging.getLogger(__name__)


def twilio_client(settings: Settings) -> Client:
    """The twilio library's client, pointed at ``TWILIO_API_BASE_URL`` (Twilio itself unless overridden)."""
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token)
    client.api.base_url = settings.twilio_api_base_url
    return client


def send_later(settings: Settings, client: Client, to: str, messages: list[OutgoingMessage]) -> None:
    """Send each message in order; a failure is logged (without the number) and the rest still go."""
    for outgoing in messages:
        arguments = {"from_": settings.twilio_whatsapp_from, "to": to}
        if outgoing.body:
            arguments["body"] = outgoing.body
        if outgoing.media_url:
            arguments["media_url"] = [outgoing.media_url]
        try:
            client.messages.create(**arguments)
        except TwilioException as exc:
            log.error("late WhatsApp reply to %s failed: %s", hashed_sender(to), type(exc).__name__)
