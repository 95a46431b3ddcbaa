"""A conversation with the real Rasa server over the gateway's signed channel, as a test drives it."""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.rasa import RasaClient


@dataclass
class RestChat:
    """One sender id talking to Rasa; keeps the last answers and their buttons."""

    rasa: RasaClient
    sender: str
    answers: list[dict] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def say(self, text: str, *, payload: bool = False) -> list[dict]:
        """Type ``text``; ``payload=True`` plays the gateway vouching for an intent (a button it offered)."""
        self.answers = self.rasa.send(self.sender, text, payload=payload)
        self.transcript.append(f"user: {text}")
        self.transcript.extend(f"bot: {answer.get('text') or answer.get('custom')}" for answer in self.answers)
        return self.answers

    @property
    def text(self) -> str:
        """Everything the bot said in its last turn, joined."""
        return "\n".join(answer.get("text", "") for answer in self.answers if answer.get("text"))

    @property
    def buttons(self) -> list[dict]:
        return [button for answer in self.answers for button in answer.get("buttons", [])]

    def click(self, title_part: str) -> list[dict]:
        """Press the first button whose title contains `title_part` (case-insensitive)."""
        for button in self.buttons:
            if title_part.lower() in button["title"].lower():
                return self.say(button["payload"], payload=True)
        raise AssertionError(f"no button with {title_part!r} among {[b['title'] for b in self.buttons]}\n{self.log}")

    @property
    def log(self) -> str:
        return "\n".join(self.transcript)
