"""The courier: ``python -m channels.courier`` delivers the outbox (what Aval's staff write) to each customer's chat.

Started and supervised by the launcher next to the gateway. Any number of
couriers may run: each row is claimed atomically (``channels.outbox``), so a
message goes out once; a channel failure is tried again later (the wait
doubles each time) and after ``COURIER_MAX_ATTEMPTS`` tries the row is
``failed``. By the sender id's channel:

- ``telegram:<chat>``: the Bot API's sendMessage (python-telegram-bot).
- ``whatsapp:+<number>``: a free-form message inside the 24-hour window since
  the customer last wrote (Rasa's tracker says when: its last ``user`` event);
  outside it the approved template ``TWILIO_NEWS_TEMPLATE_SID`` through
  Twilio's Content API, the news as its variable ``{{1}}``; without a template
  the message waits for the customer's next message and the news go by e-mail.
- ``web:<id>``: the web chat widget shows it (``GET /webchat/updates``) while
  open and at the next visit; claim news and reminders also go by e-mail.
- ``email:<user id>``: a reminder for a customer with no chat: by e-mail only.

What a person wrote (``channels.staff``) reaches Telegram and WhatsApp headed
by their name ("Valeria, de Aval: …"); the widget shows the name over a bubble
of its own. A reminder's buttons (``renewal_reminder``, ``claim_followup``,
``payment_reminder``; miaval_api/services/reminders.py) go as Telegram's inline
keyboard, as a numbered list on WhatsApp (remembered like the gateway's, so
"1" is the first button) and as the widget's buttons; outside WhatsApp's window
each kind has its own template (``TWILIO_RENEWAL_TEMPLATE_SID``...).

Besides sending, by ``kind``: a claim update or a reminder for a customer who
stopped news is ``opted_out`` and nothing is sent; ``takeover`` first pauses
the Rasa conversation; ``takeover``, ``staff_reply`` and ``handback`` are
recorded in the conversation as the staff member's (the console's transcript
shows them); ``handback`` then resumes the conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from api_client import ApiError, BackendUnavailable, MiAvalClient
from channels.choices import CallbackKeys, ChoiceMemory, numbered_list
from channels.dedup import make_engine
from channels.outbox import Claimed, Outbox
from channels.privacy import hashed_sender
from channels.rasa import RasaClient, RasaUnavailable
from channels.replies import Button
from channels.settings import Settings
from channels.splitting import TELEGRAM_LIMIT, WHATSAPP_LIMIT, split_text
from channels.staff import signed
from channels.telegram.bot import make_bot
from channels.whatsapp.outbound import twilio_client
from models.outbound import UNASKED_KINDS
from shared_state import SharedState, state_from_url

log = logging.getLogger("channels.courier")

# WhatsApp's customer service window, less a margin for the time the message takes to reach Meta.
WHATSAPP_WINDOW = timedelta(hours=24) - timedelta(minutes=5)
# A WhatsApp message waiting for its window is looked at again this often, and given up after MAX_WAIT.
WINDOW_RECHECK = timedelta(minutes=10)
MAX_WAIT = timedelta(days=7)
# What a person at Aval says in a conversation they took, recorded in it as theirs (Rasa's tracker).
RECORDED_AS_STAFF = ("takeover", "staff_reply", "handback")


class Retry(Exception):
    """The channel (or Rasa) failed for now: try again later. The message is safe to log."""


class GiveUp(Exception):
    """This message can never be delivered (the customer blocked the bot, no such chat, no channel)."""


class Wait(Exception):
    """Not a failure: wait until ``until`` (WhatsApp outside its window, no template)."""

    def __init__(self, reason: str, until: datetime):
        super().__init__(reason)
        self.until = until


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Courier:
    """Delivers outbox rows one at a time; ``run_once`` for tests, ``run`` for the process."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = _utcnow,
        rasa: Optional[RasaClient] = None,
        api: Optional[MiAvalClient] = None,
    ):
        self.settings = settings
        self.clock = clock
        self.outbox = Outbox(make_engine(settings.database_url))
        self.rasa = rasa or RasaClient(settings.rasa_replicas, settings.rasa_channel_secret, settings.rasa_timeout)
        self.api = api or MiAvalClient(settings.api_url, settings.api_token, timeout=settings.api_timeout)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._bot: Optional[Bot] = None
        self._twilio: Optional[Client] = None
        self._state: Optional[SharedState] = None

    # -- the loop --------------------------------------------------------------

    def run_once(self) -> int:
        """Deliver every row due now; how many were handled."""
        handled = 0
        lease = timedelta(seconds=self.settings.courier_lease_seconds)
        while (claimed := self.outbox.claim_next(self.clock(), lease)) is not None:
            self.handle(claimed)
            handled += 1
        return handled

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, looking for new rows every ``COURIER_POLL_SECONDS``."""
        log.info("courier started")
        while not stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # the database went away, say: keep trying, say so in the log
                log.error("courier round failed: %s", type(exc).__name__)
            stop.wait(self.settings.courier_poll_seconds)
        self.close()

    def close(self) -> None:
        """Close the Telegram connection and the event loop it lives on."""
        if self._loop is not None:
            if self._bot is not None:
                self._loop.run_until_complete(self._bot.shutdown())
            self._loop.close()
            self._loop = None

    # -- one row -----------------------------------------------------------------

    def handle(self, row: Claimed) -> None:
        """Deliver one claimed row and record the outcome (delivered, opted out, retry later, failed)."""
        tag = hashed_sender(row.sender_id)
        try:
            self._deliver(row)
        except Wait as waiting:
            if self.clock() - row.created_at > MAX_WAIT:
                self.outbox.failed(row.id, f"gave up waiting: {waiting}")
                log.warning("outbound %s to %s failed: waited too long (%s)", row.id, tag, waiting)
            else:
                self.outbox.wait_until(row.id, waiting.until, str(waiting))
                log.info("outbound %s to %s waits: %s", row.id, tag, waiting)
        except GiveUp as reason:
            self.outbox.failed(row.id, str(reason))
            log.warning("outbound %s to %s failed for good: %s", row.id, tag, reason)
        except Retry as reason:
            self._retry(row, str(reason))
        except Exception as exc:  # a bug must not stop the courier: the row is retried like any failure
            log.exception("outbound %s to %s broke: %s", row.id, tag, type(exc).__name__)
            self._retry(row, type(exc).__name__)

    def _retry(self, row: Claimed, reason: str) -> None:
        tag = hashed_sender(row.sender_id)
        if row.attempts >= self.settings.courier_max_attempts:
            self.outbox.failed(row.id, reason)
            log.error("outbound %s to %s failed after %d attempts: %s", row.id, tag, row.attempts, reason)
            return
        wait = self.settings.courier_retry_seconds * 2 ** (row.attempts - 1)
        self.outbox.retry_at(row.id, self.clock() + timedelta(seconds=wait), reason)
        log.warning("outbound %s to %s: %s; attempt %d again in %.0f s", row.id, tag, reason, row.attempts + 1, wait)

    @property
    def state(self) -> SharedState:
        """The gateway's shared state (Redis when configured): WhatsApp's offered options, long callback data."""
        if self._state is None:
            self._state = state_from_url(self.settings.shared_state_url)
        return self._state

    def _deliver(self, row: Claimed) -> None:
        if row.kind in UNASKED_KINDS:
            user = self.outbox.user(row.user_id)
            if user is not None and user.news_opt_out:
                self.outbox.opted_out(row.id)
                log.info("outbound %s not sent: the customer stopped news", row.id)
                return
        if row.kind == "takeover" and row.sent_at is None:
            self._control(row, "pause")  # the assistant is quiet before the customer reads that a person is here
        if row.sent_at is None:
            via = self._send(row)
            self.outbox.sent(row.id, via, self.clock())
        if row.kind in RECORDED_AS_STAFF:
            self._control(row, "staff_message", text=row.text, staff_name=row.staff_name or "")
        if row.kind == "handback":
            self._control(row, "resume")
        self.outbox.delivered(row.id, self.clock())
        log.info("outbound %s (%s) delivered to %s", row.id, row.kind, hashed_sender(row.sender_id))

    def _control(self, row: Claimed, event: str, **fields: Any) -> dict[str, Any]:
        try:
            return self.rasa.control(row.sender_id, event, **fields)
        except RasaUnavailable as exc:
            raise Retry(f"rasa {event}: {exc}") from exc

    def _send(self, row: Claimed) -> str:
        """Send the text on the sender's channel; how it went ("telegram", "whatsapp_template"...)."""
        channel, _, address = row.sender_id.partition(":")
        if channel == "telegram":
            return self._telegram(int(address), signed(row.kind, row.staff_name, row.text), row.buttons)
        if channel == "whatsapp":
            return self._whatsapp(row)
        if channel == "web":
            if row.kind in UNASKED_KINDS:
                self._email(row)
            return "webchat"  # the widget shows it (GET /webchat/updates)
        if channel == "email":
            return self._email_only(row)
        raise GiveUp(f"no channel for sender {channel or '?'}")

    # -- Telegram --------------------------------------------------------------

    def _telegram(self, chat_id: int, text: str, buttons: tuple[Button, ...] = ()) -> str:
        if not self.settings.telegram_enabled:
            raise GiveUp("telegram is not configured")
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._telegram_send(chat_id, text, buttons))
        except (Forbidden, InvalidToken) as exc:
            raise GiveUp(f"telegram refused: {type(exc).__name__}") from exc
        except BadRequest as exc:
            raise GiveUp(f"telegram bad request: {exc.message[:80]}") from exc
        except TelegramError as exc:
            raise Retry(f"telegram: {type(exc).__name__}") from exc
        return "telegram"

    async def _telegram_send(self, chat_id: int, text: str, buttons: tuple[Button, ...]) -> None:
        if self._bot is None:
            bot = make_bot(self.settings)
            await bot.initialize()
            self._bot = bot
        chunks = split_text(text, TELEGRAM_LIMIT)
        for index, chunk in enumerate(chunks):
            markup = self._keyboard(buttons) if buttons and index == len(chunks) - 1 else None
            await self._bot.send_message(chat_id, chunk, reply_markup=markup)  # plain text: staff's is not markup

    def _keyboard(self, buttons: tuple[Button, ...]) -> InlineKeyboardMarkup:
        """One button per row, as the gateway's answers (callback_data within 64 bytes, else a shared key)."""
        keys = CallbackKeys(self.state)
        return InlineKeyboardMarkup.from_column(
            [InlineKeyboardButton(button.title, callback_data=keys.data_for(button.payload)) for button in buttons]
        )

    # -- WhatsApp --------------------------------------------------------------

    def _whatsapp(self, row: Claimed) -> str:
        settings = self.settings
        if not settings.whatsapp_enabled:
            raise GiveUp("whatsapp is not configured")
        if self._twilio is None:
            self._twilio = twilio_client(settings)
        last = self._control(row, "last_user_message").get("last_user_message_at")
        now = self.clock()
        inside = isinstance(last, (int, float)) and now - datetime.fromtimestamp(last, timezone.utc) < WHATSAPP_WINDOW
        text = signed(row.kind, row.staff_name, row.text)
        text = f"{text}\n\n{numbered_list(row.buttons)}" if row.buttons else text
        template = self._template(row.kind)
        if inside or template:
            ChoiceMemory(self.state).offer(row.sender_id, row.buttons)  # "1" is the first button, as in answers
        if inside:
            for chunk in split_text(text, WHATSAPP_LIMIT):
                self._twilio_create(to=row.sender_id, body=chunk)
            return "whatsapp"
        if template:
            variable = " ".join(text.split())  # WhatsApp refuses a template variable with line breaks
            self._twilio_create(
                to=row.sender_id,
                content_sid=template,
                content_variables=json.dumps({"1": variable}, ensure_ascii=False),
            )
            return "whatsapp_template"
        self._email(row)
        raise Wait("outside the WhatsApp window, no template", now + WINDOW_RECHECK)

    def _template(self, kind: str) -> str:
        """The approved template for this kind of message outside the window ("" when there is none)."""
        settings = self.settings
        return {
            "renewal_reminder": settings.twilio_renewal_template_sid,
            "claim_followup": settings.twilio_claim_followup_template_sid,
            "payment_reminder": settings.twilio_payment_template_sid,
        }.get(kind, settings.twilio_news_template_sid)

    def _twilio_create(self, **arguments: Any) -> None:
        assert self._twilio is not None
        try:
            self._twilio.messages.create(from_=self.settings.twilio_whatsapp_from, **arguments)
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise Retry(f"twilio HTTP {exc.status}") from exc
            raise GiveUp(f"twilio refused: HTTP {exc.status} code {exc.code}") from exc
        except TwilioException as exc:
            raise Retry(f"twilio: {type(exc).__name__}") from exc
        except OSError as exc:  # connection refused, reset...
            raise Retry(f"twilio: {type(exc).__name__}") from exc

    # -- e-mail ------------------------------------------------------------------

    def _email_only(self, row: Claimed) -> str:
        """A customer with no chat: the message by e-mail, or never (no verified address, news stopped)."""
        if row.emailed_at is not None:
            return "email"
        try:
            if self.api.email_outbound(row.id):
                return "email"
        except BackendUnavailable as exc:
            raise Retry("api or mail unavailable for the e-mail") from exc
        except ApiError as exc:
            raise GiveUp(f"no e-mail: {exc.code}") from exc
        raise GiveUp("no verified address to e-mail")

    def _email(self, row: Claimed) -> None:
        """The news by e-mail to the customer's verified address: the API sends it once and records it."""
        if row.user_id is None or row.emailed_at is not None:
            return
        try:
            self.api.email_outbound(row.id)
        except BackendUnavailable as exc:
            raise Retry("api or mail unavailable for the e-mail") from exc
        except ApiError as exc:
            log.warning("outbound %s: no e-mail (%s)", row.id, exc.code)


def main() -> None:
    """Entry point: the gateway's settings from the environment; stops on SIGTERM or Ctrl-C."""
    from channels.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Courier(settings).run(stop)


if __name__ == "__main__":
    main()
