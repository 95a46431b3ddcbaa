"""PostgreSQL restarted under a running Mi Aval API: the same API process recovers by itself.

The API runs on its own, uniquely named PostgreSQL database (dropped at the
end). While it serves, the whole cluster is restarted; every connection the
API pooled dies. The API must keep answering JSON (never a 500) and, within a
few seconds, answer normally again without being restarted.
"""

from __future__ import annotations

import secrets
import subprocess
import time
from pathlib import Path

import pytest
import requests

from launcher.services import prepare_database, start_api
from tests.postgres import create_database, drop_database

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _cluster_version() -> str:
    return sorted(path.name for path in Path("/etc/postgresql").iterdir())[0]


def _restart_cluster() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture()
def postgres_api(tmp_path):
    name, database_url = create_database("miaval_faults")
    token = secrets.token_urlsafe(24)
    process = None
    try:
        prepare_database(database_url)
        process = start_api(database_url, token, tmp_path / "outbox", log_dir=tmp_path / "log")
        yield process, token
    finally:
        if process is not None:
            process.stop()
        drop_database(name, wait_seconds=10)  # the cluster may still be coming back from the restart


def _calls(api_url: str, token: str) -> list[requests.Response]:
    """A health check, a read of reference data and an identity-scoped call that must be refused cleanly."""
    headers = {"Authorization": f"Bearer {token}"}
    return [
        requests.get(f"{api_url}/healthz", timeout=5),
        requests.get(f"{api_url}/v1/insurers", headers=headers, timeout=5),
        requests.get(f"{api_url}/v1/me", headers={**headers, "X-Chat-Identity": "web:nobody"}, timeout=5),
    ]


@pytest.mark.alone  # every other test's PostgreSQL connections die too
def test_api_recovers_after_postgres_restart_without_being_restarted(postgres_api):
    api, token = postgres_api
    before = _calls(api.url, token)
    assert [response.status_code for response in before] == [200, 200, 401]
    insurers_before = before[1].json()["insurers"]
    assert insurers_before, "the demo portfolio has insurers"
    pid = api.process.pid

    _restart_cluster()

    deadline = time.monotonic() + 30
    seen: list[int] = []
    recovered = False
    while time.monotonic() < deadline:
        responses = _calls(api.url, token)
        for response in responses:
            seen.append(response.status_code)
            # Down or back, the API answers JSON and never a 500.
            assert response.status_code != 500, response.text
            assert response.headers.get("Content-Type", "").startswith("application/json"), response.text[:200]
        if [response.status_code for response in responses] == [200, 200, 401]:
            recovered = True
            break
        time.sleep(0.5)
    assert recovered, f"the API did not recover within 30 s; statuses seen: {seen}\n{api.log_tail()}"
    assert api.alive() and api.process.pid == pid, "the API process was not restarted"
    assert (
        requests.get(f"{api.url}/v1/insurers", headers={"Authorization": f"Bearer {token}"}, timeout=5).json()[
            "insurers"
        ]
        == insurers_before
    )
