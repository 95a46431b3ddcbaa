"""The review queue and the board in a real browser (Debian's Chromium): a supervisor reviews three
misunderstood messages and exports them; the board's charts are drawn (under the console's own CSP too) with
their tables and satisfaction answers; axe-core finds no WCAG 2.1 A/AA violation. The README's screenshots of
both pages are taken here (``make screenshots``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from conversation_facts import demo_month
from tests.channels.test_webchat import browser  # noqa: F401 - fixture
from tests.channels.test_webchat_a11y import violations
from tests.console.arrange import misunderstood
from tests.console.stack import PASSWORDS, SUPERVISOR
from tests.console.test_console_browser import VIEWPORT, sign_in

DRAWN = "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart && Chart.getChart(c))"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go (``make screenshots`` copies them to docs/screenshots/)."""
    return tmp_path_factory.mktemp("learning-screenshots")


def test_a_supervisor_reviews_exports_and_reads_the_board(browser, learning_console, shots) -> None:  # noqa: F811
    console = learning_console
    demo_month.generate(console.database, datetime.now(timezone.utc), per_day=(6, 12))
    ids = misunderstood(console, [
        ("me piden la constancia del seguro para entrar al barrio", "request_certificate", 0.3),
        ("se me rompio el parabrisas con una piedra en la ruta", "report_claim", 0.35),
        ("cuanto me sale asegurar la moto de mi hijo", "quote_request", 0.3),
    ])  # fmt: skip
    page = sign_in(browser, console.url, SUPERVISOR)
    page.get_by_role("link", name="Revisión").click()
    expect(page.get_by_role("heading", name="Revisión de mensajes")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=str(shots / "console-review.png"), full_page=False)
    for item_id, intent in zip(ids, ("request_certificate", "report_claim", "quote_request"), strict=True):
        page.get_by_label(f"Intención del mensaje {item_id}", exact=True).select_option(intent)
        page.get_by_role("button", name=f"Asignar al mensaje {item_id}", exact=True).click()
        expect(page.get_by_role("status").filter(has_text=f"queda como {intent}")).to_be_visible()
    page.get_by_role("button", name="Exportar a los datos de entrenamiento").click()
    expect(page.get_by_role("status").filter(has_text="Exportados:")).to_be_visible()
    written = yaml.safe_load((console.exports / "reviewed.yml").read_text())["nlu"] or []
    held = yaml.safe_load((console.exports / "heldout.yml").read_text())["nlu"] or []
    examples = {line[2:] for block in written + held for line in block["examples"].splitlines()}
    assert {"me piden la constancia del seguro para entrar al barrio", "cuanto me sale asegurar la moto de mi hijo",
            "se me rompio el parabrisas con una piedra en la ruta"} <= examples  # fmt: skip

    page.get_by_role("link", name="Tablero").click()
    expect(page.get_by_role("heading", name="Tablero", exact=True)).to_be_visible()
    page.wait_for_function(DRAWN)
    satisfaction = page.get_by_role("table", name="¿Te sirvió? Respuestas por flujo")
    expect(satisfaction.get_by_role("rowheader", name="Denuncia de siniestro")).to_be_visible()
    assert page.locator("canvas[data-chart]").count() == 9
    assert violations(page) == []
    page.screenshot(path=str(shots / "console-board.png"), full_page=True)
    page.context.close()


def test_the_charts_are_drawn_under_the_consoles_own_csp(browser, learning_console) -> None:  # noqa: F811
    demo_month.generate(learning_console.database, datetime.now(timezone.utc), per_day=(1, 2), seed=7)
    context = browser.new_context(locale="es-AR", viewport=VIEWPORT)  # no bypass: the page's CSP applies
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.goto(learning_console.url + "/entrar")
    page.get_by_label("E-mail").fill(SUPERVISOR)
    page.get_by_label("Contraseña").fill(PASSWORDS[SUPERVISOR])
    page.get_by_role("button", name="Entrar").click()
    page.goto(learning_console.url + "/tablero/?dias=7")
    page.wait_for_function(DRAWN)
    assert refused == []
    context.close()
