"""`make chat` talks to the Rasa servers `make run` starts, every replica in the production profile."""

from __future__ import annotations

from launcher.profiles import rasa_urls
from launcher.settings import Settings


def test_make_chat_routes_over_every_replica_of_the_production_profile():
    settings = Settings.from_env({"MIAVAL_PROFILE": "production", "RASA_PORT": "6000", "RASA_REPLICAS": "3"})
    assert rasa_urls(settings) == ["http://127.0.0.1:6000", "http://127.0.0.1:6001", "http://127.0.0.1:6002"]


def test_make_chat_talks_to_the_one_rasa_of_the_embedded_default_or_to_rasa_url():
    assert rasa_urls(Settings.from_env({"RASA_PORT": "6000", "RASA_REPLICAS": "3"})) == ["http://127.0.0.1:6000"]
    given = {"MIAVAL_PROFILE": "production", "RASA_URL": "http://10.0.0.5:5005"}
    assert rasa_urls(Settings.from_env(given)) == ["http://10.0.0.5:5005"]
