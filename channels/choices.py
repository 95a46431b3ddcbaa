"""Buttons on channels without real buttons, and payloads too long for Telegram's callback_data.

WhatsApp shows the options as a numbered list; ``ChoiceMemory`` remembers the
last list per sender so that a reply "2" (or an option's title) becomes that
button's payload. Telegram's callback_data holds 64 bytes; ``CallbackKeys``
swaps longer payloads for a short key kept here. Both live in this process's
memory (bounded): run the gateway as one process with threads (see docs/channels.md).
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata
from collections import OrderedDict
from typing import Optional

from channels.replies import Button

CALLBACK_DATA_LIMIT = 64
_KEY_PREFIX = "k:"


def _normalize(text: str) -> str:
    """Lowercase, accents and punctuation removed: "Sí, dale!" and "si dale" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())


def numbered_list(buttons: tuple[Button, ...], start: int = 1) -> str:
    """``1. Title`` lines, one per button, numbered from ``start``."""
    return "\n".join(f"{index}. {button.title}" for index, button in enumerate(buttons, start=start))


class _Bounded(OrderedDict):
    def __init__(self, capacity: int):
        super().__init__()
        self.capacity = capacity

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.capacity:
            self.popitem(last=False)


class ChoiceMemory:
    """The options last offered to each sender, to map "2" or a title back to a payload."""

    def __init__(self, capacity: int = 10_000):
        self._offered: _Bounded = _Bounded(capacity)
        self._lock = threading.Lock()

    def offer(self, sender_id: str, buttons: tuple[Button, ...]) -> None:
        """Remember the options just shown (an answer without options forgets the old ones)."""
        with self._lock:
            if buttons:
                self._offered.put(sender_id, buttons)
            else:
                self._offered.pop(sender_id, None)

    def resolve(self, sender_id: str, text: str) -> Optional[str]:
        """The payload the user chose with ``text``, or None when it is not one of the options."""
        with self._lock:
            buttons = self._offered.get(sender_id)
        if not buttons:
            return None
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

    def __init__(self, capacity: int = 50_000):
        self._payloads: _Bounded = _Bounded(capacity)
        self._lock = threading.Lock()

    def data_for(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith(_KEY_PREFIX):
            return payload
        key = _KEY_PREFIX + secrets.token_urlsafe(16)
        with self._lock:
            self._payloads.put(key, payload)
        return key

    def payload_for(self, data: str) -> Optional[str]:
        """The payload behind callback_data; None for a key this process no longer knows."""
        if not data.startswith(_KEY_PREFIX):
            return data
        with self._lock:
            return self._payloads.get(data)
