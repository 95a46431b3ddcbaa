"""A customer talking to Rasa's gateway channel (signed, as the gateway does), for the fault tests:
sign in as Laura, walk the claim form.

The claim form is answered by what each question asks (benchmarks.conversation
holds those answers), so these tests follow the form instead of its order.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import requests

from benchmarks.conversation import AUTO_POLICY, CLAIM_NUMBER, EMAIL, form_answer, normalized
from benchmarks.transports import Answer, BotMessage
from channels.rasa import RasaClient, RasaUnavailable
from launcher.outbox import latest_code

# The claim summary (domain/claims.yml utter_claim_summary) ends asking this, with a «Confirmar» button.
CONFIRM_WORDS = ("esta todo bien",)


def new_sender() -> str:
    return "web:faults" + secrets.token_urlsafe(18)


@dataclass
class Chat:
    rasa: RasaClient
    outbox_dir: Path
    sender: str = field(default_factory=new_sender)
    log: list[tuple[str, str]] = field(default_factory=list)

    def say(self, text: str, timeout: float = 30.0) -> Answer:
        started = time.perf_counter()
        try:
            # Plays the gateway, which vouches for the payloads of buttons it showed (form_answer sends no others).
            answers = self.rasa.send(self.sender, text, timeout=timeout, payload=text.startswith("/"))
        except RasaUnavailable as failure:
            raise AssertionError(f"Rasa failed ({failure}) on {text!r}\n{self.transcript()}") from failure
        latency = (time.perf_counter() - started) * 1000
        messages = [
            BotMessage(
                text=str(item.get("text") or ""),
                buttons=tuple((str(b.get("title", "")), str(b.get("payload", ""))) for b in item.get("buttons") or []),
            )
            for item in answers
        ]
        answer = Answer(messages, latency)
        self.log.append((text, answer.text))
        return answer

    def transcript(self) -> str:
        return "\n".join(f"> {said}\n< {answered}" for said, answered in self.log)

    def sign_in(self) -> Answer:
        """Signs in as Laura with the code the API e-mails; returns the assistant's welcome."""
        self.say("hola")
        self.say("quiero ingresar a mi cuenta")
        self.say(EMAIL)
        code = latest_code(self.outbox_dir, EMAIL)
        assert code, f"no code e-mailed to {EMAIL}\n{self.transcript()}"
        return self.say(code)

    def start_claim(self) -> Answer:
        return self.say("me chocaron el auto")

    def answer_form(self, answer: Answer, turns: int = 1) -> Answer:
        """Answers `turns` of the form's questions; stops early at a confirmation question or a claim number."""
        for _ in range(turns):
            if is_confirmation(answer) or claim_number(answer):
                return answer
            answer = self.say(form_answer(answer))
        return answer

    def answer_until_confirmation(self, answer: Answer, max_turns: int = 18) -> Answer:
        for _ in range(max_turns):
            if is_confirmation(answer):
                return answer
            assert not claim_number(answer), f"the claim was sent without a confirmation\n{self.transcript()}"
            answer = self.say(form_answer(answer))
        raise AssertionError(f"no confirmation question after {max_turns} answers\n{self.transcript()}")

    def confirm(self, answer: Answer) -> Answer:
        return self.say(form_answer(answer) if answer.messages else "si")


def is_confirmation(answer: Answer) -> bool:
    """The form's last question: all is gathered, shall it be sent?"""
    last = normalized(answer.messages[-1].text) if answer.messages else ""
    titles = [normalized(title) for message in answer.messages for title, _ in message.buttons]
    return any(word in last for word in CONFIRM_WORDS) or "confirmar" in titles


def claim_number(answer: Answer) -> Optional[str]:
    match = CLAIM_NUMBER.search(answer.text)
    return match.group(0) if match else None


def claims_of(api_url: str, token: str, sender: str) -> list[dict]:
    """The claims Laura sees through this chat identity, straight from the API."""
    response = requests.get(
        f"{api_url}/v1/me/claims",
        headers={"Authorization": f"Bearer {token}", "X-Chat-Identity": sender},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["claims"]


def auto_claims(claims: list[dict]) -> list[dict]:
    return [claim for claim in claims if claim.get("policy_number") == AUTO_POLICY]
