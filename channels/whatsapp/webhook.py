"""``POST /whatsapp/webhook``: Twilio's incoming-message webhook.

Only requests signed by Twilio get past the first line. A retried MessageSid
is answered with nothing. The answer goes back as TwiML when it is ready
within the reply budget (Twilio waits 15 s); otherwise the webhook answers
empty TwiML and the reply follows through the REST API.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta, timezone

import requests
from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from channels import copy
from channels.gateway import Gateway, current_gateway
from channels.outbox import Outbox
from channels.privacy import hashed_sender
from channels.replies import Reply, TextReply
from channels.whatsapp.inbound import Inbound, download_media
from channels.whatsapp.outbound import send_later, twilio_client
from channels.whatsapp.render import to_messages, twiml
from channels.whatsapp.signature import is_from_twilio

log = logging.getLogger(__name__)
whatsapp = Blueprint("whatsapp", __name__)


def _twiml_response(body: str) -> Response:
    return Response(body, mimetype="application/xml")


def answer(gateway: Gateway, inbound: Inbound) -> list[Reply]:
    """What the assistant answers to one WhatsApp message (media first, then a place, then text)."""
    assistant = gateway.assistant
    audio = [media for media in inbound.media if media.content_type.lower().startswith("audio/")]
    if audio and len(audio) == len(inbound.media):
        return assistant.voice_note(inbound.sender_id)  # never downloaded: nobody listens to it
    if inbound.media:
        files = []
        for index, media in enumerate(inbound.media, start=1):
            if media in audio:
                continue
            try:
                files.append(download_media(gateway.settings, media, f"{inbound.message_sid[-8:]}-{index}"))
            except requests.RequestException as exc:
                log.error("media download failed for %s: %s", hashed_sender(inbound.sender_id), type(exc).__name__)
        return assistant.files(inbound.sender_id, files) if files else [TextReply(copy.APOLOGY)]
    if inbound.location is not None:
        return assistant.location(inbound.sender_id, *inbound.location)
    if inbound.body.strip():
        return assistant.text(inbound.sender_id, inbound.body, map_choices=True)
    return assistant.unsupported(inbound.sender_id)


def _wake_waiting_news(gateway: Gateway, sender_id: str) -> None:
    """The customer wrote: news waiting for their 24-hour window go now (``channels/courier.py``)."""
    lease = timedelta(seconds=gateway.settings.courier_lease_seconds)
    try:
        Outbox(gateway.deliveries.engine).wake(sender_id, datetime.now(timezone.utc), lease)
    except SQLAlchemyError as exc:  # the news go at the courier's next look anyway
        log.error("could not wake waiting news for %s: %s", hashed_sender(sender_id), type(exc).__name__)


def _safe_answer(gateway: Gateway, inbound: Inbound) -> list[Reply]:
    try:
        return answer(gateway, inbound)
    except Exception as exc:  # the user gets an apology whatever broke
        log.exception("WhatsApp answer failed for %s: %s", hashed_sender(inbound.sender_id), type(exc).__name__)
        return [TextReply(copy.APOLOGY)]
    finally:
        # After Rasa recorded the message: the courier reads the window from it.
        _wake_waiting_news(gateway, inbound.sender_id)


@whatsapp.post("/whatsapp/webhook")
def webhook() -> Response:
    """Answer one signed Twilio webhook with TwiML."""
    gateway = current_gateway()
    if not is_from_twilio(gateway.settings, request):
        abort(403, "Invalid Twilio signature.")
    inbound = Inbound.from_form(request.form)
    if inbound is None:
        return _twiml_response(twiml([]))
    if inbound.message_sid and not gateway.deliveries.first_time("whatsapp", inbound.message_sid):
        log.info("retried WhatsApp delivery from %s dropped", hashed_sender(inbound.sender_id))
        return _twiml_response(twiml([]))
    job: Future = gateway.workers.submit(_safe_answer, gateway, inbound)
    try:
        replies = job.result(timeout=gateway.settings.whatsapp_reply_budget)
    except FutureTimeout:
        log.warning("slow answer for %s goes through the REST API", hashed_sender(inbound.sender_id))
        settings = gateway.settings
        job.add_done_callback(
            lambda done: send_later(
                settings, twilio_client(settings), inbound.sender_id, to_messages(settings, done.result())
            )
        )
        return _twiml_response(twiml([]))
    return _twiml_response(twiml(to_messages(gateway.settings, replies)))
