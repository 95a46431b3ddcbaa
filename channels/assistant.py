"""What every channel does with what a user sends: limit, forward to Rasa, turn failures into an apology.

Channels translate their own formats into calls here (text, a file, a place)
and render the typed replies that come back.
"""

from __future__ import annotations

import logging
import mimetypes
import unicodedata
from dataclasses import dataclass
from typing import Callable

from api_client import ApiError, BackendUnavailable, MiAvalClient, NotVerified
from channels import copy
from channels.choices import ChoiceMemory
from channels.privacy import hashed_sender
from channels.rasa import RasaClient, RasaUnavailable, inform
from channels.ratelimit import RateLimiter
from channels.replies import Paused, Reply, TextReply, from_rasa, turn_buttons
from shared_state import StateUnavailable

log = logging.getLogger(__name__)

# The API's refusal codes the assistant knows how to explain; anything else reads as an unsupported file.
UPLOAD_ERRORS = frozenset({"not_verified", "too_large", "unsupported_type"})


def without_control_characters(text: str) -> str:
    """The text without control characters (NUL, escapes…) but with its line breaks and tabs:
    nothing a person types needs them, and some stores refuse them (PostgreSQL and NUL)."""
    return "".join(char for char in text if char in "\n\t" or unicodedata.category(char) != "Cc")


@dataclass(frozen=True)
class IncomingFile:
    """A photo or document a user sent, already downloaded from the channel."""

    filename: str
    content_type: str
    content: bytes

    @classmethod
    def named(cls, stem: str, content_type: str, content: bytes) -> IncomingFile:
        """A file the channel gave no name to: ``foto-<stem>.jpg`` and the like."""
        content_type = content_type.split(";")[0].strip().lower()
        extension = mimetypes.guess_extension(content_type) or ""
        prefix = "foto" if content_type.startswith("image/") else "archivo"
        return cls(filename=f"{prefix}-{stem}{extension}", content_type=content_type, content=content)


class Assistant:
    """The conversation service shared by WhatsApp, Telegram and the web chat."""

    def __init__(
        self,
        rasa: RasaClient,
        api: MiAvalClient,
        limiter: RateLimiter,
        choices: ChoiceMemory,
        max_upload_bytes: int,
        offered_by_aval: Callable[[str, str], bool] = lambda sender_id, payload: False,
    ):
        self.rasa = rasa
        self.api = api
        self.limiter = limiter
        self.choices = choices
        self.max_upload_bytes = max_upload_bytes
        # Whether a message Aval sent this chat unasked (a reminder, through the courier) had this button.
        self.offered_by_aval = offered_by_aval

    # -- what users send -----------------------------------------------------

    def text(self, sender_id: str, text: str, *, map_choices: bool = False) -> list[Reply]:
        """A typed message. With ``map_choices`` a reply "2" or an option's title becomes its payload."""
        refusal = self._limited(sender_id)
        if refusal is not None:
            return refusal
        message = without_control_characters(text).strip()
        if map_choices:
            message = self._chosen(sender_id, message) or message
        if not message:
            return [TextReply(copy.UNSUPPORTED_MESSAGE)]
        return self._ask(sender_id, message, payload=message.startswith("/") and self._offered(sender_id, message))

    def files(self, sender_id: str, files: list[IncomingFile]) -> list[Reply]:
        """Photos or PDFs for a claim: each is uploaded to the API and announced to Rasa."""
        refusal = self._limited(sender_id)
        if refusal is not None:
            return refusal
        replies: list[Reply] = []
        for incoming in files:
            message = self._upload(sender_id, incoming)
            replies.extend(self._ask(sender_id, message, payload=True) if message else [TextReply(copy.APOLOGY)])
        return replies

    def refused_file(self, sender_id: str, reason: str) -> list[Reply]:
        """A file the channel already knows the API would refuse (``too_large``, ``unsupported_type``)."""
        refusal = self._limited(sender_id)
        if refusal is not None:
            return refusal
        return self._ask(sender_id, inform(upload_error=reason), payload=True)

    def location(self, sender_id: str, latitude: float, longitude: float) -> list[Reply]:
        """A shared place (where a claim happened)."""
        refusal = self._limited(sender_id)
        if refusal is not None:
            return refusal
        return self._ask(sender_id, inform(latitude=latitude, longitude=longitude), payload=True)

    def voice_note(self, sender_id: str) -> list[Reply]:
        """A voice note or audio: the assistant cannot listen, and says so kindly (nothing is uploaded)."""
        refusal = self._limited(sender_id)
        return refusal if refusal is not None else [TextReply(copy.VOICE_NOTE)]

    def unsupported(self, sender_id: str) -> list[Reply]:
        """Something the assistant cannot read (a sticker, a voice note)."""
        refusal = self._limited(sender_id)
        return refusal if refusal is not None else [TextReply(copy.UNSUPPORTED_MESSAGE)]

    # -- internals -----------------------------------------------------------

    def _limited(self, sender_id: str) -> list[Reply] | None:
        try:
            verdict = self.limiter.check(sender_id)
        except StateUnavailable as exc:  # the limits cannot be checked (Redis down): an apology, not silence
            log.error("shared state unavailable, message from %s refused: %s", hashed_sender(sender_id), exc)
            return [TextReply(copy.APOLOGY)]
        if verdict == "allow":
            return None
        log.warning("rate limit reached by %s", hashed_sender(sender_id))
        return [TextReply(copy.RATE_LIMITED)] if verdict == "warn" else []

    def _upload(self, sender_id: str, incoming: IncomingFile) -> str | None:
        """The /inform message for one file: its upload id, or why it was refused; None if the API is down."""
        if len(incoming.content) > self.max_upload_bytes:
            return inform(upload_error="too_large")
        try:
            upload = self.api.upload(sender_id, incoming.filename, incoming.content_type, incoming.content)
        except NotVerified:
            return inform(upload_error="not_verified")
        except BackendUnavailable:
            log.error("upload failed for %s: API unavailable", hashed_sender(sender_id))
            return None
        except ApiError as exc:
            code = exc.code if exc.code in UPLOAD_ERRORS else "unsupported_type"
            log.info("upload refused for %s: %s", hashed_sender(sender_id), exc.code)
            return inform(upload_error=code)
        return inform(upload_id=upload.id)

    def _ask(self, sender_id: str, message: str, *, payload: bool = False) -> list[Reply]:
        """Rasa's answer; ``payload``: the message is an intent the gateway vouches for (else it is text)."""
        try:
            replies = from_rasa(self.rasa.send(sender_id, message, payload=payload))
        except RasaUnavailable as exc:
            log.error("rasa unavailable for %s: %s", hashed_sender(sender_id), exc)
            return [TextReply(copy.APOLOGY)]
        if any(isinstance(reply, Paused) for reply in replies):
            return []  # an executive has the conversation: their answer comes through the outbox
        if not replies:
            # Rasa answers nothing when an action failed: the user must not be left in silence.
            log.error("rasa gave no answer to %s", hashed_sender(sender_id))
            return [TextReply(copy.APOLOGY)]
        try:
            self.choices.offer(sender_id, turn_buttons(replies))
        except StateUnavailable as exc:  # the answer still goes out; a numbered reply will read as text
            log.error("shared state unavailable, choices not kept for %s: %s", hashed_sender(sender_id), exc)
        return replies

    def _offered(self, sender_id: str, message: str) -> bool:
        """Whether ``message`` is a button payload this gateway (or a reminder from Aval) offered the sender;
        anything else typed as ``/…`` is text."""
        try:
            if self.choices.was_offered(sender_id, message):
                return True
        except StateUnavailable as exc:
            log.error("shared state unavailable, offered payloads not read for %s: %s", hashed_sender(sender_id), exc)
        return self.offered_by_aval(sender_id, message)

    def _chosen(self, sender_id: str, message: str) -> str | None:
        try:
            return self.choices.resolve(sender_id, message)
        except StateUnavailable as exc:
            log.error("shared state unavailable, choices not read for %s: %s", hashed_sender(sender_id), exc)
            return None
