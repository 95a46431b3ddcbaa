"""A month of generated conversations for the demo (``python -m conversation_facts.demo_month --if-empty``).

Seeded, so every fresh `make run` shows the same month (ending the day it
runs): customers on WhatsApp, Telegram and the web chat ask for their
policies, certificates, claims, roadside assistance or a person; some messages
are misunderstood (the review queue has something to show), some claims are
left half way, satisfaction answers come after flows end. The conversations go
through the consumer's own writer as the Rasa events they would have been
(:class:`conversation_facts.facts.FactsWriter`), and the requests for a person
are recorded as the API records them, some taken by an executive.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from datetime import datetime, time, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conversation_facts.facts import FactsWriter
from conversation_facts.settings import Settings
from miaval_api.db import Database
from miaval_api.services.office_hours import from_portfolio
from models import ConversationTurn, HandoffRequest

SEED = 20261208
DAYS = 30
CHANNELS = (("whatsapp", 0.6), ("telegram", 0.15), ("web", 0.25))
CLAIM_TYPES = (("collision", 0.5), ("theft", 0.15), ("hail", 0.1), ("glass", 0.15), ("water_damage", 0.1))
CLAIM_STEPS = ("claim_policy", "claim_type", "claim_occurred_at", "claim_place", "claim_description",
               "claim_third_party", "claim_injured", "claim_photos_done", "claim_confirmed")  # fmt: skip
# What customers write that the assistant misunderstands (the review queue), some with personal data to mask.
MISUNDERSTOOD = (
    ("necesito el papelito del seguro para la VTV", "request_certificate"),
    ("me piden la constancia del seguro para entrar al barrio", "request_certificate"),
    ("el papel del seguro para la verificación", "request_certificate"),
    ("me chocaron de atrás en Av. Rivadavia, patente AC552KD", "report_claim"),
    ("me rompieron el vidrio del auto anoche", "report_claim"),
    ("cuanto sale asegurar una moto 110", "quote_request"),
    ("se me vence la cuota y no tengo la tarjeta", "ask_payment"),
    ("mi mail es roberto.paz@example.com y no me llega nada", "sign_in"),
    ("no arranca el auto, estoy en ruta 2 km 80", "roadside_assistance"),
    ("soy Carla Medina, DNI 28.456.789, quiero ver mi póliza", "list_policies"),
    ("jajaja", None),
    ("asdf", None),
    ("llamame al 11 4567-8901 porfa", "human_handoff"),
    ("la grúa no vino todavía", "roadside_assistance"),
    ("quiero dar de baja el seguro del departamento", "cancel_policy"),
)
FLOW_ACTIONS = {
    "policies": ("list_policies", "action_list_policies", "Tenés 3 pólizas vigentes."),
    "certificate": ("request_certificate", "action_send_certificate", "Te mando el certificado de cobertura."),
    "assistance": ("roadside_assistance", "action_roadside_assistance", "Te paso el teléfono de la grúa."),
    "status": ("claim_status", "action_claim_status", "Tu denuncia está en análisis."),
}


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


class _Chat:
    """One generated conversation: its events, written through the facts writer as Rasa would publish them."""

    def __init__(self, writer: FactsWriter, session: Session, rng: random.Random, start: datetime, channel: str):
        self.writer, self.session, self.rng, self.at, self.channel = writer, session, rng, start, channel
        self.key = uuid.UUID(int=rng.getrandbits(128)).hex + uuid.UUID(int=rng.getrandbits(128)).hex

    def _emit(self, event: dict[str, Any]) -> None:
        event = {**event, "sender_id": self.key, "timestamp": self.at.timestamp()}
        self.writer.handle(uuid.UUID(int=self.rng.getrandbits(128)).hex, event, self.session)

    def wait(self, low: float, high: float) -> None:
        self.at += timedelta(seconds=self.rng.uniform(low, high))

    def user(self, text: str, intent: str, confidence: float, entities: Optional[list] = None,
             ranking: Optional[list] = None) -> None:  # fmt: skip
        self.wait(8, 70)
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": entities or [],
                 "intent_ranking": ranking or []}  # fmt: skip
        self._emit({"event": "user", "text": text, "parse_data": parse, "metadata": {"channel": self.channel}})

    def action(self, name: str, text: Optional[str] = None) -> None:
        self.wait(0.3, 1.5)
        self._emit({"event": "action", "name": name})
        if text:
            self._emit({"event": "bot", "text": text})

    def slot(self, name: str, value: Any) -> None:
        self._emit({"event": "slot", "name": name, "value": value})

    def form(self, name: Optional[str]) -> None:
        self._emit({"event": "active_loop", "name": name})


def _satisfaction(chat: _Chat, flow: str, helpful_share: float) -> None:
    if chat.rng.random() > 0.55:
        return
    chat.slot("satisfaction_flow", flow)
    chat.action("utter_ask_satisfaction", "¿Te sirvió? 1 Sí · 2 No")
    if chat.rng.random() < 0.8:
        value = "yes" if chat.rng.random() < helpful_share else "no"
        chat.user("1" if value == "yes" else "2", "rate_help", 0.99, [{"entity": "helpful", "value": value}])
        chat.action("utter_thanks_for_rating", "¡Gracias por contarnos!")


def _claim(chat: _Chat) -> None:
    claim_type = _pick(chat.rng, CLAIM_TYPES)
    chat.user("quiero denunciar un siniestro", "report_claim", chat.rng.uniform(0.8, 0.99))
    chat.form("claim_form")
    chat.slot("requested_slot", CLAIM_STEPS[0])
    chat.action("claim_form", "¿De qué póliza es?")
    quits_at = len(CLAIM_STEPS) if chat.rng.random() < 0.75 else chat.rng.randrange(2, len(CLAIM_STEPS))
    for index, step in enumerate(CLAIM_STEPS[1:], start=1):
        chat.user("respuesta", "inform", chat.rng.uniform(0.7, 0.99))
        if step == "claim_type" or index == 2:
            chat.slot("claim_type", claim_type)
        if index >= quits_at:
            return  # left the form: the conversation ends here
        chat.slot("requested_slot", step)
        chat.action("claim_form", "Siguiente pregunta.")
        if claim_type in ("glass", "hail") and step == "claim_third_party":
            chat.wait(60, 240)  # looking for the photos
    chat.user("sí, confirmo", "affirm", 0.97)
    chat.form(None)
    chat.slot("requested_slot", None)
    chat.action("action_submit_claim", "Listo, registré tu denuncia.")
    _satisfaction(chat, "claim", 0.8)


def _handoff(chat: _Chat, session_add, hours, reason: str) -> None:
    chat.user("quiero hablar con una persona", "human_handoff", chat.rng.uniform(0.85, 0.99))
    chat.action("action_human_handoff", "Listo, le aviso a una persona de Aval.")
    created = chat.at
    # Every demo request was answered long ago: the executives' queue shows them as closed history only.
    if hours.is_open(created):
        taken = created + timedelta(minutes=chat.rng.uniform(3, 55))
    else:
        taken = hours.next_opening(created) + timedelta(minutes=chat.rng.uniform(5, 90))
    session_add(HandoffRequest(
        sender_id=f"{chat.channel}:demo-{chat.key[:12]}", reason=reason, context={"channel": chat.channel},
        expected_contact="within_answer_time" if hours.is_open(created) else "next_business_day",
        status="closed", created_at=created, taken_at=taken, closed_at=taken + timedelta(minutes=12),
    ))  # fmt: skip
    _satisfaction(chat, "handoff", 0.7)


def generate(db: Database, today: datetime, seed: int = SEED, per_day: tuple[int, int] = (10, 24)) -> int:
    """Write ``DAYS`` days of conversations ending ``today`` through the facts writer; conversations written."""
    rng = random.Random(seed)
    writer = FactsWriter(db, low_confidence=0.6)
    hours = from_portfolio()
    with db.session(write=True) as session:  # one transaction: a month of events in seconds
        written = _month(writer, session, rng, hours, today, per_day)
    return written


def _month(
    writer: FactsWriter, session: Session, rng: random.Random, hours: Any, today: datetime, per_day: tuple[int, int]
) -> int:
    written = 0
    first = (today - timedelta(days=DAYS - 1)).astimezone(hours.zone).date()
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        weekend = day.weekday() >= 5
        for _ in range(rng.randint(*per_day) // (2 if weekend else 1)):
            start = datetime.combine(day, time(8), hours.zone) + timedelta(minutes=rng.uniform(0, 14 * 60))
            if start > today:
                continue
            chat = _Chat(writer, session, rng, start.astimezone(timezone.utc), _pick(rng, CHANNELS))
            chat.user("hola", "greet", 0.98)
            chat.action("utter_greet", "¡Hola! Soy el asistente de Aval. ¿En qué te ayudo?")
            roll = rng.random()
            if roll < 0.22:
                text, meant = rng.choice(MISUNDERSTOOD)
                guess = meant or "out_of_scope"
                if rng.random() < 0.5:
                    chat.user(text, "nlu_fallback", 0.4, ranking=[{"name": "nlu_fallback", "confidence": 0.5},
                                                               {"name": guess, "confidence": 0.35}])  # fmt: skip
                    chat.action("action_two_stage_fallback", "¿Quisiste decir alguna de estas?")
                else:
                    chat.user(text, guess, rng.uniform(0.35, 0.59))
                    chat.action("action_listen")
                if rng.random() < 0.5:
                    _handoff(chat, session.add, hours, "human_handoff")
            elif roll < 0.42:
                _claim(chat)
            elif roll < 0.52:
                _handoff(chat, session.add, hours, rng.choice(("human_handoff", "quote", "payment", "renewal")))
            else:
                flow = rng.choice(tuple(FLOW_ACTIONS))
                intent, action, answer = FLOW_ACTIONS[flow]
                chat.user("quiero " + flow, intent, rng.uniform(0.75, 0.99))
                chat.action(action, answer)
                if flow in ("certificate", "assistance"):
                    _satisfaction(chat, flow, 0.9 if flow == "certificate" else 0.75)
            chat.user("gracias", "thank", 0.99)
            chat.action("utter_you_are_welcome", "¡De nada!")
            written += 1
    return written


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="conversation_facts.demo_month", description=__doc__)
    parser.add_argument("--if-empty", action="store_true", help="only when no conversation facts exist yet")
    args = parser.parse_args(argv)
    db = Database(Settings.from_env().database_url)
    if args.if_empty:
        with db.session() as session:
            if session.scalar(select(func.count()).select_from(ConversationTurn)):
                return 0
    count = generate(db, datetime.now(timezone.utc))
    print(f"demo month: {count} conversations of the last {DAYS} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
