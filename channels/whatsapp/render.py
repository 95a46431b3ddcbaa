"""The assistant's replies as WhatsApp messages: text cut at 1600 characters, options as a numbered list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from twilio.twiml.messaging_response import MessagingResponse

from channels import copy
from channels.choices import numbered_list
from channels.replies import DocumentReply, ImageReply, Reply, TextReply
from channels.settings import Settings
from channels.splitting import WHATSAPP_LIMIT, split_text


@dataclass(frozen=True)
class OutgoingMessage:
    body: str
    media_url: Optional[str] = None


def to_messages(settings: Settings, replies: list[Reply]) -> list[OutgoingMessage]:
    """One WhatsApp message per chunk of text, image or document (documents via the gateway's /files).

    Options are numbered across the whole turn, as ``ChoiceMemory`` maps them, and the
    hint to answer with a number follows the last list only.
    """
    messages: list[OutgoingMessage] = []
    with_buttons = [index for index, reply in enumerate(replies) if isinstance(reply, TextReply) and reply.buttons]
    next_number = 1
    for index, reply in enumerate(replies):
        if isinstance(reply, TextReply):
            text = reply.text
            if reply.buttons:
                text = f"{text}\n\n{numbered_list(reply.buttons, start=next_number)}"
                next_number += len(reply.buttons)
                if index == with_buttons[-1]:
                    text = f"{text}\n\n{copy.WHATSAPP_BUTTONS_HINT}"
            messages.extend(OutgoingMessage(body=chunk) for chunk in split_text(text, WHATSAPP_LIMIT))
        elif isinstance(reply, ImageReply):
            messages.append(OutgoingMessage(body="", media_url=reply.url))
        elif isinstance(reply, DocumentReply):
            messages.append(OutgoingMessage(body=reply.filename, media_url=settings.public_file_url(reply.token)))
    return messages


def twiml(messages: list[OutgoingMessage]) -> str:
    """A TwiML document answering with these messages (empty: answer nothing now)."""
    response = MessagingResponse()
    for outgoing in messages:
        message = response.message()
        if outgoing.body:
            message.body(outgoing.body)
        if outgoing.media_url:
            message.media(outgoing.media_url)
    return str(response)
