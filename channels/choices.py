"""Buttons on channels without real buttons, and payloads too long for Telegram's callback_data.

WhatsApp shows the options as a numbered list; ``ChoiceMemory`` remembers the
last list per sender so that a reply "2" (or an option's title) becomes that
button's payload. Telegram's callback_data holds 64 bytes; ``CallbackKeys``
swaps longer payloads for a short key. Both keep what they remember in the
shared state (``shared_state``): this process's memory by default, Redis when
the gateway runs several workers (the production profile).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from typing import Optional

from channels.replies import Button
from shared_state import MemoryState, SharedState

CALLBACK_DATA_LIMIT = 64
_KEY_PREFIX = "k:"
# How long an offered list and a long payload's key are remembered.
CHOICES_TTL = 24 * 3600
CALLBACK_KEY_TTL = 30 * 24 * 3600


def _normalize(text: str) -> str:
    """Lowercase, accents and punctuation removed: "Sí, dale!" and "si dale" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())


def numbered_list(buttons: tuple[Button, ...], start: int = 1) -> str:
    """``1. Title`` lines, one per button, numbered from ``start``."""
    return "\n".join(f"{index}. {button.title}" for index, button in enumerate(buttons, start=start))


def _offered_key(sender_id: str, payload: str) -> str:
    return f"offered:{sender_id}:{hashlib.sha256(payload.encode()).hexdigest()[:32]}"


class ChoiceMemory:
    """The options last offered to each sender, to map "2" or a title back to a payload."""

    def __init__(self, state: Optional[SharedState] = None):
        self.state = state if state is not None else MemoryState()

    def offer(self, sender_id: str, buttons: tuple[Button, ...]) -> None:
        """Remember the options just shown (an answer without options forgets the old ones for "2",
        while each payload stays one this sender may send back, :meth:`was_offered`, for a day)."""
        key = f"choices:{sender_id}"
        if buttons:
            self.state.put(key, json.dumps([[button.title, button.payload] for button in buttons]), CHOICES_TTL)
            for button in buttons:
                self.state.put(_offered_key(sender_id, button.payload), "1", CHOICES_TTL)
        else:
            self.state.delete(key)

    def was_offered(self, sender_id: str, payload: str) -> bool:
        """Whether the gateway showed this sender a button with exactly this payload (in the last day):
        only such a payload may reach Rasa as an intent; anything else typed is text."""
        return self.state.get(_offered_key(sender_id, payload)) is not None

    def resolve(self, sender_id: str, text: str) -> Optional[str]:
        """The payload the user chose with ``text``, or None when it is not one of the options."""
        stored = self.state.get(f"choices:{sender_id}")
        if not stored:
            return None
        buttons = [Button(title, payload) for title, payload in json.loads(stored)]
        answer = _normalize(text)
        if answer.isdigit():
            index = int(answer)
            return buttons[index - 1].payload if 1 <= index <= len(buttons) else None
        for button in buttons:
            if answer and answer == _normalize(button.title):
                return button.payload
        return None


class CallbackKeys:
    """callback_data for a payload: the payload itself when it fits in 64 bytes, else a short key."""

    def __init__(self, state: Optional[SharedState] = None):
        self.state = state if state is not None else MemoryState()

    def data_for(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith(_KEY_PREFIX):
            return payload
        key = _KEY_PREFIX + secrets.token_urlsafe(16)
        self.state.put(f"callback:{key}", payload, CALLBACK_KEY_TTL)
        return key

    def payload_for(self, data: str) -> Optional[str]:
        """The payload behind callback_data; None for a key no longer known."""
        if not data.startswith(_KEY_PREFIX):
            return data
        return self.state.get(f"callback:{data}")
