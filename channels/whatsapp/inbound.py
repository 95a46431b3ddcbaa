"""What a Twilio WhatsApp webhook carries: text, media (photos, PDFs) and shared locations."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urljoin

import requests
from werkzeug.datastructures import MultiDict

from channels.assistant import IncomingFile
from channels.settings import Settings, origin

log = logging.getLogger(__name__)

SENDER_PATTERN = re.compile(r"^whatsapp:\+[1-9]\d{6,14}\Z")
# Twilio sends at most 10 media per message.
MAX_MEDIA = 10


@dataclass(frozen=True)
class MediaRef:
    url: str
    content_type: str


@dataclass(frozen=True)
class Inbound:
    """One incoming WhatsApp message, read from Twilio's form fields."""

    sender_id: str
    message_sid: str
    body: str
    media: tuple[MediaRef, ...] = field(default_factory=tuple)
    location: Optional[tuple[float, float]] = None

    @classmethod
    def from_form(cls, form: MultiDict) -> Optional[Inbound]:
        """None when the form is not a WhatsApp message we can answer (no valid sender)."""
        sender_id = form.get("From", "").strip()
        if not SENDER_PATTERN.match(sender_id):
            return None
        try:
            count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
        except ValueError:
            count = 0
        media = tuple(
            MediaRef(url=form[f"MediaUrl{index}"], content_type=form.get(f"MediaContentType{index}", ""))
            for index in range(count)
            if form.get(f"MediaUrl{index}")
        )
        location = None
        if form.get("Latitude") and form.get("Longitude"):
            try:
                location = (float(form["Latitude"]), float(form["Longitude"]))
            except ValueError:
                location = None
        return cls(
            sender_id=sender_id,
            message_sid=form.get("MessageSid") or form.get("SmsMessageSid") or "",
            body=form.get("Body", ""),
            media=media,
            location=location,
        )


class MediaNotFromTwilio(requests.RequestException):
    """A MediaUrl outside Twilio's hosts: it gets no request, let alone the account's credentials."""


def download_media(settings: Settings, media: MediaRef, stem: str) -> IncomingFile:
    """The file behind a MediaUrl, fetched with the account's credentials (Twilio requires them).

    Only Twilio's own URLs get the credentials, and redirects are not followed
    with them: Twilio sends media from a signed storage URL that needs none.
    """
    if origin(media.url) not in settings.twilio_media_origins:
        raise MediaNotFromTwilio("media URL outside Twilio")
    response = requests.get(
        media.url,
        auth=(settings.twilio_account_sid, settings.twilio_auth_token),
        timeout=10,
        stream=True,
        allow_redirects=False,
    )
    if response.is_redirect:
        location = urljoin(media.url, response.headers["Location"])
        response.close()
        response = requests.get(location, timeout=10, stream=True)
    response.raise_for_status()
    content = b""
    for chunk in response.iter_content(64 * 1024):
        content += chunk
        # More than the limit is refused by the assistant anyway; stop reading there.
        if len(content) > settings.max_upload_bytes:
            break
    content_type = media.content_type or response.headers.get("Content-Type", "application/octet-stream")
    return IncomingFile.named(stem, content_type, content)
