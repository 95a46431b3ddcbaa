"""The adversarial suite: each test is one attack, marked ``@pytest.mark.attack``.

A test passes when the attack is refused; a failing test is an attack that
succeeded. The run ends with one line that says how many were tried, e.g.
``security: 42 attacks tried, 0 succeeded``.
"""

from __future__ import annotations

import pytest

# The channel gateway in front of the real stack, with fake Telegram and Twilio servers (for the attacks through it).
from tests.channels.conftest import fake_telegram, fake_twilio, gateway  # noqa: F401


def _attacks(reports: list) -> list:
    return [report for report in reports if getattr(report, "when", "") == "call" and "attack" in report.keywords]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    stats = terminalreporter.stats
    tried = _attacks(stats.get("passed", [])) + _attacks(stats.get("failed", []))
    if not tried:
        return
    succeeded = len(_attacks(stats.get("failed", [])))
    terminalreporter.write_line(f"security: {len(tried)} attacks tried, {succeeded} succeeded")
