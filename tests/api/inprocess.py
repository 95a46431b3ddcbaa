"""The API served over real HTTP from inside the test process, so a test can move its clock.

``clock.advance`` moves time for this process only: a gunicorn-served API would not
see it. Each :class:`InProcessApi` runs on its own copy of a migrated demo database,
with the default limits unless told otherwise, and mails to the session's SMTP sink.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from launcher.services import prepare_database
from miaval_api.app import create_app
from miaval_api.services import clock
from miaval_api.settings import Settings
from tests.api.server_fixtures import TOKEN, SmtpSink


class InProcessApi:
    """``create_app`` behind werkzeug's threaded HTTP server on a free loopback port."""

    def __init__(self, database: Path, smtp: SmtpSink, workdir: Path, **overrides: Any):
        self.database_url = f"sqlite:///{database}"
        self.settings = Settings(
            database_url=self.database_url,
            api_token=TOKEN,
            secret_key=secrets.token_urlsafe(32),
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_starttls=False,  # the loopback sink speaks plain SMTP
            outbox_dir=str(workdir / "outbox"),
            **overrides,
        )
        self.app = create_app(self.settings)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.smtp = smtp
        self.workdir = workdir
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(5)
        self.app.extensions["miaval"].db.engine.dispose()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database holding the demo portfolio, to be copied, never used itself."""
    path = tmp_path_factory.mktemp("demo-template") / "miaval.db"
    prepare_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def inprocess_api(demo_database: Path, smtp: SmtpSink, tmp_path: Path) -> Iterator[InProcessApi]:
    """A fresh API (own database copy, default limits) whose clock the test may move; the clock is reset after."""
    database = tmp_path / "miaval.db"
    shutil.copyfile(demo_database, database)
    server = InProcessApi(database, smtp, tmp_path)
    try:
        yield server
    finally:
        server.stop()
        clock.reset()
