"""The launcher's own settings: each environment variable declared once (name, default, secret or not).

The services' settings are declared in each service's own module; the
launcher imports those declarations (``SERVICE_SETTINGS``) to build each
service's environment from the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from bot.actions.settings import Settings as ActionServerSettings
from bot.rasa_settings import Settings as RasaSettings
from channels.settings import Settings as GatewaySettings
from console.settings import Settings as ConsoleSettings
from conversation_facts.settings import Settings as FactsSettings
from envsettings import Variable, env, read, variables
from miaval_api.settings import Settings as ApiSettings


@dataclass(frozen=True)
class Settings:
    """What `make run` reads besides the services' own settings."""

    # "embedded" (SQLite, one of each) or "production" (PostgreSQL, Redis, RabbitMQ, replicas): launcher/profiles.py
    profile: str = env("MIAVAL_PROFILE", "embedded")
    # The production profile: Rasa replicas (ports RASA_PORT, RASA_PORT + 1...), action and gateway workers.
    rasa_replicas: int = env("RASA_REPLICAS", 2)
    action_workers: int = env("ACTION_SERVER_WORKERS", 3)
    gateway_workers: int = env("GATEWAY_WORKERS", 3)
    # Seconds a Rasa server may take to load its model before `make run` gives up (more on a crowded machine).
    rasa_start_timeout: int = env("RASA_START_TIMEOUT", 240)
    # The production profile's PostgreSQL server; it creates the databases miaval and miaval_tracker there.
    postgres_url: str = env("MIAVAL_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432", secret=True)
    var_dir: str = env("MIAVAL_VAR_DIR", doc="run-time files; var/ in the repository by default")
    # Trained models kept for every clone on this machine (launcher/model_cache.py).
    model_cache_dir: str = env("MIAVAL_MODEL_CACHE", doc="~/.cache/miaval-assistant/models by default")
    database_url: str = env("DATABASE_URL", secret=True, doc="var/miaval.db (SQLite) by default")
    # Rasa's conversation store, given to Rasa and to the API (which erases and purges from it).
    tracker_store_url: str = env("TRACKER_STORE_URL", secret=True, doc="var/rasa/tracker.db (SQLite) by default")
    api_port: int = env("MIAVAL_API_PORT", 8000)
    actions_port: int = env("ACTIONS_PORT", 5055)
    rasa_port: int = env("RASA_PORT", 5005)
    gateway_port: int = env("GATEWAY_PORT", 8080)
    console_port: int = env("CONSOLE_PORT", 8090)
    # `make chat`: the one Rasa server to talk to (default: every replica `make run` starts, routed as the gateway).
    rasa_url: str = env("RASA_URL")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        """Read the settings from the environment."""
        return read(cls, environ)


# Each service (the name the launcher gives it) and the settings class of the process it runs.
SERVICE_SETTINGS: dict[str, type] = {
    "api": ApiSettings,
    "actions": ActionServerSettings,
    "rasa": RasaSettings,
    "gateway": GatewaySettings,
    "telegram-polling": GatewaySettings,
    "console": ConsoleSettings,
    "courier": GatewaySettings,
    "facts": FactsSettings,
}


def all_variables() -> list[Variable]:
    """Every variable any of our processes declares (the launcher's included)."""
    return [variable for cls in (Settings, *SERVICE_SETTINGS.values()) for variable in variables(cls)]


def generated_names() -> list[str]:
    """The variables the launcher makes random values for (kept in var/secrets.env)."""
    return sorted({variable.name for variable in all_variables() if variable.generated})
