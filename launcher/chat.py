"""Chat with the running assistant in the terminal, through Rasa's gateway channel (signed like the gateway)."""

from __future__ import annotations

import secrets
from typing import Sequence

from channels.rasa import RasaClient, RasaUnavailable


def chat(rasa_urls: str | Sequence[str], channel_secret: str) -> int:
    """A read-eval-print loop: numbered buttons, `salir` to leave; several replicas are routed as by the gateway."""
    client = RasaClient(rasa_urls, channel_secret, timeout=30)
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
        chosen = text.isdigit() and 1 <= int(text) <= len(buttons)
        if chosen:
            text = buttons[int(text) - 1]["payload"]
        try:
            answers = client.send(sender, text, payload=chosen)
        except RasaUnavailable as error:
            where = ", ".join(client.replicas)
            print(f"(no pude hablar con el asistente en {where}: {error}; ¿está corriendo `make run`?)")
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
