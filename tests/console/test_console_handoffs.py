"""The handoff queue over HTTP: an executive takes a conversation, answers in it and hands it back; each step
writes the outbox row the delivery process sends, once."""

from __future__ import annotations

import time

from sqlalchemy import select

from console import copy
from models import HandoffRequest, StaffAuditEntry, StaffMember
from tests.console.arrange import handoff, outbox
from tests.console.stack import EXECUTIVE, SUPERVISOR, signed_in


def _staff_id(console, email: str) -> int:
    with console.session() as session:
        return session.scalars(select(StaffMember.id).where(StaffMember.email == email)).one()


def test_the_queue_shows_the_channel_who_the_customer_is_and_why(console) -> None:
    handoff_id, _ = handoff(console, reason="human_handoff", channel="whatsapp")
    anonymous_id, _ = handoff(console, reason="quote", verified=False)
    page = signed_in(console.url, EXECUTIVE).get("/cola/")
    assert page.status_code == 200
    row = page.text.split(f"Pedido {handoff_id}</a>")[1].split("</tr>")[0]
    assert "WhatsApp" in row and "verificado" in row and "Laura Gómez" in row and "Martín Gómez" in row
    assert "Pidió hablar con una persona" in row
    row = page.text.split(f"Pedido {anonymous_id}</a>")[1].split("</tr>")[0]
    assert "Chat web" in row and "sin verificar" in row and "Quiere una cotización" in row


def test_take_reply_and_hand_back_write_the_outbox(console) -> None:
    handoff_id, sender_id = handoff(console)
    valeria = signed_in(console.url, EXECUTIVE)
    assert valeria.post(f"/cola/{handoff_id}/tomar").status_code == 302
    with console.session() as session:
        taken = session.get(HandoffRequest, handoff_id)
        assert (taken.status, taken.taken_by) == ("taken", _staff_id(console, EXECUTIVE))
    [takeover] = outbox(console, sender_id)
    assert takeover.kind == "takeover" and takeover.status == "pending"
    assert takeover.text == copy.takeover() and "una persona del equipo de Aval" in takeover.text
    assert takeover.staff_name == "Valeria Sosa" and takeover.user_id is not None

    nonce = valeria.nonce(f"/cola/{handoff_id}")
    text = "Hola Laura, ya revisé tu póliza: la cobertura de granizo está incluida."
    for _ in range(2):  # a double click is one message
        assert valeria.post(f"/cola/{handoff_id}/responder", {"text": text, "nonce": nonce}).status_code == 302
    replies = [row for row in outbox(console, sender_id) if row.kind == "staff_reply"]
    assert [(row.text, row.staff_id) for row in replies] == [(text, _staff_id(console, EXECUTIVE))]

    assert valeria.post(f"/cola/{handoff_id}/devolver").status_code == 302
    with console.session() as session:
        closed = session.get(HandoffRequest, handoff_id)
        assert closed.status == "closed" and closed.closed_at is not None
    assert [row.kind for row in outbox(console, sender_id)] == ["takeover", "staff_reply", "handback"]
    with console.session() as session:
        actions = list(
            session.scalars(
                select(StaffAuditEntry.action).where(StaffAuditEntry.target == f"handoff:{handoff_id}")
                .order_by(StaffAuditEntry.id)
            )
        )  # fmt: skip
    assert actions == ["handoff_take", "handoff_reply", "handoff_handback"]  # the second click is not a reply


def test_a_conversation_taken_by_one_executive_is_not_taken_or_answered_by_another(console) -> None:
    handoff_id, sender_id = handoff(console)
    assert signed_in(console.url, EXECUTIVE).post(f"/cola/{handoff_id}/tomar").status_code == 302
    hernan = signed_in(console.url, SUPERVISOR)
    hernan.post(f"/cola/{handoff_id}/tomar")
    assert hernan.post(f"/cola/{handoff_id}/responder", {"text": "Hola", "nonce": "x"}).status_code == 409
    assert hernan.post(f"/cola/{handoff_id}/devolver").status_code == 409
    with console.session() as session:
        assert session.get(HandoffRequest, handoff_id).taken_by == _staff_id(console, EXECUTIVE)
    assert [row.kind for row in outbox(console, sender_id)] == ["takeover"]


def test_an_empty_reply_is_not_sent(console) -> None:
    handoff_id, sender_id = handoff(console)
    valeria = signed_in(console.url, EXECUTIVE)
    valeria.post(f"/cola/{handoff_id}/tomar")
    valeria.post(f"/cola/{handoff_id}/responder", {"text": "   ", "nonce": "n1"})
    valeria.post(f"/cola/{handoff_id}/responder", {"text": "x" * 2001, "nonce": "n2"})
    assert [row.kind for row in outbox(console, sender_id)] == ["takeover"]


def test_the_conversation_is_read_from_rasas_store_with_staff_messages(console) -> None:
    handoff_id, sender_id = handoff(console)
    start = time.time() - 600
    console.write_conversation(sender_id, [
        {"event": "action", "name": "action_listen", "timestamp": start},
        {"event": "user", "text": "quiero hablar con alguien por mi póliza de hogar", "timestamp": start + 1},
        {"event": "user", "text": "/human_handoff", "metadata": {"payload": True}, "timestamp": start + 2},
        {"event": "bot", "text": "Te paso con una persona de Aval.", "timestamp": start + 3},
        {"event": "bot", "text": "Hola Laura, soy Valeria.", "metadata": {"from_staff": "Valeria Sosa"},
         "timestamp": start + 4},
    ])  # fmt: skip
    page = signed_in(console.url, EXECUTIVE).get(f"/cola/{handoff_id}").text
    transcript = page.split('class="transcript"')[1].split("</ol>")[0]
    customer = transcript.index("quiero hablar con alguien por mi póliza de hogar")
    assistant = transcript.index("Te paso con una persona de Aval.")
    staff = transcript.index("Hola Laura, soy Valeria.")
    assert customer < assistant < staff
    assert "/human_handoff" not in transcript
    assert "Valeria Sosa (Aval)" in transcript


def test_the_tasks_list_only_requests_the_assistant_could_not_serve(console) -> None:
    task_id, _ = handoff(console, reason="payment")
    other_id, _ = handoff(console, reason="policy_change")
    person_id, _ = handoff(console, reason="human_handoff")
    page = signed_in(console.url, EXECUTIVE).get("/cola/tareas").text
    assert f"Pedido {task_id}<" in page and "Consulta de pagos" in page
    assert f"Pedido {other_id}<" in page and "Quiere cambiar su póliza" in page
    assert f"Pedido {person_id}<" not in page
