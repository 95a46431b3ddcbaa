"""Fixtures of the console tests: a real console process on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.console.stack import console_stack


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(request, tmp_path_factory):
    """The console over a fresh demo database (module-wide: tests arrange their own rows)."""
    yield from console_stack(tmp_path_factory.mktemp("console"), request.param)


@pytest.fixture(scope="module")
def sqlite_console(tmp_path_factory):
    """The console over SQLite only (for tests whose logic does not depend on the database)."""
    yield from console_stack(tmp_path_factory.mktemp("console-sqlite"), "sqlite")


@pytest.fixture(scope="module")
def learning_console(tmp_path_factory):
    """The console over SQLite, its review export written to ``exports`` (a temporary folder)."""
    tmp = tmp_path_factory.mktemp("console-learning")
    env = {"REVIEWED_NLU_FILE": str(tmp / "reviewed.yml"), "REVIEWED_HELDOUT_FILE": str(tmp / "heldout.yml")}
    for stack in console_stack(tmp, "sqlite", extra_env=env):
        stack.exports = tmp  # type: ignore[attr-defined]
        yield stack
