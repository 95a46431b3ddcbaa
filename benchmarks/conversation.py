"""The scripted conversation every load replays: greeting, sign-in with the e-mailed code, policies, a claim.

The claim form's questions are answered by what they ask (policy, when,
where, what happened, the other party, confirmation), so the script follows the
assistant's form instead of assuming its order.
"""

from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Optional, Sequence

from benchmarks.stats import Recorder
from benchmarks.transports import Answer, Transport
from launcher.outbox import code_in_email

EMAIL = "laura.gomez@example.com"
AUTO_POLICY = "AU-1048576"
CLAIM_NUMBER = re.compile(r"\bSIN-\d+\b")
MAX_CLAIM_TURNS = 16

OPENING = (("greeting", "hola"), ("sign_in", "quiero ingresar a mi cuenta"))
AFTER_SIGN_IN = (("list_policies", "que seguros tengo?"), ("report_claim", "me chocaron el auto"))

# What the claim form asks (accents stripped, lowercase) -> the button a customer taps (by the start of its
# title), else what they type. First match wins: the summary ("¿Está todo bien?") names every field.
FORM_ANSWERS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("esta todo bien", "confirm"), "confirmar", "si"),
    # Before "poliza": the other party's question names its policy and plate.
    (("lo que tengas del otro",), "", "no tengo"),
    (("algo mas del otro",), "", "no tengo mas"),
    (("alguien se lastimo",), "nadie se lastimo y anda", "nadie se lastimo y el auto anda"),
    (("poliza", "patente", "que vehiculo", "cual auto"), "", AUTO_POLICY),
    (("cuando", "fecha", "que dia", "a que hora"), "", "ayer a las 7 de la tarde"),
    (("donde", "direccion", "esquina", "ubicacion"), "", "en av. rivadavia 5000, caba"),
    (("lastimad", "herid", "lesion"), "no", "no"),
    (("puede seguir andando",), "si", "si"),
    (("quien manejaba",), "", "yo"),
    (("otro vehiculo", "tercero", "involucrad"), "no", "no"),
    (("denuncia policial", "comisaria"), "", "no"),
    (("que se dano",), "", "el paragolpes trasero"),
    (("que paso", "conta", "describ", "como fue"), "", "me chocaron de atras en un semaforo, se rompio el paragolpes"),
)


def normalized(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def form_answer(answer: Answer) -> str:
    """What the customer answers to the form's last question (a button's payload when one fits)."""
    buttons = [button for message in answer.messages for button in message.buttons]
    for title, payload in buttons:
        if AUTO_POLICY in title or AUTO_POLICY in payload:
            return payload
    question = normalized(answer.messages[-1].text if answer.messages else "")
    for keys, button, typed in FORM_ANSWERS:
        if any(key in question for key in keys):
            if button:
                chosen = next((p for t, p in buttons if normalized(t).startswith(button)), None)
                if chosen:
                    return chosen
            return typed
    if buttons:
        return buttons[0][1]
    return "si"


def form_step(answer: Answer) -> str:
    """A name for the claim form's turn being answered (the question's first keyword)."""
    question = normalized(answer.messages[-1].text if answer.messages else "")
    for keys, _, _ in FORM_ANSWERS:
        for key in keys:
            if key in question:
                return "claim:" + ("confirm" if key in ("esta todo bien", "confirm") else key.replace(" ", "_"))
    return "claim:other"


class Outbox:
    """Reads one-time codes from the API's .eml outbox, only from files not seen before."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.seen: set[str] = set()
        self.lock = asyncio.Lock()  # one code request at a time, so the newest e-mail is ours

    def mark_all_seen(self) -> None:
        self.seen.update(path.name for path in self.directory.glob("*.eml"))

    def new_code(self, to_address: str) -> Optional[str]:
        fresh = sorted(
            (path for path in self.directory.glob("*.eml") if path.name not in self.seen),
            key=lambda path: path.stat().st_mtime,
        )
        code = None
        for path in fresh:
            self.seen.add(path.name)
            found = code_in_email(path.read_bytes(), to_address)
            code = found or code
        return code

    async def wait_code(self, to_address: str, timeout: float = 5.0) -> Optional[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.new_code(to_address)
            if code:
                return code
            await asyncio.sleep(0.02)
        return None


Pace = Callable[[], Awaitable[None]]


async def _no_pause() -> None:
    return None


@dataclass
class Conversation:
    """One customer: a sender id, a transport, where its figures go, and how it paces its messages."""

    transport: Transport
    sender_id: str
    recorder: Recorder
    outbox: Outbox
    pace: Pace = _no_pause
    transcript: list[tuple[str, str]] = field(default_factory=list)
    stop_at: float = float("inf")  # monotonic deadline: a conversation sends nothing after it

    async def say(self, text: str, wait_pace: bool = True, step: str = "") -> Optional[Answer]:
        if wait_pace:
            await self.pace()
        if time.monotonic() > self.stop_at:
            return None
        answer = await self.transport.send(self.sender_id, text)
        if answer.error:
            self.recorder.error(answer.error)
        else:
            self.recorder.ok(answer.latency_ms, step)
        self.recorder.said.setdefault(self.sender_id, []).append((text, not answer.error))
        self.transcript.append((text, answer.text if not answer.error else f"<{answer.error}> {answer.text}"))
        return answer

    async def run(self) -> bool:
        """Plays the script; True when the claim was reported (a SIN- number came back)."""
        completed = await self._play()
        if completed:
            self.recorder.conversations_completed += 1
        elif time.monotonic() > self.stop_at:
            self.recorder.conversations_cut += 1  # the load's time ran out mid-conversation: not a failure
        else:
            self.recorder.conversations_incomplete += 1
            self.recorder.failed_transcripts.append(self.transcript[-8:])
        return completed

    async def sign_in_between(
        self, before: Sequence[tuple[str, str]], after: Sequence[tuple[str, str]]
    ) -> Optional[Answer]:
        """Say ``before``, sign in with the e-mailed code, say ``after``: the last answer, None when a step failed."""
        for step, text in before:
            if await self.say(text, step=step) is None:
                return None
        await self.pace()
        async with self.outbox.lock:
            self.outbox.new_code(EMAIL)  # forget older e-mails: only the one this message causes is ours
            answer = await self.say(EMAIL, wait_pace=False, step="email")
            if answer is None or answer.error:
                return None
            code = await self.outbox.wait_code(EMAIL)
        if code is None:
            self.recorder.error("no_code_emailed")
            return None
        answer = await self.say(code, step="code")
        for step, text in after:
            answer = await self.say(text, step=step)
            if answer is None:
                return None
        return answer

    async def _play(self) -> bool:
        answer = await self.sign_in_between(OPENING, AFTER_SIGN_IN)
        for _ in range(MAX_CLAIM_TURNS):
            if answer is None:
                return False
            if CLAIM_NUMBER.search(answer.text):
                return True
            if answer.error:
                return False
            answer = await self.say(form_answer(answer), step=form_step(answer))
        return answer is not None and bool(CLAIM_NUMBER.search(answer.text))
