"""The widget for everyone (issue #12): WCAG 2.1 A/AA by axe-core, the keyboard alone, scrolling, SVG icons.

Real Chromium (Debian's), real gateway, Rasa and API. axe-core comes from the
npm registry (package-lock.json; ``make setup`` installs it into node_modules/)
and is injected into the page with Playwright.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.channels.test_webchat import browser, say  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
WIDGET = "#miaval-webchat"
# A multi-message answer with choices (utter_help, then utter_menu's buttons).
ASK_WITH_CHOICES = "que podes hacer por mi"
# The first greeting: the privacy notice, the greeting and the menu (a long, multi-message answer).
ASK_FOR_A_LONG_ANSWER = "hola"
# An answer without choices (utter_you_are_welcome).
THANKS = "gracias"


def open_widget(browser: Browser, gateway, viewport: dict, opened: bool = True) -> Page:  # noqa: F811
    """A fresh browser context on the demo page, the widget open or closed as asked."""
    context = browser.new_context(locale="es-AR", viewport=viewport)
    context.add_init_script(f"localStorage.setItem('miaval.webchat.open', '{json.dumps(opened)}')")
    page = context.new_page()
    page.goto(gateway.url + "/")
    expect(page.locator(f"{WIDGET} .panel" if opened else f"{WIDGET} .launcher")).to_be_visible()
    expect(page.locator(f"{WIDGET} .log")).to_have_css("overflow-y", "auto")  # the stylesheet is in
    return page


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request) -> dict:
    return request.param


@pytest.fixture
def pages(browser, gateway) -> Iterator[list[Page]]:  # noqa: F811
    """Pages opened by the test; their contexts are closed afterwards."""
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page (shadow DOM included), one line each."""
    assert AXE.exists(), "axe-core is missing: run `make setup` (npm ci needs node and npm)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => JSON.stringify(n.target) + ' ' + n.failureSummary).join(' | '))",
        WCAG_21_AA,
    )
    return found


def shadow(page: Page, expression: str):
    """Evaluate ``expression`` with ``root`` bound to the widget's shadow root."""
    return page.evaluate(
        f"() => {{ const root = document.querySelector('{WIDGET}').shadowRoot; return {expression}; }}"
    )


def focused(page: Page) -> str:
    """What has the keyboard focus inside the widget: its label, its text, or its class."""
    return shadow(
        page,
        "(a => a ? (a.getAttribute('aria-label') || a.textContent.trim() || a.className) : '')(root.activeElement)",
    )


def in_view(page: Page, node: Locator) -> bool:
    """Whether the node's top edge lies inside the message log's visible area."""
    log, box = page.locator(f"{WIDGET} .log").bounding_box(), node.bounding_box()
    assert log and box
    return log["y"] - 1 <= box["y"] < log["y"] + log["height"]


# -- axe-core ---------------------------------------------------------------------


def test_axe_finds_nothing_with_the_widget_closed(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport, opened=False)
    pages.append(page)
    assert violations(page) == []


def test_axe_finds_nothing_with_the_widget_open(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport)
    pages.append(page)
    assert violations(page) == []


def test_axe_finds_nothing_with_quick_replies(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport)
    pages.append(page)
    say(page, ASK_WITH_CHOICES)
    expect(page.locator(f"{WIDGET} .quick button").first).to_be_visible()
    assert violations(page) == []


def test_axe_finds_nothing_after_a_long_answer(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport)
    pages.append(page)
    for text in (ASK_FOR_A_LONG_ANSWER, ASK_WITH_CHOICES, THANKS):
        say(page, text)
    # A log taller than its box, with no choices left in it: it must be reachable by the keyboard itself.
    expect(page.locator(f"{WIDGET} .quick")).to_have_count(0)
    assert shadow(page, "(l => l.scrollHeight > l.clientHeight)(root.querySelector('.log'))")
    assert violations(page) == []


def test_axe_finds_nothing_while_the_assistant_is_typing(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport)
    pages.append(page)
    held: list[Route] = []
    page.route("**/webchat/messages", lambda route: held.append(route))  # the real request goes on once axe is done
    page.locator(f"{WIDGET} input[type=text]").fill(THANKS)
    page.locator(f"{WIDGET} button.send").click()
    expect(page.locator(f"{WIDGET} .typing")).to_be_visible()
    found = violations(page)
    held[0].continue_()
    page.unroute("**/webchat/messages")
    expect(page.locator(f"{WIDGET} .typing")).to_have_count(0, timeout=30_000)
    assert found == []


def test_axe_finds_nothing_while_asking_to_clear(browser, gateway, pages, viewport):  # noqa: F811
    page = open_widget(browser, gateway, viewport)
    pages.append(page)
    page.locator(f"{WIDGET} button.clear").click()
    expect(page.locator(f"{WIDGET} .confirm")).to_be_visible()
    assert violations(page) == []


# -- the keyboard alone -----------------------------------------------------------


def test_the_keyboard_alone_opens_sends_chooses_and_closes(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, DESKTOP, opened=False)
    pages.append(page)
    launcher = page.locator(f"{WIDGET} .launcher")
    page.keyboard.press("Tab")
    assert focused(page) == "Abrir el chat de Mi Aval"
    expect(launcher).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .panel")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(launcher).to_have_attribute("aria-label", "Cerrar el chat de Mi Aval")
    assert focused(page) == "Mensaje"

    before = page.locator(f"{WIDGET} .msg.bot").count()
    page.keyboard.type(ASK_WITH_CHOICES)
    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .msg.user")).to_have_text([ASK_WITH_CHOICES])
    expect(page.locator(f"{WIDGET} .msg.bot")).not_to_have_count(before, timeout=30_000)
    choices = page.locator(f"{WIDGET} .quick button")
    expect(choices.first).to_be_visible(timeout=30_000)
    assert focused(page) == "Mensaje"

    # Back from the input: location, attachment, then the last choice.
    for expected in ("Compartir mi ubicación", "Adjuntar foto o PDF"):
        page.keyboard.press("Shift+Tab")
        assert focused(page) == expected
    page.keyboard.press("Shift+Tab")
    chosen = choices.last.inner_text()
    assert focused(page) == chosen
    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .msg.user").last).to_have_text(chosen)
    assert focused(page) == "Mensaje"
    expect(page.locator(f"{WIDGET} .typing")).to_have_count(0, timeout=30_000)

    # Focus stays in the dialog: past the last control comes the first, and back.
    page.keyboard.press("Tab")
    assert focused(page) == "Enviar"
    page.keyboard.press("Tab")
    assert focused(page) == "Borrar conversación"
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "Enviar"

    page.keyboard.press("Escape")
    expect(page.locator(f"{WIDGET} .panel")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_have_attribute("aria-label", "Abrir el chat de Mi Aval")
    assert focused(page) == "Abrir el chat de Mi Aval"


def test_the_close_button_gives_the_focus_back_to_the_launcher(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, PHONE)
    pages.append(page)
    page.locator(f"{WIDGET} button.close").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .panel")).to_be_hidden()
    assert focused(page) == "Abrir el chat de Mi Aval"


def test_clearing_asks_first_and_escape_keeps_the_conversation(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, DESKTOP)
    pages.append(page)
    say(page, THANKS)
    page.locator(f"{WIDGET} button.clear").click()
    expect(page.locator(f"{WIDGET} .confirm")).to_be_visible()
    assert focused(page) == "Cancelar"
    page.keyboard.press("Escape")
    expect(page.locator(f"{WIDGET} .confirm")).to_be_hidden()
    expect(page.locator(f"{WIDGET} .panel")).to_be_visible()
    assert focused(page) == "Borrar conversación"
    expect(page.locator(f"{WIDGET} .msg.user")).to_have_text([THANKS])

    page.keyboard.press("Enter")
    page.locator(f"{WIDGET} button", has_text="Sí, borrar").click()
    expect(page.locator(f"{WIDGET} .msg")).to_have_count(1)  # the welcome again
    expect(page.locator(f"{WIDGET} [aria-live=polite]")).to_have_text("Listo, borré la conversación de este navegador.")
    assert focused(page) == "Mensaje"
    assert page.evaluate("localStorage.getItem('miaval.webchat.sender')") is None


# -- what a screen reader hears ---------------------------------------------------


def test_only_the_assistant_is_announced_and_choices_as_one_group(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, DESKTOP)
    pages.append(page)
    log = page.locator(f"{WIDGET} .log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("tabindex", "0")
    expect(log).to_have_attribute("aria-live", "off")
    assert log.get_attribute("aria-label")
    say(page, ASK_WITH_CHOICES)
    live = page.locator(f"{WIDGET} [aria-live=polite]")
    expect(live).to_have_count(1)
    heard = live.inner_text()
    titles = page.locator(f"{WIDGET} .quick button").all_inner_texts()
    assert titles and "Opciones: " + "; ".join(titles) + "." in heard
    assert ASK_WITH_CHOICES not in heard and "Escribiendo" not in heard
    expect(page.locator(f"{WIDGET} .quick")).to_have_attribute("role", "group")


# -- scrolling and reading --------------------------------------------------------


def test_a_reload_shows_the_newest_exchange(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, {"width": 1280, "height": 520})
    pages.append(page)
    for text in (ASK_FOR_A_LONG_ANSWER, ASK_WITH_CHOICES, "sos un robot?"):
        say(page, text)
    page.reload()
    expect(page.locator(f"{WIDGET} .msg.user").last).to_have_text("sos un robot?")
    page.wait_for_function(
        f"document.querySelector('{WIDGET}').shadowRoot.querySelector('.log').scrollTop > 0", timeout=5_000
    )
    assert in_view(page, page.locator(f"{WIDGET} .msg.user").last)


def test_a_long_answer_is_shown_from_its_start(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, {"width": 1280, "height": 520})
    pages.append(page)
    say(page, ASK_WITH_CHOICES)
    before = page.locator(f"{WIDGET} .msg.bot").count()
    say(page, ASK_FOR_A_LONG_ANSWER)
    answer = page.locator(f"{WIDGET} .msg.bot")
    assert answer.count() - before >= 2, "the greeting should be a multi-message answer"
    overflow = shadow(page, "(l => l.scrollHeight > l.clientHeight)(root.querySelector('.log'))")
    assert overflow, "the test needs an answer taller than the log"
    assert in_view(page, answer.nth(before)), "the answer's first message was scrolled past"


def test_the_input_is_big_enough_not_to_zoom_ios(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, PHONE)
    pages.append(page)
    size = page.locator(f"{WIDGET} input[type=text]").evaluate("i => parseFloat(getComputedStyle(i).fontSize)")
    assert size >= 16


def luminance(css_color: str) -> float:
    """WCAG relative luminance of an ``rgb(...)`` computed colour."""
    channels = [int(part) / 255 for part in re.findall(r"\d+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed colours."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_input_border_stands_out_three_to_one(browser, gateway, pages):  # noqa: F811
    page = open_widget(browser, gateway, DESKTOP)
    pages.append(page)
    border = page.locator(f"{WIDGET} input[type=text]").evaluate("n => getComputedStyle(n).borderTopColor")
    behind = page.locator(f"{WIDGET} form").evaluate("n => getComputedStyle(n).backgroundColor")
    assert contrast(border, behind) >= 3, (border, behind)


# -- icons ------------------------------------------------------------------------

# A conversation that shows every icon: the document link and the shared file and location.
SHOWCASE = [
    {
        "from": "bot",
        "type": "text",
        "text": "¡Hola! Soy el asistente de Mi Aval. ¿En qué te doy una mano?",
        "buttons": [],
    },
    {"from": "user", "type": "text", "text": "mandame el certificado del auto"},
    {"from": "bot", "type": "document", "url": "/files/ejemplo", "filename": "certificado-AU-1048576.pdf"},
    {"from": "user", "type": "text", "icon": "attach", "text": "choque-trasero.jpg"},
    {"from": "user", "type": "text", "icon": "place", "text": "Ubicación compartida"},
    {
        "from": "bot",
        "type": "text",
        "text": "¿Te ayudo con algo más?",
        "buttons": [{"title": "Mis pólizas", "payload": "/x"}, {"title": "Denunciar un siniestro", "payload": "/y"}],
    },
]


def showcase(browser: Browser, gateway, viewport: dict) -> Page:  # noqa: F811
    context = browser.new_context(locale="es-AR", viewport=viewport, device_scale_factor=1)
    context.add_init_script(
        "localStorage.setItem('miaval.webchat.open', 'true');"
        f"sessionStorage.setItem('miaval.webchat.history', {json.dumps(json.dumps(SHOWCASE))});"
    )
    page = context.new_page()
    page.goto(gateway.url + "/")
    expect(page.locator(f"{WIDGET} .quick button")).to_have_count(2)
    return page


@pytest.mark.parametrize(
    "name", ["launcher", "close", "clear", "attach", "place", "document", "user-attach", "user-place"]
)
def test_every_icon_is_drawn_without_an_emoji_font(browser, gateway, pages, name):  # noqa: F811
    page = showcase(browser, gateway, DESKTOP)
    pages.append(page)
    selector = {
        "launcher": ".launcher",
        "close": "button.close",
        "clear": "button.clear",
        "attach": "form button.icon >> nth=0",
        "place": "form button.icon >> nth=1",
        "document": ".msg.document a",
        "user-attach": ".msg.user >> nth=1",
        "user-place": ".msg.user >> nth=2",
    }[name]
    control = page.locator(f"{WIDGET} {selector}")
    svg = control.locator("svg")
    expect(svg).to_have_attribute("aria-hidden", "true")
    drawn = control.screenshot()
    svg.evaluate("s => { s.style.visibility = 'hidden'; }")
    assert control.screenshot() != drawn, f"the {name} icon draws nothing"
    # No emoji left in the control's own text.
    assert not any(ord(char) > 0x2600 for char in control.inner_text())


@pytest.mark.parametrize("name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots(browser, gateway, pages, tmp_path, name, viewport):  # noqa: F811
    """The README's screenshots (``make screenshots`` copies them to docs/screenshots/)."""
    page = showcase(browser, gateway, viewport)
    pages.append(page)
    expect(page.locator(f"{WIDGET} .log")).to_have_css("overflow-y", "auto")
    page.screenshot(path=str(tmp_path / f"widget-{name}.png"))
    assert (tmp_path / f"widget-{name}.png").stat().st_size > 10_000
