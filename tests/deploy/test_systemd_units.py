"""deploy/systemd says what the launcher says: the same command lines and ports, and only variables each
service declares in its settings.py (so the units cannot silently rot when a service changes)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.rasa_settings import SHARED_LOCK_STORE
from launcher.paths import MODEL_PATH, ROOT
from launcher.services import (
    actions_command,
    api_command,
    base_env,
    console_command,
    courier_command,
    facts_command,
    gateway_command,
    migrate_command,
    purge_command,
    rasa_command,
    reminders_command,
    tracker_store_command,
)
from miaval_api.settings import Settings as ApiSettings
from tests.deploy.launcher_facts import (
    INSTALL_DIR,
    LAUNCHER,
    PROCESS_VARIABLES,
    as_checkout,
    launcher_services,
    missing_required,
    port_of,
    read_env_file,
    shipped_secrets,
    undeclared,
)

DEPLOY = ROOT / "deploy" / "systemd"
# Each unit, the service (launcher.settings.SERVICE_SETTINGS) whose variables its environment file sets.
UNITS = {
    "miaval-api.service": "api",
    "miaval-purge.service": "api",
    "miaval-reminders.service": "api",
    "miaval-actions.service": "actions",
    "miaval-tracker-store.service": "rasa",
    "miaval-rasa@.service": "rasa",
    "miaval-gateway.service": "gateway",
    "miaval-courier.service": "courier",
    "miaval-console.service": "console",
    "miaval-facts.service": "facts",
}


def unit(name: str) -> dict[str, list[str]]:
    """A unit file's keys (every section together), each with all its values in order."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def env_file(path: str) -> dict[str, str]:
    """``/etc/miaval/x.env`` as shipped in deploy/systemd/env/x.env."""
    assert path.startswith("/etc/miaval/"), path
    return read_env_file(DEPLOY / "env" / Path(path).name)


def environment_of(name: str) -> dict[str, str]:
    """The unit's Environment= and EnvironmentFile= variables."""
    keys = unit(name)
    values: dict[str, str] = {}
    for line in keys.get("Environment", []):
        values.update(item.split("=", 1) for item in shlex.split(line))
    for path in keys.get("EnvironmentFile", []):
        values.update(env_file(path))
    return values


def command(line: str, port: str = "") -> list[str]:
    """An ExecStart= line as argv, with the install directory as this checkout and %i as ``port``."""
    return [part.replace("%i", port) for part in as_checkout(shlex.split(line))]


def replica_ports() -> list[int]:
    wants = " ".join(unit("miaval.target")["Wants"])
    return [int(port) for port in re.findall(r"miaval-rasa@(\d+)\.service", wants)]


@pytest.mark.parametrize("name", sorted(UNITS))
def test_each_unit_sets_only_variables_its_service_declares(name):
    unread = undeclared(UNITS[name], environment_of(name))
    assert not unread, f"{name} sets variables its service never reads: {sorted(unread)}"


@pytest.mark.parametrize("name", sorted(UNITS))
def test_no_secret_is_shipped_in_an_environment_file(name):
    shipped = shipped_secrets(UNITS[name], environment_of(name))
    assert not shipped, f"{name}: {shipped} must be left for the operator to fill"


def test_every_required_variable_of_each_service_is_in_its_file():
    for name, service in UNITS.items():
        if name in ("miaval-purge.service", "miaval-reminders.service", "miaval-tracker-store.service"):
            continue
        missing = missing_required(service, environment_of(name))
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_the_commands_are_the_launchers():
    api = ApiSettings()
    assert command(unit("miaval-api.service")["ExecStart"][0]) == api_command(
        LAUNCHER.api_port, api.serve_workers, api.serve_threads
    )
    assert command(unit("miaval-actions.service")["ExecStart"][0]) == actions_command(LAUNCHER.actions_port)
    assert command(unit("miaval-gateway.service")["ExecStart"][0]) == gateway_command(
        LAUNCHER.gateway_port, LAUNCHER.gateway_workers
    )
    assert command(unit("miaval-console.service")["ExecStart"][0]) == console_command(LAUNCHER.console_port)
    assert command(unit("miaval-courier.service")["ExecStart"][0]) == courier_command()
    assert command(unit("miaval-facts.service")["ExecStart"][0]) == facts_command()
    for port in replica_ports():
        assert command(unit("miaval-rasa@.service")["ExecStart"][0], str(port)) == rasa_command(port, MODEL_PATH)
    assert command(unit("miaval-api.service")["ExecStartPre"][0]) == migrate_command()
    assert command(unit("miaval-purge.service")["ExecStart"][0]) == purge_command()
    assert command(unit("miaval-reminders.service")["ExecStart"][0]) == reminders_command()
    assert command(unit("miaval-tracker-store.service")["ExecStart"][0]) == tracker_store_command()


def test_the_production_profile_sizes_and_ports():
    """Replicas and workers as the profile's defaults; each service's address where the others look for it."""
    assert replica_ports() == [LAUNCHER.rasa_port + index for index in range(LAUNCHER.rasa_replicas)]
    actions = environment_of("miaval-actions.service")
    assert int(actions["ACTION_SERVER_SANIC_WORKERS"]) == LAUNCHER.action_workers
    gateway = environment_of("miaval-gateway.service")
    assert [port_of(url) for url in gateway["RASA_URLS"].split(",")] == replica_ports()
    for env in (gateway, actions):
        assert port_of(env["MIAVAL_API_URL"]) == LAUNCHER.api_port
    rasa = environment_of("miaval-rasa@.service")
    assert port_of(rasa["ACTION_ENDPOINT_URL"]) == LAUNCHER.actions_port
    assert rasa["ACTION_ENDPOINT_URL"].endswith("/webhook")
    # Several replicas: the lock store and the replay nonces are shared (README, "Production profile").
    assert rasa["LOCK_STORE_TYPE"] == SHARED_LOCK_STORE
    assert rasa["SHARED_STATE_URL"] == gateway["SHARED_STATE_URL"] != ""
    assert environment_of("miaval-api.service")["TRACKER_STORE_URL"] == rasa["TRACKER_STORE_URL"]
    assert environment_of("miaval-api.service")["DATABASE_URL"] == gateway["DATABASE_URL"]


def test_every_service_the_launcher_runs_has_a_unit():
    assert launcher_services() <= set(UNITS.values())


def test_the_process_variables_are_the_launchers():
    given = base_env()
    for name in UNITS:
        keys = unit(name)
        for key, value in environment_of(name).items():
            if key in PROCESS_VARIABLES and key != "PYTHONPATH":
                assert value == given[key], (name, key)
        assert keys["WorkingDirectory"] == [INSTALL_DIR]
        assert environment_of(name)["PYTHONPATH"] == INSTALL_DIR


def test_the_reminders_run_hourly_with_the_target():
    """The timer starts the reminders every hour (make run does too) and comes with miaval.target."""
    assert unit("miaval-reminders.timer")["OnCalendar"] == ["hourly"]
    assert "miaval-reminders.timer" in " ".join(unit("miaval.target")["Wants"]).split()
