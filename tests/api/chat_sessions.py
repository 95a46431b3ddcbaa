"""Chat sessions over HTTP against a running API: verify a chat identity, call as it, move the clock."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from launcher.services import ServiceProcess, start_api
from tests.conftest import DemoApi, latest_code

LAURA = "laura.gomez@example.com"
DAY = 24 * 3600


def api_call(url: str, token: str, method: str, path: str, sender: str | None = None, **kwargs: Any):
    headers = {"Authorization": f"Bearer {token}"}
    if sender:
        headers["X-Chat-Identity"] = sender
    return requests.request(method, url + path, headers=headers, timeout=30, **kwargs)


def verify(url: str, token: str, outbox: Path, sender: str, email: str) -> None:
    """Tie ``sender`` to ``email``'s account the way the assistant does: a code by e-mail, then the code."""
    previous = latest_code(outbox, email)
    started = api_call(url, token, "POST", "/v1/verifications", json={"chat_identity": sender, "email": email})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    code = None
    while time.monotonic() < deadline and code in (None, previous):
        code = latest_code(outbox, email)
        time.sleep(0.1)
    confirmed = api_call(
        url, token, "POST", "/v1/verifications/confirm", json={"chat_identity": sender, "code": code}
    )
    assert confirmed.status_code == 200, confirmed.text


def policies_of(url: str, token: str, sender: str) -> requests.Response:
    return api_call(url, token, "GET", "/v1/me/policies", sender)


def api_days_later(api: DemoApi, days: float, log_dir: Path) -> ServiceProcess:
    """The same database served by an API whose clock runs ``days`` ahead."""
    offset = {"MIAVAL_CLOCK_OFFSET_SECONDS": str(int(days * DAY))}
    return start_api(api.database_url, api.token, api.outbox_dir, log_dir=log_dir, extra_env=offset)
