"""Fixtures of the API tests (see server_fixtures.py)."""

from tests.api.inprocess import demo_database, inprocess_api  # noqa: F401
from tests.api.server_fixtures import api, backend, contract, laura, laura_session, smtp  # noqa: F401
