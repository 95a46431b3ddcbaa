"""Conversations typed as customers type them: no button payloads, questions in their own words.

``FreeTextConversation``: FAQ questions, sign-in with the e-mailed code, the
policies, a car crash reported answering every form question in words, a
goodbye. ``LongConversation``: one chat of ``LONG_MESSAGES`` messages cycling
through questions and small talk, its latency kept by message number, so that
messages 131-150 can be compared with messages 1-20 (each window holds the
same messages of the cycle). The long load plays messages 131-150 of one chat
alternately with messages 1-20 of a fresh one, so that both windows share the
same moments of a shared machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from benchmarks.conversation import CLAIM_NUMBER, FORM_ANSWERS, MAX_CLAIM_TURNS, Conversation, normalized
from benchmarks.transports import Answer

BEFORE_SIGN_IN = (
    ("greeting", "hola"),
    ("faq_what", "que es mi aval?"),
    ("faq_link", "como vinculo un cliente?"),
    ("sign_in", "quiero ingresar a mi cuenta"),
)
AFTER_SIGN_IN = (("list_policies", "quiero ver mis polizas"), ("report_claim", "me chocaron el auto ayer"))
GOODBYE = ("goodbye", "gracias, chau")

# The long conversation: a cycle of 10 messages (windows 1-20 and 131-150 hold it twice each).
LONG_CYCLE = (
    "hola",
    "que es mi aval?",
    "como vinculo un cliente?",
    "que hago si choco?",
    "cuanto tarda un siniestro?",
    "como cambio mi mail?",
    "necesito los telefonos de la aseguradora",
    "gracias",
    "que datos guardan de mi?",
    "ok genial",
)
LONG_MESSAGES = 150
EARLY = range(1, 21)  # message numbers, from 1
LATE = range(131, 151)


def typed_answer(answer: Answer) -> str:
    """What a customer types to the form's last question (never a button's payload)."""
    question = normalized(answer.messages[-1].text if answer.messages else "")
    for keys, _button, typed in FORM_ANSWERS:
        if any(key in question for key in keys):
            return typed
    buttons = [title for message in answer.messages for title, _ in message.buttons]
    return buttons[0].lower() if buttons else "si"


@dataclass
class FreeTextConversation(Conversation):
    """The scripted customer of the free-text load: every message typed."""

    async def _play(self) -> bool:
        answer = await self.sign_in_between(BEFORE_SIGN_IN, AFTER_SIGN_IN)
        for _ in range(MAX_CLAIM_TURNS):
            if answer is None or answer.error:
                return False
            if CLAIM_NUMBER.search(answer.text):
                return await self.say(GOODBYE[1], step=GOODBYE[0]) is not None
            answer = await self.say(typed_answer(answer), step="claim:typed")
        return False


@dataclass
class LongConversation(Conversation):
    """One chat of ``messages`` messages cycling through ``LONG_CYCLE``; latency kept by message number."""

    messages: int = LONG_MESSAGES
    by_number: dict[int, float] = field(default_factory=dict)
    # CPU seconds used so far by the Rasa server (psutil), to charge each message its own CPU: on a shared
    # machine latency also measures the neighbours, the Rasa process's CPU time does not.
    rasa_cpu: Optional[Callable[[], float]] = None
    cpu_by_number: dict[int, float] = field(default_factory=dict)

    async def _play(self) -> bool:
        for number in range(1, self.messages + 1):
            if not await self.step(number):
                return False
        return True

    async def step(self, number: int) -> bool:
        """Send message ``number`` (from 1) of the cycle; False when it failed."""
        text = LONG_CYCLE[(number - 1) % len(LONG_CYCLE)]
        before = self.rasa_cpu() if self.rasa_cpu else 0.0
        answer: Optional[Answer] = await self.say(text, step=f"long:{(number - 1) // 10 * 10 + 1:03d}")
        if answer is None or answer.error:
            return False
        self.by_number[number] = answer.latency_ms
        if self.rasa_cpu:
            self.cpu_by_number[number] = (self.rasa_cpu() - before) * 1000
        return True
