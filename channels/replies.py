"""The assistant's answers, read once from Rasa's REST format into typed replies each channel renders."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Union

from channels import copy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class TextReply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class ImageReply:
    url: str


@dataclass(frozen=True)
class DocumentReply:
    """A document the actions offer; channels fetch its bytes with ``fetch_document(token)``."""

    token: str
    filename: str
    content_type: str


@dataclass(frozen=True)
class SignedOut:
    """Not shown: the assistant signed this chat out (custom payload ``{"session": "signed_out"}``).

    Channels that keep the conversation on the user's side (the web chat widget)
    forget it; the others have nothing to render.
    """


@dataclass(frozen=True)
class Paused:
    """Not shown: an executive has this conversation, so the assistant said nothing on purpose
    (custom payload ``{"conversation": "paused"}``, see ``bot/gateway_channel.py``)."""


Reply = Union[TextReply, ImageReply, DocumentReply, SignedOut, Paused]


def _buttons(raw: Any) -> tuple[Button, ...]:
    if not isinstance(raw, list):
        return ()
    buttons = []
    for item in raw:
        if isinstance(item, dict) and item.get("title") and item.get("payload"):
            buttons.append(Button(title=str(item["title"]), payload=str(item["payload"])))
    return tuple(buttons)


def _document(custom: Any) -> DocumentReply | None:
    document = custom.get("document") if isinstance(custom, dict) else None
    if not isinstance(document, dict) or not document.get("token"):
        return None
    return DocumentReply(
        token=str(document["token"]),
        filename=str(document.get("filename") or "documento.pdf"),
        content_type=str(document.get("content_type") or "application/pdf"),
    )


def from_rasa(messages: list[dict[str, Any]]) -> list[Reply]:
    """Typed replies from Rasa's ``[{"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}]``."""
    replies: list[Reply] = []
    for message in messages:
        buttons = _buttons(message.get("buttons"))
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            replies.append(TextReply(text=text.strip(), buttons=buttons))
        elif buttons:
            replies.append(TextReply(text=copy.CHOOSE_OPTION, buttons=buttons))
        if isinstance(message.get("image"), str) and message["image"]:
            replies.append(ImageReply(url=message["image"]))
        if "custom" in message:
            custom = message["custom"]
            document = _document(custom)
            if document:
                replies.append(document)
            elif isinstance(custom, dict) and custom.get("session") == "signed_out":
                replies.append(SignedOut())
            elif isinstance(custom, dict) and custom.get("conversation") == "paused":
                replies.append(Paused())
            else:
                log.info("custom message without a document ignored")
    return replies


def turn_buttons(replies: list[Reply]) -> tuple[Button, ...]:
    """Every button of one turn, in order: a turn may offer options over several messages
    (one per client profile, say), and channels without buttons number them all as one list."""
    return tuple(button for reply in replies if isinstance(reply, TextReply) for button in reply.buttons)
