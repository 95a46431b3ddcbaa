"""On WhatsApp "¿Te sirvió?" comes as a numbered list: "1" and "2" answer it with the buttons' payloads."""

from __future__ import annotations

from bot.domain_files import load_domain
from channels.choices import ChoiceMemory, numbered_list
from channels.replies import Button


def test_one_and_two_answer_the_question():
    buttons = tuple(Button(b["title"], b["payload"]) for b in load_domain()["responses"]["utter_ask_satisfaction"][0]
                    ["buttons"])  # fmt: skip
    memory = ChoiceMemory()
    memory.offer("whatsapp:+5491155550101", buttons)
    assert numbered_list(buttons).splitlines() == ["1. 👍 Sí", "2. 👎 No"]
    assert memory.resolve("whatsapp:+5491155550101", "1") == '/rate_help{"helpful": "yes"}'
    assert memory.resolve("whatsapp:+5491155550101", "2") == '/rate_help{"helpful": "no"}'
    assert memory.resolve("whatsapp:+5491155550101", "3") is None
