"""Driving whole conversations through a channel: sign-in with the e-mailed code, and a claim report."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable

from tests.conftest import latest_code

Send = Callable[[str], list[str]]


def _wait_code(outbox: Path, email: str, previous: str | None, timeout: float = 20) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = latest_code(outbox, email)
        if code and code != previous:
            return code
        time.sleep(0.2)
    return None


def sign_in(send: Send, outbox: Path, email: str) -> list[str]:
    """Sign in through the chat; waits out the API's resend interval if another test just asked a code."""
    transcript = send("quiero ingresar a mi cuenta")
    previous = latest_code(outbox, email)
    for _ in range(2):
        transcript += send(email)
        code = _wait_code(outbox, email, previous)
        if code:
            return transcript + send(code)
        time.sleep(61)  # the API allows one code per address per minute
        transcript += send("quiero ingresar a mi cuenta")
    raise AssertionError("no code e-mailed:\n" + "\n".join(transcript))


# What to answer to each question of the claim form (matched on the question's words,
# in this order: the summary repeats words of the other questions).
CLAIM_ANSWERS = [
    ("revisá la denuncia", "Confirmar"),
    ("sobre qué póliza", "AU-1048576"),
    ("qué pasó?", "Choque"),
    ("cuándo pasó", "ayer a las 15"),
    ("contame en pocas palabras", "Me chocaron de atrás en un semáforo de la avenida."),
    ("lo que tengas del otro", "no tengo"),
    ("otro vehículo o persona", "No"),
    ("se lastimó?", "nadie se lastimó y el auto anda"),
    ("lastimadas", "No"),
    ("puede seguir andando", "Sí"),
    ("quién manejaba", "yo"),
    ("denuncia policial", "no"),
    ("qué se dañó", "el paragolpes trasero"),
]
CLAIM_NUMBER = re.compile(r"\bSIN-\d{6}\b")


def report_claim(send: Send, send_photo: Callable[[], list[str]], send_place: Callable[[], list[str]]) -> str:
    """Report a collision on AU-1048576, sending a photo when the summary offers it; the new claim's number."""
    replies = send("me chocaron el auto")
    transcript = list(replies)
    photo_sent = False
    for _ in range(25):
        last = "\n".join(replies).lower()  # a question may come over several messages (one per client)
        numbers = [number for text in replies for number in CLAIM_NUMBER.findall(text)]
        if numbers and "revisá la denuncia" not in last:
            return numbers[-1]
        if "dónde pasó" in last:
            replies = send_place()
        elif "revisá la denuncia" in last and not photo_sent:
            # Photos are offered with the summary: one is sent, and the summary comes again with it.
            replies = send_photo()
            photo_sent = True
        else:
            answer = next((reply for question, reply in CLAIM_ANSWERS if question in last), None)
            if answer is None:
                raise AssertionError("unexpected question:\n" + "\n".join(transcript))
            replies = send(answer)
        transcript += replies
    raise AssertionError("the claim was never created:\n" + "\n".join(transcript))
