"""Fixtures of the API tests (see server_fixtures.py)."""

from tests.api.server_fixtures import api, backend, contract, laura, laura_session, smtp  # noqa: F401
