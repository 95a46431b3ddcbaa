"""Every sentence the console writes for a customer (the outbox's ``text``) and the labels staff read.

Each sentence is whole: where a value may be missing there is a whole alternative, never a fragment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

# A conversation's channel by its sender id's prefix (the web chat's is "web"; "webchat" in older rows).
CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "web": "Chat web", "webchat": "Chat web", "email": "E-mail"}

CLAIM_STATUSES = {
    "received": "Recibida",
    "under_review": "En análisis",
    "inspection_scheduled": "Inspección coordinada",
    "approved": "Aprobada",
    "rejected": "Rechazada",
    "paid": "Pagada",
    "closed": "Cerrada",
}
# The same, as the customer reads it inside a sentence ("tu denuncia está ...").
CLAIM_STATUS_PHRASES = {
    "received": "recibida",
    "under_review": "en análisis",
    "inspection_scheduled": "con la inspección coordinada",
    "approved": "aprobada",
    "rejected": "rechazada",
    "paid": "pagada",
    "closed": "cerrada",
}
CLAIM_TYPES = {
    "collision": "Choque",
    "theft": "Robo",
    "hail": "Granizo",
    "glass": "Cristales",
    "fire": "Incendio",
    "water_damage": "Daños por agua",
    "other": "Otro",
}
LINES = {
    "auto": "Auto",
    "motorcycle": "Moto",
    "home": "Hogar",
    "business": "Comercio",
    "building": "Consorcio",
    "life": "Vida",
    "personal_accident": "Accidentes personales",
}
POLICY_STATUSES = {"active": "Vigente", "expired": "Vencida", "cancelled": "Dada de baja"}
# Reminders Aval sends first (miaval_api/services/reminders.py) and how their delivery went (models/outbound.py).
REMINDER_KINDS = {
    "renewal_reminder": "Renovaciones",
    "claim_followup": "Denuncias sin archivos",
    "payment_reminder": "Cuotas por vencer",
}
OUTBOUND_STATUSES = {
    "pending": "Por enviar",
    "delivered": "Enviado",
    "failed": "No se pudo enviar",
    "opted_out": "No enviado: no quiere novedades",
}
HANDOFF_STATUSES = {"open": "Esperando", "taken": "Atendiendo", "closed": "Devuelta al asistente"}
CANCELLATION_STATUSES = {
    "requested": "Pedida",
    "confirmed": "Confirmada por escrito",
    "done": "Hecha",
    "withdrawn": "Retirada",
}
ROLES = {
    "executive": "Ejecutivo/a",
    "supervisor": "Supervisor/a",
    "producer": "Productor/a (PAS)",
    "trainer": "Entrenador/a del asistente",
}
# Why the assistant handed a conversation over (the bot's reasons); anything else shows as it came.
REASONS = {
    "human_handoff": "Pidió hablar con una persona",
    "quote": "Quiere una cotización",
    "payment": "Consulta de pagos",
    "policy_change": "Quiere cambiar su póliza",
    "renewal": "Quiere renovar su póliza",
}
# The reason of a plain request for a person; any other reason (a quote, a payment, a change to a policy, or
# whatever the customer was doing when they asked) is something the assistant could not serve: a task too.
TALK_TO_A_PERSON = "human_handoff"
EXPECTED_CONTACT = {
    "within_answer_time": "Se le dijo que le respondemos dentro del tiempo de respuesta de Aval ({minutes} min).",
    "within_2_hours": "Se le dijo que le respondemos dentro de las 2 horas.",  # requests recorded before the setting
    "next_business_day": "Se le dijo que le respondemos el próximo día hábil.",
}


def expected_contact(kind: str, answer_within: timedelta) -> str:
    """What the customer was told about when a person answers (``answer_within``: Aval's answer time)."""
    return EXPECTED_CONTACT.get(kind, "").format(minutes=int(answer_within.total_seconds() // 60))


def first_name(name: str) -> str:
    """The first word of a staff member's name ("Valeria Sosa" -> "Valeria")."""
    return name.split()[0] if name.split() else name


def takeover() -> str:
    """What the customer reads when an executive takes the conversation (the channels head it with their name)."""
    return "¡Hola! Soy una persona del equipo de Aval: ya leí lo que charlaste con el asistente y sigo yo por acá."


def handback() -> str:
    """What the customer reads when the executive hands the conversation back to the assistant."""
    return (
        "Gracias por escribirnos. Te dejo de nuevo con el asistente de Mi Aval: si necesitás a una persona otra vez, "
        "escribí «hablar con una persona»."
    )


def claim_update(number: str, status: str, note: str) -> str:
    """News of a claim: its status in words, and the executive's note when there is one."""
    phrase = CLAIM_STATUS_PHRASES[status]
    if note:
        return f"Novedades de tu denuncia {number}: está {phrase}. {note}"
    return f"Novedades de tu denuncia {number}: está {phrase}."


def when(instant: datetime | None) -> str:
    """A date and time as staff read it: "lunes 30/11 09:00"."""
    if instant is None:
        return "—"
    return f"{WEEKDAYS[instant.weekday()]} {instant:%d/%m %H:%M}"


def wrong_passwords_notice(count: int) -> str:
    """Told to a staff member at sign-in: their account got wrong passwords since they last signed in."""
    times = "1 contraseña equivocada" if count == 1 else f"{count} contraseñas equivocadas"
    return (
        f"Desde tu último ingreso se probaron {times} con tu cuenta. Si no fuiste vos, avisale a un supervisor."
    )


# A form sent twice (a reused nonce: the browser's back button, a double click) is done once.
ALREADY_SENT = "Ese mensaje ya se había enviado; no lo mandamos de nuevo."
ALREADY_DONE = "Ese cambio ya se había hecho; no avisamos de nuevo al cliente."
