"""The api_client tests run against a real API process (fixtures from tests/api/server_fixtures.py)."""

from tests.api.server_fixtures import api, backend, contract, laura, laura_session, smtp  # noqa: F401
