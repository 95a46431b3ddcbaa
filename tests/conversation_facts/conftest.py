"""A migrated, empty Mi Aval database for the conversation facts (SQLite by default, PostgreSQL where asked)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from launcher.services import prepare_database
from miaval_api.db import Database
from tests.postgres import create_database, drop_database


@pytest.fixture(scope="session")
def empty_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facts-schema") / "miaval.db"
    prepare_database(f"sqlite:///{path}", load_demo=False)
    return path


@pytest.fixture
def facts_db(empty_schema: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the migrated schema."""
    copy = tmp_path / "miaval.db"
    copy.write_bytes(empty_schema.read_bytes())
    database = Database(f"sqlite:///{copy}")
    yield database
    database.engine.dispose()


@pytest.fixture
def postgres_facts_db() -> Iterator[Database]:
    name, url = create_database("miaval_facts")
    prepare_database(url, load_demo=False)
    database = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield database
    database.engine.dispose()
    drop_database(name)
