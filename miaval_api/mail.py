"""Outgoing e-mail: SMTP when SMTP_HOST is set, otherwise .eml files in the outbox directory.

Logs say that a message went and where, never to whom nor what it says.
"""

from __future__ import annotations

import email
import logging
import smtplib
import ssl
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from pathlib import Path
from typing import Optional

from miaval_api.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


class Mailer:
    """Sends messages now (:meth:`send`) or in the background (:meth:`send_later`)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._pool: Optional[ThreadPoolExecutor] = None

    def build(self, to: str, subject: str, text: str, attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
        """An e-mail in plain text, with optional attachments."""
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="miaval.example")
        message["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
        message.set_content(text)
        for item in attachments:
            maintype, _, subtype = item.content_type.partition("/")
            message.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)
        return message

    def send(self, message: EmailMessage, purpose: str) -> None:
        """Deliver one message; raises OSError/smtplib.SMTPException when it cannot."""
        settings = self.settings
        if not settings.smtp_host:
            outbox = Path(settings.outbox_dir)
            outbox.mkdir(parents=True, exist_ok=True)
            name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{purpose}-{uuid.uuid4().hex[:8]}.eml"
            (outbox / name).write_bytes(bytes(message))
            log.info("e-mail (%s) written to outbox file %s", purpose, outbox / name)
            return
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
            if settings.smtp_starttls:
                # A server without STARTTLS, or with a certificate we cannot verify, gets nothing.
                smtp.starttls(context=ssl.create_default_context(cafile=settings.smtp_ca_file))
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
        log.info("e-mail (%s) handed to SMTP server", purpose)

    def send_later(self, message: EmailMessage, purpose: str) -> None:
        """Deliver in a background thread so the caller's answer does not wait on SMTP."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")
        self._pool.submit(self._send_logged, message, purpose)

    def _send_logged(self, message: EmailMessage, purpose: str) -> None:
        try:
            self.send(message, purpose)
        except Exception as exc:  # a lost receipt must be visible in the logs, without personal data
            log.error("e-mail (%s) could not be sent: %s", purpose, type(exc).__name__)


def forget_mail_to(outbox_dir: str | Path, address: str) -> int:
    """Delete the outbox files addressed to ``address`` (an erased account); files deleted."""
    address = address.lower()
    deleted = 0
    for path in Path(outbox_dir).glob("*.eml"):
        with path.open("rb") as handle:
            headers = email.message_from_binary_file(handle, policy=policy.default, _class=EmailMessage)
        recipients = {addr.lower() for _, addr in getaddresses(headers.get_all("To", []))}
        if address in recipients:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def purge_outbox(outbox_dir: str | Path, before: datetime) -> int:
    """Delete the outbox files written before ``before``; files deleted."""
    deleted = 0
    for path in Path(outbox_dir).glob("*.eml"):
        if path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
