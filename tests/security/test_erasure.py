"""Privacy at rest and erasure (Ley 25.326) on a real stack: API, actions, Rasa and the gateway.

The stack is this module's own (Laura's account is deleted here), with every
run-time file under one folder, as `make run` keeps them under var/: the
databases, the conversation store, the outbox and every service's log.

What is excepted, and why: the portfolio tables (``client_profiles`` and
``policies``) hold Laura's e-mail, DNI, CUIL and phone as Aval's own records of
its client. Deleting her Mi Aval account must not touch them, so the scan of
the API's database looks at a copy where those two tables are emptied.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterator

import pytest

from launcher.secrets import HopSecrets
from launcher.services import start_actions, start_gateway, start_rasa
from tests.channels.conftest import ChannelGateway, fake_telegram, fake_twilio, gateway_env  # noqa: F401 - fixtures
from tests.channels.conversation import CLAIM_ANSWERS, sign_in
from tests.channels.test_whatsapp import twiml_messages
from tests.conftest import SHARED_API_LIMITS, Stack, start_demo_api
from tests.conversations import stored_events, user_texts

pytestmark = pytest.mark.timeout(900)

LAURA_EMAIL = "laura.gomez@example.com"
LAURA_WHATSAPP = "whatsapp:+5491155550101"  # her phone, as the portfolio has it
# What identifies Laura, as bytes anywhere on disk (the DNI is inside the CUIL too).
NEEDLES = {
    "e-mail": b"laura.gomez@example.com",
    "DNI": b"31245877",
    "CUIL": b"27312458778",
    "CUIL with dashes": b"27-31245877-8",
    "phone": b"5491155550101",
}
PORTFOLIO_TABLES = ("client_profiles", "policies")
PERSONAL_DESCRIPTION = "Me chocaron de atras. Mi DNI es 31245877 y mi CUIL 27-31245877-8."


class PrivateStack:
    """The module's stack and the folder that holds all it writes."""

    def __init__(self, var: Path, stack: Stack, gateway: ChannelGateway):
        self.var = var
        self.stack = stack
        self.gateway = gateway

    @property
    def api_db(self) -> Path:
        return self.var / "miaval.db"

    def whatsapp(self, sender: str, text: str, **extra: str) -> list[str]:
        response = self.gateway.whatsapp(self.gateway.whatsapp_form(sender, text, **extra))
        assert response.status_code == 200, response.text
        return [message["body"] for message in twiml_messages(response.text)]

    def web(self, sender: str, text: str) -> list[str]:
        response = self.gateway.web(sender, text)
        assert response.status_code == 200, response.text
        return [message.get("text") or "" for message in response.json()["messages"]]


@pytest.fixture(scope="module")
def private(tmp_path_factory, fake_twilio, fake_telegram) -> Iterator[PrivateStack]:  # noqa: F811 - fixtures
    var = tmp_path_factory.mktemp("privacy-var")
    api = start_demo_api(var, SHARED_API_LIMITS)
    started = [api.process]
    try:
        hops = HopSecrets.generate()
        actions = start_actions(api.url, api.token, hops, log_dir=var / "log")
        started.append(actions)
        rasa = start_rasa(actions.url, api.tracker_db, hops, log_dir=var / "log", extra_env=api.tracker_env)
        started.append(rasa)
        stack = Stack(api=api, actions=actions, rasa=rasa, hops=hops)
        env = gateway_env(fake_twilio, fake_telegram, fake_twilio.auth_token, "telegram-secret-for-privacy-tests")
        env["WHATSAPP_REPLY_BUDGET"] = "50"  # every answer in the webhook's own response
        process = start_gateway(
            rasa.url, api.url, api.token, api.database_url, hops, log_dir=var / "log", extra_env=env
        )
        started.append(process)
        gateway = ChannelGateway(process, fake_twilio.auth_token, env["TELEGRAM_WEBHOOK_SECRET"], fake_twilio)
        yield PrivateStack(var, stack, gateway)
    finally:
        for service in reversed(started):
            service.stop()


def found_in_files(root: Path, needles: dict[str, bytes], skip: tuple[Path, ...] = ()) -> list[str]:
    """Which needles each file under ``root`` holds, as raw bytes (case-insensitive)."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in skip:
            continue
        data = path.read_bytes().lower()
        found += [f"{path.relative_to(root)}: {name}" for name, needle in needles.items() if needle.lower() in data]
    return found


def found_in_tables(database: Path, needles: dict[str, bytes], skip: tuple[str, ...]) -> list[str]:
    """Which needles each table's rows hold, read through SQL (every column as text)."""
    found = []
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in skip:
                continue
            text = repr(connection.execute(f'SELECT * FROM "{table}"').fetchall()).lower().encode()
            found += [f"{table}: {name}" for name, needle in needles.items() if needle.lower() in text]
    return found


def without_portfolio(database: Path, copy: Path) -> Path:
    """A page-for-page copy of the database (free pages included) with the portfolio tables emptied."""
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # the copy in one file, once closed
        target.execute("PRAGMA secure_delete=ON")
        for table in PORTFOLIO_TABLES:
            target.execute(f"DELETE FROM {table}")
        target.commit()
    return copy


@pytest.mark.attack
def test_the_conversation_store_holds_no_plaintext_message_or_sender(private):
    sender = private.gateway.web_sender()
    private.web(sender, "hola")
    private.web(sender, "quiero ingresar a mi cuenta")
    private.web(sender, "carlos.benitez@example.com")

    assert user_texts(private.stack.tracker_env, sender)[-1] == "carlos.benitez@example.com"  # stored, sealed
    store_files = sorted(private.var.glob("tracker.db*"))
    assert store_files
    leaks = found_in_files(
        private.var,
        {"sender id": sender.encode(), "message": b"quiero ingresar", "e-mail": b"carlos.benitez@example.com"},
        skip=tuple(path for path in private.var.rglob("*") if path not in store_files),
    )
    assert leaks == [], "the conversation store holds in clear: " + ", ".join(leaks)


def _report_part_of_a_claim(private: PrivateStack) -> list[str]:
    """Start a claim on her car and answer until she has described it (with her DNI and CUIL)."""
    transcript = replies = private.whatsapp(LAURA_WHATSAPP, "me chocaron el auto")
    for _ in range(10):
        last = "\n".join(replies).lower()
        if "dónde pasó" in last:
            replies = private.whatsapp(LAURA_WHATSAPP, "", Latitude="-34.6037", Longitude="-58.3816")
        elif "contame en pocas palabras" in last:
            return transcript + private.whatsapp(LAURA_WHATSAPP, PERSONAL_DESCRIPTION)
        else:
            answer = next((reply for question, reply in CLAIM_ANSWERS if question in last), None)
            assert answer, "unexpected question:\n" + "\n".join(transcript)
            replies = private.whatsapp(LAURA_WHATSAPP, answer)
        transcript += replies
    raise AssertionError("the claim form never asked for a description:\n" + "\n".join(transcript))


@pytest.mark.attack
def test_nothing_of_laura_remains_on_disk_after_she_deletes_her_account(private, tmp_path):
    send = lambda text: private.whatsapp(LAURA_WHATSAPP, text)  # noqa: E731
    sign_in(send, private.stack.outbox_dir, LAURA_EMAIL)
    assert "AU-1048576" in "\n".join(send("que seguros tengo?"))
    _report_part_of_a_claim(private)
    assert "equipo de aval" in "\n".join(send("quiero hablar con una persona")).lower()
    # The claim report is still half-way: the assistant asks whether to leave it for the new request.
    offered = send("quiero dar de baja la HOG-778899")
    assert "¿Lo dejamos y vamos con lo nuevo?" in "\n".join(offered), "\n".join(offered)
    asked = send("1")  # «Sí, dejarlo»
    recorded = send("Me mudé o lo vendí")
    assert "registré tu pedido de baja" in "\n".join(recorded), "\n".join(asked + recorded)

    # Before: her data is where a conversation puts it (so the scans below can see it).
    assert PERSONAL_DESCRIPTION in user_texts(private.stack.tracker_env, LAURA_WHATSAPP)
    before = found_in_tables(private.api_db, NEEDLES, skip=PORTFOLIO_TABLES)
    assert any(hit.startswith("users: ") for hit in before) and any("handoff" in hit for hit in before), before
    assert any(hit.startswith("cancellation_requests: ") for hit in before), before
    assert found_in_files(private.stack.outbox_dir, NEEDLES)

    transcript = send("cancelar") + send("quiero borrar mi cuenta")
    goodbye = send("Sí, borrar mi cuenta")
    assert "borré tu cuenta" in "\n".join(goodbye), "\n".join(transcript + goodbye)

    # The current conversation got its goodbye and keeps nothing from before it.
    assert user_texts(private.stack.tracker_env, LAURA_WHATSAPP) == []
    stored = repr(stored_events(private.stack.tracker_env)).lower().encode()
    assert [name for name, needle in NEEDLES.items() if needle in stored] == []

    # Nothing anywhere under var/: databases (free pages and logs included), conversation store, outbox, logs.
    assert found_in_tables(private.api_db, NEEDLES, skip=PORTFOLIO_TABLES) == []
    copy = without_portfolio(private.api_db, tmp_path / "miaval-without-portfolio.db")
    assert found_in_files(tmp_path, NEEDLES) == [], f"{copy.name} holds Laura's data outside the portfolio"
    assert found_in_files(private.var, NEEDLES, skip=(private.api_db,)) == []
