"""Rasa events as its event broker publishes them (``sender_id`` the conversation's row key), for the tests."""

from __future__ import annotations

from typing import Any, Optional


def user(
    key: str,
    at: float,
    text: str,
    intent: str,
    confidence: float,
    channel: str = "whatsapp",
    ranking: Optional[list[tuple[str, float]]] = None,
    entities: Optional[list[dict]] = None,
) -> dict[str, Any]:
    parse = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "text": text,
        "intent_ranking": [{"name": name, "confidence": value} for name, value in ranking or []],
    }
    return {
        "event": "user",
        "sender_id": key,
        "timestamp": at,
        "text": text,
        "parse_data": parse,
        "input_channel": "gateway",
        "metadata": {"channel": channel},
        "message_id": f"m{at}",
    }


def action(key: str, at: float, name: str) -> dict[str, Any]:
    return {"event": "action", "sender_id": key, "timestamp": at, "name": name}


def bot(key: str, at: float, text: str) -> dict[str, Any]:
    return {"event": "bot", "sender_id": key, "timestamp": at, "text": text, "data": {}, "metadata": {}}


def form(key: str, at: float, name: Optional[str]) -> dict[str, Any]:
    return {"event": "active_loop", "sender_id": key, "timestamp": at, "name": name}


def slot(key: str, at: float, name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "sender_id": key, "timestamp": at, "name": name, "value": value}
