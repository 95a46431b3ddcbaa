"""A steady load of web chat customers through the gateway, recording every answer (for the fault test).

Each customer opens a session (``POST /webchat/sessions``) and types a short
conversation, one message at a time with a pause, each message with its own
delivery id (as the widget does); then the next customer comes. Every answer
is recorded with when its message was sent and when the answer came, and
classified: a good answer, an apology (the gateway's, or the assistant's own
when the API is down), or silence (no message, an HTTP error, no answer).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

import requests

from bot.domain_files import load_domain
from channels import copy

# Free text, as customers type it.
CONVERSATION = ("hola", "que es mi aval?", "como vinculo un cliente?", "quiero ver mis polizas", "gracias, chau")
# The assistant's own apologies for a failed step (domain/).
APOLOGY_RESPONSES = ("utter_backend_down", "utter_request_failed")


def apologies() -> frozenset[str]:
    """Every sentence that tells the customer something failed and to try again."""
    responses = load_domain()["responses"]
    texts = {variant["text"] for name in APOLOGY_RESPONSES for variant in responses[name]}
    return frozenset({copy.APOLOGY, *texts})


@dataclass(frozen=True)
class Answer:
    sender: str
    message_id: str
    said: str  # what the customer wrote
    text: str  # what the assistant answered
    sent_at: float
    answered_at: float
    kind: str  # "good", "apology" or "silence"
    detail: str = ""


@dataclass
class Load:
    """``customers`` concurrent customers talking to the gateway at ``gateway_url`` until stopped."""

    gateway_url: str
    customers: int = 4
    pause: float = 0.25
    timeout: float = 30.0
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.apologies = apologies()

    def start(self) -> None:
        for index in range(self.customers):
            thread = threading.Thread(target=self._customer_loop, name=f"customer-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def since(self, moment: float) -> list[Answer]:
        """The answers to messages sent at or after ``moment`` (time.time())."""
        with self._lock:
            return [answer for answer in self.answers if answer.sent_at >= moment]

    def _record(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def _customer_loop(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            sender = self._new_sender(session)
            if sender is None:
                time.sleep(self.pause)
                continue
            for text in CONVERSATION:
                if self._stop.is_set():
                    return
                self._record(self.say(session, sender, text))
                time.sleep(self.pause)

    def _new_sender(self, session: requests.Session) -> Optional[str]:
        try:
            response = session.post(self.gateway_url + "/webchat/sessions", timeout=self.timeout)
        except requests.RequestException:
            return None
        return response.json()["sender"] if response.status_code == 201 else None

    def say(self, session: requests.Session, sender: str, text: str, message_id: Optional[str] = None) -> Answer:
        """One message with its delivery id, and how it was answered."""
        message_id = message_id or secrets.token_urlsafe(12)
        sent_at = time.time()
        try:
            response = session.post(
                self.gateway_url + "/webchat/messages", json={"sender": sender, "message": text, "id": message_id},
                timeout=self.timeout,
            )  # fmt: skip
        except requests.RequestException as failure:
            return Answer(sender, message_id, text, "", sent_at, time.time(), "silence", type(failure).__name__)
        answered_at = time.time()
        if response.status_code != 200:
            return Answer(sender, message_id, text, "", sent_at, answered_at, "silence", f"HTTP {response.status_code}")
        body = response.json()
        replies = [item.get("text") or "" for item in body.get("messages", [])]
        joined = "\n".join(replies)
        if body.get("duplicate"):
            return Answer(sender, message_id, text, joined, sent_at, answered_at, "duplicate")
        if not replies:
            return Answer(sender, message_id, text, "", sent_at, answered_at, "silence", "no message")
        kind = "apology" if any(reply in self.apologies for reply in replies) else "good"
        return Answer(sender, message_id, text, joined, sent_at, answered_at, kind)


def p99_seconds(answers: list[Answer]) -> float:
    """The 99th percentile of the time from sending a message to its answer (nearest rank), in seconds."""
    waits = sorted(answer.answered_at - answer.sent_at for answer in answers)
    return waits[max(0, -(-len(waits) * 99 // 100) - 1)] if waits else 0.0


def error_window(answers: list[Answer], killed_at: float) -> float:
    """Seconds from the kill to the first good answer to a message sent after the last failed one.

    0 when no message sent after the kill failed (the others carried on without a gap).
    """
    failed = [answer for answer in answers if answer.sent_at >= killed_at and answer.kind != "good"]
    if not failed:
        return 0.0
    last_failed = max(answer.sent_at for answer in failed)
    recovered = [a.answered_at for a in answers if a.kind == "good" and a.sent_at > last_failed]
    return (min(recovered) if recovered else float("inf")) - killed_at
