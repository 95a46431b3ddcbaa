"""Pieces of copy the claims actions compose: button titles and summary lines, read from the domain (domain/claims.yml).

The words live in domain responses (``utter_claim_policy_button_vehicle``,
``utter_claim_summary_injured``…); these helpers only fill their variables, so a
person never reads text written in Python. Labels of claim types come from the
titles of the ``utter_ask_claim_type`` buttons, the one place they are written.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk.types import DomainDict


def template(domain: DomainDict, response: str, **variables: Any) -> str:
    """The first text of ``response`` in the domain with its ``{variables}`` filled."""
    text = domain["responses"][response][0]["text"]
    return text.format(**{key: "" if value is None else value for key, value in variables.items()})


def claim_type_label(domain: DomainDict, claim_type: str) -> str:
    """The Spanish name of a claim type: the title of its button in ``utter_ask_claim_type``."""
    for button in domain["responses"]["utter_ask_claim_type"][0].get("buttons", []):
        match = re.search(r"\{.*\}", button["payload"])
        if match and json.loads(match.group(0)).get("claim_type") == claim_type:
            return button["title"]
    return claim_type


def payload(intent: str, **entities: str) -> str:
    """A button payload ``/intent{"entity": "value"}`` (kept under Telegram's 64 bytes by its callers)."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"
