"""deploy/containers says what the launcher says: the same command lines, ports and sizes, only variables each
service declares, every one it needs, secrets only from the operator's .env, and the replicas the gateway routes to.

Checked statically: this machine has no container engine, so the image is never built here.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet

from bot.rasa_settings import SHARED_LOCK_STORE
from launcher.__main__ import PURGE_EVERY_SECONDS, REMINDERS_EVERY_SECONDS
from launcher.health import HEALTH_PATHS
from launcher.paths import APP_BIN, MODEL_PATH, RASA_BIN, ROOT, prediction_graphs
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
    REFERENCE,
    as_checkout,
    launcher_services,
    missing_required,
    read_env_file,
    shipped_secrets,
    undeclared,
)

DEPLOY = ROOT / "deploy" / "containers"
# In its own container a service listens on every interface of that container's network namespace, so that the
# other containers reach it; compose.yaml publishes only the gateway and the console, on the host's loopback.
CONTAINER_HOST = "0.0.0.0"
# Each of our compose services and the launcher service whose settings it reads; the replicas are rasa-1, rasa-2...
ROLES = {
    "api-migrate": "api",
    "api": "api",
    "purge": "api",
    "reminders": "api",
    "actions": "actions",
    "tracker-store": "rasa",
    "gateway": "gateway",
    "courier": "courier",
    "console": "console",
    "facts": "facts",
}
REPLICA = re.compile(r"rasa-\d+")
# The engines, on their images' default ports.
ENGINES = {"postgres": 5432, "redis": 6379, "rabbitmq": 5672}


@cache
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def ours() -> list[str]:
    return [name for name in services() if name not in ENGINES]


def replicas() -> list[str]:
    return [name for name in services() if REPLICA.fullmatch(name)]


def role(name: str) -> str:
    return "rasa" if REPLICA.fullmatch(name) else ROLES[name]


def environment_of(name: str) -> dict[str, str]:
    """The service's env_file values, then its environment: (as compose gives them)."""
    service = services()[name]
    values: dict[str, str] = {}
    for path in service.get("env_file", []):
        values.update(read_env_file(DEPLOY / path))
    values.update({key: str(value) for key, value in (service.get("environment") or {}).items()})
    return values


def command_of(name: str) -> list[str]:
    """The service's command as the launcher would run it from this checkout."""
    return as_checkout([str(part) for part in services()[name]["command"]])


def listening_port(name: str) -> int:
    """The port a service of ours listens on, read from its command (--bind host:port or --port N)."""
    argv = command_of(name)
    if "--bind" in argv:
        host, _, port = argv[argv.index("--bind") + 1].rpartition(":")
        assert host == CONTAINER_HOST, name
        return int(port)
    return int(argv[argv.index("--port") + 1])


def listens(name: str) -> bool:
    return bool({"--bind", "--port"} & set(command_of(name)))


def references(value: str) -> set[str]:
    return {match["name"] for match in REFERENCE.finditer(value)}


def test_every_service_the_launcher_runs_is_in_compose():
    unknown = [name for name in ours() if name not in ROLES and not REPLICA.fullmatch(name)]
    assert not unknown, f"compose.yaml runs services this test does not know: {unknown}"
    assert launcher_services() <= {role(name) for name in ours()}
    assert set(ROLES) <= set(services())
    assert replicas(), "no Rasa replica"


def test_the_commands_are_the_launchers():
    api = ApiSettings()
    assert command_of("api") == api_command(LAUNCHER.api_port, api.serve_workers, api.serve_threads, CONTAINER_HOST)
    assert command_of("api-migrate") == migrate_command()
    assert command_of("purge") == purge_command()
    assert command_of("reminders") == reminders_command()
    assert command_of("actions") == actions_command(LAUNCHER.actions_port)
    assert command_of("tracker-store") == tracker_store_command()
    for name in replicas():
        assert command_of(name) == rasa_command(LAUNCHER.rasa_port, MODEL_PATH, CONTAINER_HOST), name
    assert command_of("gateway") == gateway_command(
        LAUNCHER.gateway_port, LAUNCHER.gateway_workers, host=CONTAINER_HOST
    )
    assert command_of("courier") == courier_command()
    assert command_of("facts") == facts_command()
    assert command_of("console") == console_command(LAUNCHER.console_port, host=CONTAINER_HOST)


def test_the_purge_runs_daily():
    """The entrypoint repeats the command (compose writes $ as $$) every PURGE_EVERY_SECONDS, as `make run` does."""
    shell, flag, script, name = services()["purge"]["entrypoint"]
    assert (shell, flag) == ("sh", "-c")
    loop = ["umask", "077;", "while", ":;", "do", "$@;", "sleep", f"{PURGE_EVERY_SECONDS};", "done"]
    assert shlex.split(script.replace("$$", "$")) == loop
    assert name and not name.startswith("-")


@pytest.mark.parametrize("name", ours())
def test_each_service_sets_only_variables_it_declares(name):
    unread = undeclared(role(name), environment_of(name))
    assert not unread, f"{name} sets variables it never reads: {sorted(unread)}"


@pytest.mark.parametrize("name", ours())
def test_each_service_gets_every_variable_it_needs(name):
    missing = missing_required(role(name), environment_of(name))
    assert not missing, f"{name} lacks {sorted(missing)}"


@pytest.mark.parametrize("name", ours())
def test_no_secret_is_shipped_for_a_service(name):
    shipped = shipped_secrets(role(name), environment_of(name))
    assert not shipped, f"{name}: {shipped} must come from .env"


def test_the_engines_passwords_come_from_dot_env():
    for name in ENGINES:
        for key, value in (services()[name].get("environment") or {}).items():
            if re.search("PASS|SECRET|TOKEN|KEY", key):
                assert REFERENCE.fullmatch(value), f"{name}: {key} must come from .env"


def test_no_file_holds_a_random_key():
    """What make-secrets.sh makes (43 URL-safe base64 characters and more) appears in no shipped file."""
    # .env is the operator's own (git-ignored, left out of the image by .dockerignore).
    shipped = [path for path in DEPLOY.rglob("*") if path.is_file() and path.name != ".env"]
    shipped.append(ROOT / ".dockerignore")
    for path in shipped:
        assert not re.search(r"[A-Za-z0-9_+/-]{40,}", path.read_text()), path


def made_secrets(tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess]:
    for name in ("make-secrets.sh", "secrets.template"):
        (tmp_path / name).write_bytes((DEPLOY / name).read_bytes())
        (tmp_path / name).chmod((DEPLOY / name).stat().st_mode)
    completed = subprocess.run([str(tmp_path / "make-secrets.sh")], capture_output=True, text=True)
    return tmp_path / ".env", completed


def test_make_secrets_gives_every_required_reference_a_value(tmp_path):
    text = (DEPLOY / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    optional = set(re.findall(r"\$\{([A-Z0-9_]+):-", text))
    dot_env, completed = made_secrets(tmp_path)
    assert completed.returncode == 0, completed.stderr
    values = read_env_file(dot_env)
    assert set(values) == required | optional == references(text)
    assert all(values[name] for name in required), "make-secrets.sh left a required secret empty"
    assert not any(values[name] for name in optional), "make-secrets.sh filled what the operator must give"
    assert len(set(values[name] for name in required)) == len(required), "two secrets got the same value"
    Fernet(values["TRACKER_ENCRYPTION_KEYS"].encode())
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", values["TELEGRAM_WEBHOOK_SECRET"]), "Telegram refuses it"
    assert dot_env.stat().st_mode & 0o777 == 0o600


def test_make_secrets_never_overwrites_dot_env(tmp_path):
    dot_env, _ = made_secrets(tmp_path)
    before = dot_env.read_text()
    _, again = made_secrets(tmp_path)
    assert again.returncode != 0
    assert dot_env.read_text() == before


def test_each_address_is_a_service_listening_there():
    """Every URL and host a service is given names a compose service and the port that service listens on."""
    for name in ours():
        env = environment_of(name)
        addresses = [
            (parts.hostname, parts.port)
            for key, value in env.items()
            if key != "PUBLIC_URL"  # the TLS proxy's public origin, outside compose
            for item in REFERENCE.sub("x", value).split(",")
            if "://" in item
            for parts in [urlsplit(item)]
        ]
        for host_key, port_key in (("LOCK_STORE_HOST", "LOCK_STORE_PORT"), ("EVENT_BROKER_HOST", "EVENT_BROKER_PORT")):
            if host_key in env:
                addresses.append((env[host_key], int(env[port_key])))
        for host, port in addresses:
            assert host in services(), f"{name}: no service {host}"
            listening = ENGINES[host] if host in ENGINES else listening_port(host)
            assert port == listening, f"{name}: {host} listens on {listening}, not {port}"


def test_the_gateway_routes_to_every_replica():
    for name in ("gateway", "courier"):
        urls = environment_of(name)["RASA_URLS"].split(",")
        assert [urlsplit(url).hostname for url in urls] == replicas(), name
        assert {urlsplit(url).port for url in urls} == {LAUNCHER.rasa_port}


def test_the_production_profile_sizes_and_shared_state():
    actions = environment_of("actions")
    assert int(actions["ACTION_SERVER_SANIC_WORKERS"]) == LAUNCHER.action_workers
    assert actions["SANIC_HOST"] == CONTAINER_HOST
    rasa, gateway = environment_of(replicas()[0]), environment_of("gateway")
    assert rasa["ACTION_ENDPOINT_URL"].endswith("/webhook")
    assert rasa["LOCK_STORE_TYPE"] == SHARED_LOCK_STORE
    assert rasa["SHARED_STATE_URL"] == gateway["SHARED_STATE_URL"] != ""
    assert (
        environment_of("api")["TRACKER_STORE_URL"]
        == rasa["TRACKER_STORE_URL"]
        == environment_of("console")["TRACKER_STORE_URL"]
    )
    assert environment_of("api")["DATABASE_URL"] == gateway["DATABASE_URL"] == environment_of("console")["DATABASE_URL"]


def test_the_logins_are_the_engines():
    postgres = services()["postgres"]["environment"]
    databases = {postgres["POSTGRES_DB"]} | set(
        re.findall(r"CREATE DATABASE (\w+)", "".join(p.read_text() for p in (DEPLOY / "postgres-init").glob("*.sql")))
    )
    for name in ours():
        for key in ("DATABASE_URL", "TRACKER_STORE_URL"):
            if key in environment_of(name):
                url = environment_of(name)[key]
                parts = urlsplit(REFERENCE.sub("x", url))
                assert parts.username == postgres["POSTGRES_USER"], (name, key)
                assert references(url) == references(postgres["POSTGRES_PASSWORD"]), (name, key)
                assert parts.path.lstrip("/") in databases, (name, key)
    rabbitmq, rasa = services()["rabbitmq"]["environment"], environment_of(replicas()[0])
    assert rasa["EVENT_BROKER_USERNAME"] == rabbitmq["RABBITMQ_DEFAULT_USER"]
    assert references(rasa["EVENT_BROKER_PASSWORD"]) == references(rabbitmq["RABBITMQ_DEFAULT_PASS"])


def test_healthchecks_ask_each_service_its_health_path():
    for name in ours():
        if not listens(name):
            assert "healthcheck" not in services()[name], name
            continue
        url = f"http://127.0.0.1:{listening_port(name)}{HEALTH_PATHS[role(name)]}"
        test = as_checkout(services()[name]["healthcheck"]["test"])
        assert test == ["CMD", str(APP_BIN / "python"), "-m", "launcher.health", url], name


def test_only_the_gateway_and_the_console_are_published_on_loopback():
    published = {name: service["ports"] for name, service in services().items() if "ports" in service}
    assert published == {
        "gateway": [f"127.0.0.1:{LAUNCHER.gateway_port}:{LAUNCHER.gateway_port}"],
        "console": [f"127.0.0.1:{LAUNCHER.console_port}:{LAUNCHER.console_port}"],
    }


def test_the_reminders_run_hourly():
    """The entrypoint repeats the command every REMINDERS_EVERY_SECONDS, as `make run` does."""
    shell, flag, script, name = services()["reminders"]["entrypoint"]
    assert (shell, flag) == ("sh", "-c")
    loop = ["umask", "077;", "while", ":;", "do", "$@;", "sleep", f"{REMINDERS_EVERY_SECONDS};", "done"]
    assert shlex.split(script.replace("$$", "$")) == loop
    assert name and not name.startswith("-")


def test_services_wait_for_what_must_come_first():
    def waits_for(name: str, other: str, condition: str) -> bool:
        return (services()[name].get("depends_on") or {}).get(other, {}).get("condition") == condition

    for name in replicas():
        assert waits_for(name, "tracker-store", "service_completed_successfully"), name
    for name in ("api", "purge", "reminders", "gateway", "courier", "console"):
        assert waits_for(name, "api-migrate", "service_completed_successfully"), name
    for name, service in services().items():
        assert set(service.get("depends_on") or {}) <= set(services()), name


# The image.


def stages() -> list[list[tuple[str, str]]]:
    """The Containerfile's stages, each a list of (instruction, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Containerfile").read_text())
    found: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            found.append([])
        if found:
            found[-1].append((instruction.upper(), " ".join(arguments.split())))
    return found


def instructions(stage: list[tuple[str, str]], name: str) -> list[str]:
    return [arguments for instruction, arguments in stage if instruction == name]


def test_the_image_runs_as_a_user_in_the_install_directory_with_the_launchers_variables():
    base, final = stages()[0], stages()[-1]
    assert instructions(base, "WORKDIR") == [INSTALL_DIR]
    given = dict(item.split("=", 1) for line in instructions(base, "ENV") for item in shlex.split(line))
    expected = {key: value for key, value in base_env().items() if key in PROCESS_VARIABLES}
    assert given == expected | {"PYTHONPATH": INSTALL_DIR}
    user = instructions(final, "USER")
    assert user and user[-1] not in ("root", "0"), "the services must not run as root"
    assert any(f" {user[-1]}" in line for line in instructions(final, "RUN") if line.startswith("useradd")), user


def test_the_image_builds_both_environments_from_the_lock_files():
    runs = " ".join(instructions(stages()[1], "RUN"))
    for venv, python, lock in (
        (APP_BIN.parent.name, "python3.11", "app.lock"),
        (RASA_BIN.parent.name, "python3.10", "rasa.lock"),
    ):
        assert f"{python} -m venv {venv} " in runs, venv
        assert f"{venv}/bin/python -m pip install -r requirements/{lock}" in runs, venv
        assert f"{venv}/bin/python -m pip check" in runs, venv
    final_copies = instructions(stages()[-1], "COPY")
    for venv in (APP_BIN.parent.name, RASA_BIN.parent.name):
        assert f"--from=environments {INSTALL_DIR}/{venv} {INSTALL_DIR}/{venv}" in final_copies, venv


def test_the_image_holds_the_model_the_replicas_load():
    model = str(MODEL_PATH).replace(str(ROOT), INSTALL_DIR)
    models = str(MODEL_PATH.parent).replace(str(ROOT), INSTALL_DIR)
    relative = MODEL_PATH.parent.relative_to(ROOT)
    # The whole folder: the model and the prediction graphs traced with it (launcher/prediction_graphs.py).
    assert f"--from=model {models}/ {relative}/" in instructions(stages()[-1], "COPY")
    assert prediction_graphs(MODEL_PATH).parent == MODEL_PATH.parent
    assert ".venv/bin/python -m launcher train" in instructions(stages()[2], "RUN")
    assert all(f"--model, {model}" in ", ".join(map(str, services()[name]["command"])) for name in replicas())


def test_compose_builds_this_image():
    build = services()["api-migrate"]["build"]
    assert (DEPLOY / build["context"]).resolve() == ROOT
    assert ROOT / build["dockerfile"] == DEPLOY / "Containerfile"
    assert {services()[name]["image"] for name in ours()} == {services()["api-migrate"]["image"]}


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` out of the build context (the last matching pattern decides)."""
    decision = False
    for pattern in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = path.split("/")
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            decision = not negated
    return decision


@pytest.mark.parametrize(
    "path",
    ["var/secrets.env", "var/miaval.db", "deploy/containers/.env", ".venv/bin/python", "node_modules/x", ".git/config"],
)
def test_the_build_context_leaves_out_secrets_and_environments(path):
    assert ignored(path)


def test_the_build_context_keeps_the_trained_model():
    model = os.path.relpath(MODEL_PATH, ROOT)
    assert not ignored(model) and not ignored(model.replace(".tar.gz", ".fingerprint"))
    assert not ignored("launcher/services.py")
