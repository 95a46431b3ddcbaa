"""The review queue and the board over HTTP, on a real console process: what a trainer sees is masked, what
becomes training data is safe and written once, and the board's numbers are the database's."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from sqlalchemy import func, select

from conversation_facts import demo_month, review
from models import ConversationTurn, ReviewItem, SatisfactionAnswer, StaffAuditEntry
from tests.console.arrange import misunderstood
from tests.console.stack import SUPERVISOR, TRAINER, signed_in


def test_a_trainer_sees_masked_messages_and_turns_them_into_safe_training_data(learning_console):
    console = learning_console
    ids = misunderstood(console, [
        ("necesito el papelito del seguro para la VTV, soy Carla Medina", "request_certificate", 0.3),
        ("necesito el papelito del seguro para la verificacion", "request_certificate", 0.35),
        ("me chocaron, mi patente es AC552KD y mi cel 11 4567-8901", "report_claim", 0.3),
        ("jajaja", "greet", 0.2),
    ])  # fmt: skip
    trainer = signed_in(console.url, TRAINER)
    page = trainer.get("/revision/").text
    assert "Carla" not in page and "AC552KD" not in page and "4567-8901" not in page
    assert "soy [nombre]" in page and "mi patente es [patente] y mi cel [telefono]" in page
    assert "2 parecidos" in page  # the two requests for the certificate, together

    refused = trainer.post(f"/revision/{ids[0]}/intencion", {"intent": "no_such_intent", "example": "hola"})
    assert refused.status_code == 302
    assert "Elegí una intención de la lista." in trainer.get("/revision/").text
    wrong_entity = {"intent": "report_claim", "example": "me chocaron [AC552KD](patente_x)"}
    unknown = trainer.post(f"/revision/{ids[2]}/intencion", wrong_entity)
    assert unknown.status_code == 302 and "Esta entidad no existe" in trainer.get("/revision/").text

    vtv = "necesito el papelito del seguro para la VTV"
    trainer.post(f"/revision/{ids[0]}/intencion", {"intent": "request_certificate", "example": vtv})
    trainer.post(f"/revision/{ids[1]}/intencion", {"intent": "request_certificate",
                                                   "example": "necesito el papelito del seguro para la verificacion"})
    # The trainer types the customer's plate and a name back in: the example keeps stand-ins only.
    trainer.post(f"/revision/{ids[2]}/intencion", {"intent": "report_claim",
                                                   "example": "me chocaron, mi patente es [AC552KD](license_plate) "
                                                              "y soy Carla Medina"})  # fmt: skip
    trainer.post(f"/revision/{ids[3]}/ruido")
    with console.session() as session:
        items = {item.id: item for item in session.scalars(select(ReviewItem).where(ReviewItem.id.in_(ids)))}
        actions = session.scalars(select(StaffAuditEntry.action).where(StaffAuditEntry.action.like("review_%")))
        assert sorted(actions) == ["review_annotate"] * 3 + ["review_noise"]
    assert [items[i].status for i in ids] == ["annotated", "annotated", "annotated", "noise"]
    assert items[ids[2]].example == "me chocaron, mi patente es [AB123CD](license_plate) y soy [nombre]".replace(
        "[nombre]", review.STAND_INS["[nombre]"]
    )

    exported = trainer.post("/revision/exportar")
    assert exported.status_code == 302
    training = yaml.safe_load((console.exports / "reviewed.yml").read_text())
    held = yaml.safe_load((console.exports / "heldout.yml").read_text())
    written = {
        (block["intent"], line[2:]) for data in (training, held) for block in data["nlu"] or []
        for line in block["examples"].splitlines()
    }  # fmt: skip
    assert written == {(items[i].intent, items[i].example) for i in ids[:3]}
    for data, side in ((training, False), (held, True)):
        for block in data["nlu"] or []:
            assert all(review.held_out(line[2:]) is side for line in block["examples"].splitlines())
    text = (console.exports / "reviewed.yml").read_text() + (console.exports / "heldout.yml").read_text()
    assert "AC552KD" not in text and "Carla" not in text and "jajaja" not in text

    # Exported once: another export with nothing new writes the same files.
    before = (console.exports / "reviewed.yml").read_text()
    trainer.post("/revision/exportar")
    assert (console.exports / "reviewed.yml").read_text() == before
    with console.session() as session:
        assert {item.status for item in session.scalars(select(ReviewItem).where(ReviewItem.id.in_(ids[:3])))} == {
            "exported"
        }


def test_the_boards_numbers_are_the_databases(learning_console):
    console = learning_console
    demo_month.generate(console.database, datetime.now(timezone.utc), per_day=(4, 8))
    supervisor = signed_in(console.url, SUPERVISOR)
    page = supervisor.get("/tablero/?dias=30")
    assert page.status_code == 200
    for title in ("Conversaciones por día y canal", "¿Te sirvió? Respuestas por flujo",
                  "Minutos hasta que una persona toma la conversación (mediana)"):  # fmt: skip
        assert title in page.text

    def table(key: str, days: int = 30) -> list[list[str]]:
        response = supervisor.get(f"/tablero/{key}.csv?dias={days}")
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(response.text)))

    satisfaction = table("satisfaccion")
    assert satisfaction[0] == ["Flujo", "Sí", "No", "% sí"]
    since = datetime.now(timezone.utc) - timedelta(days=31)
    with console.session() as session:
        yes = session.scalar(select(func.count()).where(SatisfactionAnswer.helpful, SatisfactionAnswer.at > since))
        no = session.scalar(select(func.count()).where(~SatisfactionAnswer.helpful, SatisfactionAnswer.at > since))
        filed = session.scalar(select(func.count()).where(ConversationTurn.outcome == "claim_filed"))
    assert (sum(int(row[1]) for row in satisfaction[1:]), sum(int(row[2]) for row in satisfaction[1:])) == (yes, no)
    assert yes + no > 0
    claims = table("denuncias")
    assert sum(int(row[3]) for row in claims[1:]) == filed > 0
    week = table("conversaciones", 7)
    assert len(week) == 1 + 7  # one row a day
    assert supervisor.get("/tablero/nada.csv").status_code == 404


def test_export_writes_examples_rasa_reads(tmp_path: Path, learning_console):
    """The export's files are Rasa's training data format: intents, one example per line, a version."""
    with learning_console.session(write=True) as session:
        item = ReviewItem(at=datetime.now(timezone.utc), reason="fallback", text="x", status="annotated",
                          intent="greet", example="buenass como andan", held_out=False)  # fmt: skip
        session.add(item)
    with learning_console.session(write=True) as session:
        review.export(session, datetime.now(timezone.utc), tmp_path / "r.yml", tmp_path / "h.yml", training_files=[])
    written = (tmp_path / "r.yml").read_text() + (tmp_path / "h.yml").read_text()
    assert 'version: "3.1"' in written and "  - intent: greet\n    examples: |\n      - buenass como andan\n" in written
