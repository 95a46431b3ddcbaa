"""Pure logic of the console: reading a conversation back from the sealed store, office hours, the copy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from console import copy
from conversation_store import rows
from conversation_store.sealing import Sealer, row_key
from conversation_store.settings import StoreSettings
from conversation_store.transcript import Line, transcript
from launcher.secrets import new_secret
from miaval_api.services.office_hours import from_portfolio as office_hours
from models import HandoffRequest

BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")


def _store(tmp_path: Path) -> StoreSettings:
    return StoreSettings(url=f"sqlite:///{tmp_path / 'tracker.db'}", encryption_keys=(new_secret(),),
                         sender_key=new_secret())  # fmt: skip


def _write(settings: StoreSettings, sender_id: str, events: list[dict], key: str | None = None) -> None:
    sealer = Sealer([key] if key else settings.encryption_keys)
    engine = rows.make_engine(settings.url)
    rows.create_tables(engine)
    with engine.begin() as connection:
        for event in events:
            connection.execute(rows.events.insert().values(
                sender_id=row_key(settings.sender_key, sender_id), type_name=event["event"],
                timestamp=event.get("timestamp"), data=sealer.seal(event),
            ))  # fmt: skip
    engine.dispose()


def test_the_transcript_is_the_last_messages_oldest_first_without_payloads(tmp_path) -> None:
    store = _store(tmp_path)
    events = [{"event": "user", "text": f"mensaje {n}", "timestamp": 1_700_000_000 + n} for n in range(30)]
    events += [
        {"event": "slot", "name": "x", "value": 1, "timestamp": 1_700_000_100},
        {"event": "user", "text": "/affirm", "metadata": {"payload": True}, "timestamp": 1_700_000_101},
        {"event": "bot", "text": "Listo.", "timestamp": 1_700_000_102},
        {"event": "bot", "text": "Soy Valeria.", "metadata": {"from_staff": "Valeria Sosa"},
         "timestamp": 1_700_000_103},
    ]  # fmt: skip
    _write(store, "telegram:1", events)
    _write(store, "telegram:2", [{"event": "user", "text": "de otro chat", "timestamp": 1_700_000_200}])
    lines = transcript(store, "telegram:1", limit=4)
    assert [(line.who, line.text, line.staff_name) for line in lines] == [
        ("customer", "mensaje 28", None),
        ("customer", "mensaje 29", None),
        ("assistant", "Listo.", None),
        ("staff", "Soy Valeria.", "Valeria Sosa"),
    ]
    # What the customer typed is shown even when it looks like a payload: only the gateway's are hidden.
    _write(store, "telegram:4", [{"event": "user", "text": '/inform{"x": 1}', "timestamp": 1_700_000_300}])
    assert [line.text for line in transcript(store, "telegram:4")] == ['/inform{"x": 1}']
    assert lines[0].at == datetime.fromtimestamp(1_700_000_028, timezone.utc)
    assert transcript(store, "telegram:3") == []


def test_events_no_key_opens_are_skipped_and_a_store_rasa_never_made_is_empty(tmp_path) -> None:
    store = _store(tmp_path)
    assert transcript(store, "telegram:1") == []  # no events table yet
    _write(store, "telegram:1", [{"event": "user", "text": "viejo", "timestamp": 1.0}], key=new_secret())
    _write(store, "telegram:1", [{"event": "user", "text": "nuevo", "timestamp": 2.0}])
    assert transcript(store, "telegram:1") == [Line(datetime.fromtimestamp(2.0, timezone.utc), "customer", "nuevo")]


def test_office_hours_follow_the_portfolio_file() -> None:
    hours = office_hours()
    friday_evening = datetime(2026, 11, 27, 18, 30, tzinfo=BUENOS_AIRES)
    monday_morning = datetime(2026, 11, 30, 10, 0, tzinfo=BUENOS_AIRES)
    assert not hours.is_open(friday_evening) and hours.is_open(monday_morning)
    assert hours.next_opening(friday_evening) == datetime(2026, 11, 30, 9, 0, tzinfo=BUENOS_AIRES)
    tuesday_dawn = datetime(2026, 12, 1, 7, 0, tzinfo=BUENOS_AIRES).astimezone(timezone.utc)
    assert hours.next_opening(tuesday_dawn) == datetime(2026, 12, 1, 9, 0, tzinfo=BUENOS_AIRES)


def test_every_claim_status_has_a_label_and_a_sentence_with_and_without_a_note() -> None:
    from models.claim import STATUSES

    for status in STATUSES:
        assert copy.CLAIM_STATUSES[status]
        plain = copy.claim_update("SIN-000001", status, "")
        assert plain.endswith(".") and "  " not in plain and ". ." not in plain
        assert copy.claim_update("SIN-000001", status, "Te llamamos mañana.").endswith("Te llamamos mañana.")
    assert "una persona del equipo de Aval" in copy.takeover()


def test_the_queue_says_when_the_desk_opens_outside_office_hours(tmp_path) -> None:
    """Flask's test client, with this process's clock moved to a Saturday (the page logic only)."""
    from console.app import create_app
    from console.settings import Settings
    from miaval_api.services import clock

    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=BUENOS_AIRES)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", secret_key="k" * 32)
    from miaval_api.cli import migrate

    migrate(settings)  # type: ignore[arg-type]
    app = create_app(settings)
    clock.set_offset(saturday - datetime.now(timezone.utc))
    try:
        app.config["WTF_CSRF_ENABLED"] = False
        from console import staff as staff_module

        database = app.extensions["console.database"]
        with database.session(write=True) as session:
            staff_module.create(session, name="Valeria Sosa", email="v@aval.example", role="executive",
                                password="una-clave-bien-larga")  # fmt: skip
            session.add(HandoffRequest(
                sender_id="telegram:7", reason="human_handoff", context={}, expected_contact="next_business_day",
                status="open", created_at=saturday,
            ))  # fmt: skip
        client = app.test_client()
        client.post("/entrar", data={"email": "v@aval.example", "password": "una-clave-bien-larga"})
        page = client.get("/cola/").get_data(as_text=True)
        assert "Fuera del horario de atención" in page and "Los pedidos esperan hasta el lunes 30/11 09:00" in page
        assert "Se le dijo que le respondemos el próximo día hábil. Abrimos el lunes 30/11 09:00." in page
        clock.set_offset(datetime(2026, 11, 30, 11, 0, tzinfo=BUENOS_AIRES) - datetime.now(timezone.utc))
        assert "Fuera del horario" not in client.get("/cola/").get_data(as_text=True)
    finally:
        clock.reset()
        database.engine.dispose()


def test_the_transcript_reads_a_postgresql_store() -> None:
    """The production profile keeps conversations on PostgreSQL (Rasa's psycopg2 URL; the console's psycopg 3)."""
    from console.settings import Settings
    from tests.postgres import create_database, drop_database

    name, url = create_database("miaval_console_tracker")
    try:
        settings = Settings(tracker_store_url=url, tracker_encryption_keys=(new_secret(),), tracker_sender_key="k" * 32)
        store = settings.store
        assert store is not None and store.url.startswith("postgresql+psycopg://")
        _write(store, "whatsapp:+5491155550101", [{"event": "user", "text": "hola", "timestamp": 5.0}])
        assert [line.text for line in transcript(store, "whatsapp:+5491155550101")] == ["hola"]
    finally:
        from conversation_store.transcript import _engine

        _engine.cache_clear()
        drop_database(name, wait_seconds=5)


def test_a_locked_sign_in_opens_again_when_the_window_has_passed(tmp_path) -> None:
    """Flask's test client with this process's clock moved (no waiting)."""
    from console import staff as staff_module
    from console.app import create_app
    from console.settings import Settings
    from miaval_api.cli import migrate
    from miaval_api.services import clock

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", secret_key="k" * 32, max_failures_per_account=2,
                        failure_window_seconds=900)  # fmt: skip
    migrate(settings)  # type: ignore[arg-type]
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    database = app.extensions["console.database"]
    try:
        with database.session(write=True) as session:
            staff_module.create(session, name="Valeria Sosa", email="v@aval.example", role="executive",
                                password="una-clave-bien-larga")  # fmt: skip
        client = app.test_client()
        right = {"email": "v@aval.example", "password": "una-clave-bien-larga"}
        for _ in range(2):
            assert client.post("/entrar", data={**right, "password": "otra-clave-cualquiera"}).status_code == 401
        assert client.post("/entrar", data=right).status_code == 429
        clock.advance(timedelta(seconds=870))  # the oldest failure is still within the 15 minutes
        assert client.post("/entrar", data=right).status_code == 429
        clock.advance(timedelta(seconds=40))
        assert client.post("/entrar", data=right).status_code == 302
    finally:
        clock.reset()
        database.engine.dispose()


def test_what_the_customer_was_told_names_avals_answer_time():
    from datetime import timedelta

    from console import copy as console_copy

    told = console_copy.expected_contact("within_answer_time", timedelta(minutes=45))
    assert told == "Se le dijo que le respondemos dentro del tiempo de respuesta de Aval (45 min)."
    assert "2 horas" in console_copy.expected_contact("within_2_hours", timedelta(minutes=45))  # rows told before
