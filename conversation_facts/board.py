"""The service's figures for the console's board ("Tablero"): each chart a table of numbers.

Every chart is built from the conversation facts (``conversation_turns``,
``satisfaction_answers``) and the API's own records (``handoff_requests``) over
a window of days ending today, counted on Buenos Aires' calendar. A chart is a
:class:`Chart`: its columns and rows are what the page shows as a table and
what its CSV holds; the first column labels the points, the others are series.
A conversation here is one chat on one local day.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from miaval_api.services.office_hours import OfficeHours
from models import ConversationTurn, HandoffRequest, SatisfactionAnswer

WINDOWS = (7, 30, 90)
CLAIM_FORM = "claim_form"
HANDOFF = "handoff"


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows, how it is drawn (Chart.js type), and its numbers."""

    key: str
    title: str
    kind: str  # bar | line | doughnut
    columns: list[str]
    rows: list[list[Any]]
    stacked: bool = False
    note: str = ""
    unit: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def chart_data(self) -> dict[str, Any]:
        """The chart's data as Chart.js reads it (labels and one dataset per series)."""
        return {
            "type": self.kind,
            "stacked": self.stacked,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": self.columns[index], "data": [row[index] for row in self.rows]}
                for index in self.options.get("series", range(1, len(self.columns)))
            ],
        }


@dataclass(frozen=True)
class Window:
    """The days a board shows: ``days`` local days ending ``today``."""

    today: date
    days: int
    zone: Any

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.today + timedelta(days=1), datetime.min.time(), self.zone)

    def day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def dates(self) -> list[date]:
        return [self.first_day + timedelta(days=offset) for offset in range(self.days)]


def _turns(session: Session, window: Window) -> list[ConversationTurn]:
    query = (
        select(ConversationTurn).where(ConversationTurn.at >= window.start, ConversationTurn.at < window.end)
        .order_by(ConversationTurn.conversation, ConversationTurn.at, ConversationTurn.id)
    )  # fmt: skip
    return list(session.scalars(query))


def _median(values: list[float]) -> Optional[float]:
    return round(statistics.median(values), 1) if values else None


def _label(day: date) -> str:
    return f"{day:%d/%m}"


CHANNEL_LABELS = {"whatsapp": "WhatsApp", "telegram": "Telegram", "web": "Chat web", "other": "Otro"}
OUTCOME_LABELS = {"assistant": "Resueltas por el asistente", HANDOFF: "Derivadas a una persona"}
FLOW_LABELS = {
    "claim": "Denuncia de siniestro",
    "certificate": "Certificado de cobertura",
    "handoff": "Atención de una persona",
    "assistance": "Asistencia en ruta",
    "policies": "Consulta de pólizas",
}


def conversations_per_day(turns: list[ConversationTurn], window: Window) -> Chart:
    seen: dict[tuple[date, str], set[str]] = defaultdict(set)
    for turn in turns:
        seen[(window.day(turn.at), turn.channel)].add(turn.conversation)
    channels = [channel for channel in CHANNEL_LABELS if any(key[1] == channel for key in seen)]
    rows = [[_label(day), *[len(seen[(day, channel)]) for channel in channels]] for day in window.dates()]
    return Chart("conversaciones", "Conversaciones por día y canal", "bar",
                 ["Día", *[CHANNEL_LABELS[channel] for channel in channels]], rows, stacked=True)  # fmt: skip


def _conversation_days(turns: list[ConversationTurn], window: Window) -> dict[tuple[str, date], list[ConversationTurn]]:
    grouped: dict[tuple[str, date], list[ConversationTurn]] = defaultdict(list)
    for turn in turns:
        grouped[(turn.conversation, window.day(turn.at))].append(turn)
    return grouped


def containment(turns: list[ConversationTurn], window: Window) -> Chart:
    counts = Counter(
        HANDOFF if any(turn.outcome == HANDOFF for turn in chat) else "assistant"
        for chat in _conversation_days(turns, window).values()
    )
    total = sum(counts.values())
    rows = [[OUTCOME_LABELS[key], counts[key], round(100 * counts[key] / total, 1) if total else 0]
            for key in ("assistant", HANDOFF)]  # fmt: skip
    return Chart("resolucion", "Resueltas por el asistente o derivadas", "doughnut",
                 ["Conversaciones", "Cantidad", "Porcentaje"], rows,
                 options={"series": [1]})  # fmt: skip


def handoff_reasons(session: Session, window: Window, reasons: dict[str, str]) -> Chart:
    query = select(HandoffRequest.reason).where(
        HandoffRequest.created_at >= window.start, HandoffRequest.created_at < window.end
    )
    counts = Counter(reasons.get(reason, reason) for reason in session.scalars(query))
    rows = [[reason, count] for reason, count in counts.most_common()]
    return Chart("motivos", "Derivaciones a una persona, por motivo", "bar", ["Motivo", "Pedidos"], rows)


def intents(turns: list[ConversationTurn], top: int = 12) -> Chart:
    counts = Counter(turn.intent for turn in turns if turn.intent and turn.intent != "nlu_fallback")
    rows = [[intent, count] for intent, count in counts.most_common(top)]
    return Chart("intenciones", f"Lo más pedido (las {top} intenciones más frecuentes)", "bar",
                 ["Intención", "Mensajes"], rows)  # fmt: skip


def fallback_rate(turns: list[ConversationTurn], window: Window) -> Chart:
    per_day: dict[date, list[bool]] = defaultdict(list)
    for turn in turns:
        per_day[window.day(turn.at)].append(turn.fallback)
    rows = [
        [_label(day), round(100 * sum(per_day[day]) / len(per_day[day]), 1) if per_day[day] else 0]
        for day in window.dates()
    ]
    return Chart("no_entendidos", "Mensajes no entendidos por día (%)", "line", ["Día", "% no entendidos"], rows,
                 unit="%")  # fmt: skip


def claim_effort(turns: list[ConversationTurn], claim_types: dict[str, str]) -> Chart:
    """Per claim type: median customer messages and minutes from asking to report a claim to the claim filed."""
    by_conversation: dict[str, list[ConversationTurn]] = defaultdict(list)
    for turn in turns:
        by_conversation[turn.conversation].append(turn)
    messages: dict[str, list[float]] = defaultdict(list)
    minutes: dict[str, list[float]] = defaultdict(list)
    for chat in by_conversation.values():
        for index, turn in enumerate(chat):
            if turn.outcome != "claim_filed":
                continue
            start = index
            while start > 0 and chat[start].form == CLAIM_FORM:
                start -= 1
            kind = claim_types.get(turn.detail or "", turn.detail or "Sin tipo")
            messages[kind].append(index - start + 1)
            minutes[kind].append((turn.at - chat[start].at).total_seconds() / 60)
    rows = [[kind, _median(messages[kind]), _median(minutes[kind]), len(messages[kind])] for kind in sorted(messages)]
    return Chart("denuncias", "Denunciar un siniestro: mensajes y minutos (mediana), por tipo", "bar",
                 ["Tipo de siniestro", "Mensajes", "Minutos", "Denuncias"], rows,
                 options={"series": [1, 2]})  # fmt: skip


STEP_LABELS = {
    "claim_policy": "Póliza", "claim_type": "Tipo de siniestro", "claim_occurred_at": "Fecha y hora",
    "claim_place": "Lugar", "claim_description": "Qué pasó", "claim_third_party": "¿Hubo otro vehículo?",
    "claim_third_party_name": "Datos del tercero", "claim_third_party_plate": "Patente del tercero",
    "claim_third_party_insurer": "Aseguradora del tercero", "claim_injured": "Heridos",
    "claim_police_report": "Denuncia policial", "claim_damaged_items": "Daños", "claim_driver": "Conductor",
    "claim_witnesses": "Testigos", "claim_vehicle_drivable": "¿Puede circular?", "claim_photos_done": "Fotos",
    "claim_confirmed": "Confirmación",
}  # fmt: skip


def form_steps(turns: list[ConversationTurn], form: str = CLAIM_FORM) -> Chart:
    """How many conversations reached each step of ``form`` (where they drop off), in the order they are asked."""
    reached: dict[str, set[str]] = defaultdict(set)
    positions: dict[str, list[int]] = defaultdict(list)
    order_in_chat: dict[str, list[str]] = defaultdict(list)
    for turn in turns:
        if turn.form == form and turn.step and turn.step not in order_in_chat[turn.conversation]:
            order_in_chat[turn.conversation].append(turn.step)
            reached[turn.step].add(turn.conversation)
    for steps in order_in_chat.values():
        for position, step in enumerate(steps):
            positions[step].append(position)
    order = sorted(reached, key=lambda step: (statistics.mean(positions[step]), step))
    rows = [[STEP_LABELS.get(step, step), len(reached[step])] for step in order]
    return Chart("abandono", "Formulario de denuncia: conversaciones que llegaron a cada paso", "bar",
                 ["Paso", "Conversaciones"], rows)  # fmt: skip


def satisfaction(session: Session, window: Window) -> Chart:
    query = select(SatisfactionAnswer.flow, SatisfactionAnswer.helpful).where(
        SatisfactionAnswer.at >= window.start, SatisfactionAnswer.at < window.end
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    for flow, helpful in session.execute(query):
        counts[flow][helpful] += 1
    rows = []
    for flow in sorted(counts):
        yes, no = counts[flow][True], counts[flow][False]
        rows.append([FLOW_LABELS.get(flow, flow), yes, no, round(100 * yes / (yes + no), 1)])
    return Chart("satisfaccion", "¿Te sirvió? Respuestas por flujo", "bar",
                 ["Flujo", "Sí", "No", "% sí"], rows, stacked=True, options={"series": [1, 2]})  # fmt: skip


def handoff_answer_times(session: Session, window: Window, hours: OfficeHours) -> Chart:
    query = select(HandoffRequest.created_at, HandoffRequest.taken_at).where(
        HandoffRequest.created_at >= window.start, HandoffRequest.created_at < window.end,
        HandoffRequest.taken_at.is_not(None),
    )  # fmt: skip
    waits: dict[str, list[float]] = {"Dentro del horario de atención": [], "Fuera del horario de atención": []}
    for created, taken in session.execute(query):
        key = "Dentro del horario de atención" if hours.is_open(created) else "Fuera del horario de atención"
        waits[key].append((taken - created).total_seconds() / 60)
    rows = [[key, _median(values), len(values)] for key, values in waits.items()]
    return Chart("espera", "Minutos hasta que una persona toma la conversación (mediana)", "bar",
                 ["Cuándo se pidió", "Minutos", "Pedidos atendidos"], rows, options={"series": [1]})  # fmt: skip


def build(
    session: Session, window: Window, hours: OfficeHours, reasons: dict[str, str], claim_types: dict[str, str]
) -> list[Chart]:
    """Every chart of the board for ``window``."""
    turns = _turns(session, window)
    return [
        conversations_per_day(turns, window),
        containment(turns, window),
        handoff_reasons(session, window, reasons),
        intents(turns),
        fallback_rate(turns, window),
        claim_effort(turns, claim_types),
        form_steps(turns),
        satisfaction(session, window),
        handoff_answer_times(session, window, hours),
    ]
