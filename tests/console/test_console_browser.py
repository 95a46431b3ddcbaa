"""The console in a real browser (Debian's Chromium): an executive signs in, takes a request for a person and
answers it; the outbox holds the answer for the customer's chat. The README's screenshots are taken here, and
every page is checked against WCAG 2.1 A/AA with axe-core."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from console.copy import takeover
from tests.channels.test_webchat import browser  # noqa: F401 - fixture
from tests.channels.test_webchat_a11y import violations
from tests.console.arrange import handoff, outbox
from tests.console.stack import EXECUTIVE, PASSWORDS, PRODUCER

VIEWPORT = {"width": 1280, "height": 800}


def sign_in(browser: Browser, url: str, email: str) -> Page:  # noqa: F811
    # bypass_csp: axe-core is injected as an inline script, which the console's CSP (rightly) forbids.
    context = browser.new_context(locale="es-AR", viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    page.goto(url + "/entrar")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORDS[email])
    page.get_by_role("button", name="Entrar").click()
    return page


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go (``make screenshots`` copies them to docs/screenshots/)."""
    return tmp_path_factory.mktemp("console-screenshots")


def test_an_executive_takes_a_handoff_and_answers_in_the_browser(browser, sqlite_console, shots) -> None:  # noqa: F811
    handoff_id, sender_id = handoff(sqlite_console, channel="telegram")
    handoff(sqlite_console, reason="quote", channel="whatsapp")
    handoff(sqlite_console, reason="human_handoff", verified=False)
    start = time.time() - 300
    sqlite_console.write_conversation(sender_id, [
        {"event": "user", "text": "hola, me llegó la cuota del auto más cara", "timestamp": start},
        {"event": "bot", "text": "Puedo mostrarte tus pólizas o pasarte con una persona.", "timestamp": start + 1},
        {"event": "user", "text": "quiero hablar con una persona", "timestamp": start + 2},
        {"event": "bot", "text": "Listo, le aviso a una persona de Aval. Te escribe por acá.", "timestamp": start + 3},
    ])  # fmt: skip
    page = sign_in(browser, sqlite_console.url, EXECUTIVE)
    expect(page.get_by_role("heading", name="Cola de atención")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=str(shots / "console-queue.png"), full_page=True)

    page.get_by_role("link", name=f"Pedido {handoff_id}", exact=True).click()
    expect(page.get_by_text("hola, me llegó la cuota del auto más cara")).to_be_visible()
    page.get_by_role("button", name="Tomar la conversación").click()
    expect(page.get_by_role("status").filter(has_text="Tomaste la conversación")).to_be_visible()
    answer = "Hola Laura, ya veo el aumento: es la actualización semestral. Te paso el detalle."
    page.get_by_label("Tu respuesta").fill(answer)
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_role("status").filter(has_text="Mensaje enviado")).to_be_visible()
    assert violations(page) == []
    sent = [(row.kind, row.text, row.staff_name) for row in outbox(sqlite_console, sender_id)]
    assert sent == [
        ("takeover", takeover(), "Valeria Sosa"),
        ("staff_reply", answer, "Valeria Sosa"),
    ]  # fmt: skip

    page.get_by_role("link", name="Denuncias").click()
    expect(page.get_by_role("link", name="SIN-000123")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=str(shots / "console-claims.png"), full_page=True)
    page.get_by_role("link", name="SIN-000123").click()
    page.get_by_label("Estado", exact=True).select_option("inspection_scheduled")
    page.get_by_label("Nota para el cliente (opcional)").fill("El inspector pasa el jueves a las 10.")
    page.get_by_role("button", name="Guardar y avisar").click()
    expect(page.get_by_text("Inspección coordinada").first).to_be_visible()
    assert violations(page) == []
    page.context.close()


def test_a_producer_sees_their_report(browser, sqlite_console, shots) -> None:  # noqa: F811
    page = sign_in(browser, sqlite_console.url, PRODUCER)
    expect(page.get_by_role("heading", name="Reportes")).to_be_visible()
    expect(page.get_by_text("Roberto Díaz").first).to_be_visible()
    expect(page.get_by_role("cell", name="Panadería La Espiga S.R.L.").first).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=str(shots / "console-report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="pólizas (CSV)").click()
    assert "COM-440021" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.context.close()
