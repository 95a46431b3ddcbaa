"""Buttons built from data: a choice among the user's policies or client profiles.

Payloads are ``/intent{"entity": "value"}`` and never longer than 64 bytes
(Telegram's callback_data limit); a choice that would not fit is left out
rather than sent broken.
"""

from __future__ import annotations

import json
from typing import Iterable

from rasa_sdk.types import DomainDict

from api_client import ClientProfile, Policy
from bot.actions.base import render
from bot.actions.formatting import insured_item

MAX_PAYLOAD_BYTES = 64
MAX_BUTTONS = 10


def payload(intent: str, entity: str, value: str) -> str:
    """A button payload that sets ``entity`` while triggering ``intent``."""
    return f"/{intent}" + json.dumps({entity: str(value)}, ensure_ascii=False, separators=(",", ":"))


def fits(text: str) -> bool:
    """Whether a payload fits in Telegram's callback_data."""
    return len(text.encode("utf-8")) <= MAX_PAYLOAD_BYTES


def policy_buttons(domain: DomainDict, intent: str, policies: Iterable[Policy]) -> list[dict[str, str]]:
    """One button per policy (in the order given) that asks ``intent`` about it."""
    buttons = []
    for policy in policies:
        button_payload = payload(intent, "policy_number", policy.number)
        if fits(button_payload):
            title = render(domain, "utter_policy_button", number=policy.number, item=insured_item(policy))
            buttons.append({"title": title, "payload": button_payload})
    return buttons[:MAX_BUTTONS]


def client_buttons(intent: str, entity: str, clients: Iterable[ClientProfile]) -> list[dict[str, str]]:
    """One button per client profile, titled with its name, that sets ``entity`` to its id."""
    buttons = []
    for client in clients:
        button_payload = payload(intent, entity, str(client.id))
        if fits(button_payload):
            buttons.append({"title": client.name, "payload": button_payload})
    return buttons[:MAX_BUTTONS]
