"""What every deployment's files must agree with the launcher on, for tests/deploy/ (systemd units, containers).

The launcher (launcher/services.py, launcher/settings.py) and each service's settings.py are the one source of
truth: command lines, ports, sizes, and which variables each service reads (and which of them are secrets).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from envsettings import names, variables
from launcher.paths import ROOT
from launcher.services import endpoints_variables
from launcher.settings import SERVICE_SETTINGS, Settings

# Where both deployments install the repository (systemd's /srv/miaval, the image's WORKDIR).
INSTALL_DIR = "/srv/miaval"
# Set by the launcher for every process (launcher.services.base_env), not read by our settings.
PROCESS_VARIABLES = {"PYTHONPATH", "SQLALCHEMY_SILENCE_UBER_WARNING", "RASA_TELEMETRY_ENABLED", "PYTHONUNBUFFERED"}
LAUNCHER = Settings()
# A reference to a value the operator's .env fills (compose's ${NAME}, ${NAME:?message}, ${NAME:-default}).
REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")
# RabbitMQ's well-known default login (systemd's rasa.env, RabbitMQ on loopback only): no secret.
PUBLIC_DEFAULTS = {"guest"}


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of an environment file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def as_checkout(argv: list[str]) -> list[str]:
    """A deployed command line with the install directory as this checkout (what the launcher's functions give)."""
    return [part.replace(INSTALL_DIR, str(ROOT)) for part in argv]


def port_of(url: str) -> int:
    return urlsplit(url).port


def undeclared(service: str, env: Mapping[str, str]) -> set[str]:
    """The variables set for ``service`` that it never reads."""
    return set(env) - names(SERVICE_SETTINGS[service]) - PROCESS_VARIABLES


def shipped_secrets(service: str, env: Mapping[str, str]) -> list[str]:
    """The variables of ``service`` whose value in a shipped file is a secret itself.

    A secret must be left empty or be a ``${NAME}`` reference for the operator's .env to fill; a URL may name
    its user and host, but its password only as such a reference.
    """
    found = []
    for variable in variables(SERVICE_SETTINGS[service]):
        if not variable.secret or variable.name not in env:
            continue
        value = REFERENCE.sub("", env[variable.name])
        if "://" in value and not variable.generated:
            literal = urlsplit(REFERENCE.sub("REFERENCE", env[variable.name])).password not in (None, "REFERENCE")
        else:
            literal = value != "" and (variable.generated or value not in PUBLIC_DEFAULTS)
        if literal:
            found.append(variable.name)
    return found


def missing_required(service: str, env: Mapping[str, str]) -> set[str]:
    """What ``service`` cannot run without and ``env`` does not set.

    Its generated secrets (the service refuses to start without them; the Telegram secret matters only with
    Telegram on) and, for Rasa, every ``${VAR}`` of endpoints.yml (Rasa refuses an unset one).
    """
    required = {variable.name for variable in variables(SERVICE_SETTINGS[service]) if variable.generated}
    required -= {"TELEGRAM_WEBHOOK_SECRET"}
    if service == "rasa":
        required |= {variable.name for variable in endpoints_variables()}
    return required - set(env)


def launcher_services() -> set[str]:
    """Every service the launcher runs on a server (Telegram polling is for a machine without a public URL)."""
    return set(SERVICE_SETTINGS) - {"telegram-polling"}
