"""Claim reports a signed-in customer files through the web chat, and how many messages each one needs.

Issue 17's budget: a rear-end collision with only the other car's plate is
filed in at most 6 user messages after sign-in; one without another party in
at most 4. Each scenario is an opening message written as customers write on
WhatsApp (no accents, abbreviations, typos) and what the customer answers to
each question the assistant may ask; ``file_claim`` plays it through the
gateway's web chat API and counts the customer's messages (each button pressed
counts as one). ``tests/channels/test_claim_budget.py`` asserts the budgets and
what was filed against the running stack; ``make bench`` reports the counts
(``benchmarks/run.py``, load ``claims``).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Optional

import httpx

LAURA = "laura.gomez@example.com"  # signed in: her Gol (AU-1048576) is her only car in force
CLAIM_NUMBER = re.compile(r"\bSIN-\d{6}\b")
SUMMARY = "revisa la denuncia"
MAX_MESSAGES = 15


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)


@dataclass(frozen=True)
class ClaimScenario:
    """One claim told by a customer: the opening, the answers to what may be asked, the budget and the facts."""

    name: str
    opening: str
    budget: int  # user messages after sign-in, the opening and the confirmation included
    # (words of the question, accents stripped and lower case) -> what the customer types.
    answers: tuple[tuple[str, str], ...] = ()
    # What the claim the API keeps must say (its JSON fields; third_party's keys compared one by one).
    expected: dict = field(default_factory=dict)


@dataclass
class ScenarioRun:
    scenario: ClaimScenario
    messages: int = 0
    claim_number: Optional[str] = None
    transcript: list[str] = field(default_factory=list)

    @property
    def within_budget(self) -> bool:
        return self.claim_number is not None and self.messages <= self.scenario.budget


# The questions a crash may still need, and the customer's answer; first match wins (the most specific first).
_COMMON_ANSWERS = (
    ("lo que tengas del otro", "no tengo"),
    ("algo mas del otro", "no tengo mas"),
    ("quien manejaba", "yo"),
    ("alguien se lastimo", "nadie se lastimo y el auto anda"),
    ("personas lastimadas", "no"),
    ("puede seguir andando", "si"),
    ("otro vehiculo o persona", "no"),
    ("sobre que poliza", "AU-1048576"),
)

SCENARIOS: tuple[ClaimScenario, ...] = (
    ClaimScenario(
        name="issue-sentence",
        opening=(
            "ayer a las 19 me chocó de atrás un corolla blanco patente AB123CD en av rivadavia 5000, manejaba yo, "
            "nadie lastimado, el auto anda"
        ),
        budget=6,
        answers=(("lo que tengas del otro", "no tengo mas datos, solo la patente"),),
        expected={"type": "collision", "policy_number": "AU-1048576", "driver": "yo", "injured_people": False,
                  "vehicle_drivable": True, "third_party_involved": True,
                  "third_party": {"plate": "AB123CD", "vehicle": "Corolla blanco"}},
    ),
    ClaimScenario(
        name="rear-end-plate-only-whatsapp",
        opening="me chocaron d atras ayer a la tarde en cabildo 2000 con el auto, estamos todos bien",
        budget=6,
        answers=(("lo que tengas del otro", "solo tengo la patente ab 123 cd, el tipo se fue"),
                 ("puede seguir andando", "si anda")),
        expected={"type": "collision", "policy_number": "AU-1048576", "injured_people": False,
                  "vehicle_drivable": True, "third_party_involved": True, "third_party": {"plate": "AB123CD"}},
    ),
    ClaimScenario(
        name="rear-end-plate-in-parts",
        opening=(
            "ayer a las 8 y media me chocaron de atras en la autopista panamericana km 30 con el gol, "
            "una camioneta gris"
        ),
        budget=6,
        answers=(("lo que tengas del otro", "la patente es AD 774 JK"), ("algo mas del otro", "nada mas"),
                 ("alguien se lastimo", "nadie herido, el auto no arranca")),
        expected={"type": "collision", "policy_number": "AU-1048576", "injured_people": False,
                  "vehicle_drivable": False, "third_party_involved": True,
                  "third_party": {"plate": "AD774JK", "vehicle": "camioneta gris"}},
    ),
    ClaimScenario(
        name="no-third-party",
        opening="anoche choque contra un poste con el gol en av cabildo 2000, no me lastime",
        budget=4,
        answers=(("puede seguir andando", "si"),),
        expected={"type": "collision", "policy_number": "AU-1048576", "injured_people": False,
                  "third_party_involved": False, "third_party": None, "driver": "yo"},
    ),
    ClaimScenario(
        name="no-third-party-whatsapp",
        opening="ola, hoy a la mañana choque con la columna del garage con mi auto en av san martin 1200, "
                "nadie herido y el auto anda, manejaba mi señora",
        budget=4,
        expected={"type": "collision", "policy_number": "AU-1048576", "injured_people": False,
                  "vehicle_drivable": True, "third_party_involved": False, "driver": "mi señora"},
    ),
)


def normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _answer(scenario: ClaimScenario, replies: list[Reply]) -> str:
    """What the customer sends now: "Confirmar" at the summary, else the answer to the question asked."""
    buttons = [button for reply in replies for button in reply.buttons]
    question = normalised("\n".join(reply.text for reply in replies))
    if SUMMARY in question:
        return next(payload for title, payload in buttons if title == "Confirmar")
    for words, typed in scenario.answers + _COMMON_ANSWERS:
        if words in question:
            return typed
    raise AssertionError(f"{scenario.name}: unexpected question: {question}")


def file_claim(send: Callable[[str], list[Reply]], scenario: ClaimScenario) -> ScenarioRun:
    """Play a scenario in a chat already signed in; the claim's number and the customer's messages it took."""
    run = ScenarioRun(scenario)
    text = scenario.opening
    while run.messages < MAX_MESSAGES:
        replies = send(text)
        run.messages += 1
        run.transcript.append(f"user: {text}")
        run.transcript += [f"bot: {reply.text}" for reply in replies]
        said = "\n".join(reply.text for reply in replies)
        numbers = CLAIM_NUMBER.findall(said)
        if numbers and SUMMARY not in normalised(said):
            run.claim_number = numbers[-1]
            return run
        text = _answer(scenario, replies)
    return run


class WebChat:
    """A customer on the gateway's web chat JSON API (``channels/webchat.py``), one conversation."""

    def __init__(self, gateway_url: str, timeout: float = 60.0):
        self.url = gateway_url.rstrip("/")
        self.client = httpx.Client(timeout=timeout)
        response = self.client.post(self.url + "/webchat/sessions")
        response.raise_for_status()
        self.sender = response.json()["sender"]

    def send(self, text: str) -> list[Reply]:
        body = {"sender": self.sender, "message": text, "id": secrets.token_urlsafe(12)}
        response = self.client.post(self.url + "/webchat/messages", json=body)
        response.raise_for_status()
        return [
            Reply(str(item.get("text") or ""), tuple((b["title"], b["payload"]) for b in item.get("buttons") or []))
            for item in response.json().get("messages", [])
        ]

    def close(self) -> None:
        self.client.close()


def sign_in(chat: WebChat, email: str, new_code: Callable[[], str]) -> None:
    """Sign in with the code e-mailed (``new_code`` waits for it and returns it)."""
    chat.send("quiero ingresar a mi cuenta")
    chat.send(email)
    replies = chat.send(new_code())
    if "confirmé que sos vos" not in "\n".join(reply.text for reply in replies):
        raise AssertionError(f"sign-in failed: {replies}")
