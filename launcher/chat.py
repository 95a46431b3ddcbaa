"""Chat with the running assistant in the terminal, through Rasa's REST channel."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request


def _send(rasa_url: str, sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def chat(rasa_url: str) -> int:
    """A read-eval-print loop: numbered buttons, `salir` to leave."""
    sender = f"web:terminal-{secrets.token_hex(6)}"
    print(f"Conversación {sender}. Escribí tu mensaje (o 'salir').")
    buttons: list[dict] = []
    while True:
        try:
            text = input("vos> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.lower() in {"salir", "exit", "quit"}:
            return 0
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            answers = _send(rasa_url, sender, text)
        except (urllib.error.URLError, OSError) as error:
            print(f"(no pude hablar con el asistente en {rasa_url}: {error}; ¿está corriendo `make run`?)")
            continue
        buttons = []
        for answer in answers:
            if answer.get("text"):
                print(f"aval> {answer['text']}")
            custom = answer.get("custom") or {}
            if "document" in custom:
                print(f"aval> [documento: {custom['document'].get('filename')}]")
            for button in answer.get("buttons", []):
                buttons.append(button)
                print(f"      {len(buttons)}. {button['title']}")
