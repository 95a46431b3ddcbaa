"""Start each Mi Aval process on a port, wait until it answers, stop it.

One function per service says how that service starts; `make run`, the tests
and the benchmarks all go through them, so there is one place for each
command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from envsettings import Variable, default_environment, environment, names, variables
from launcher import private_files
from launcher.health import HEALTH_PATHS, answers
from launcher.paths import APP_BIN, LOG_DIR, MODEL_PATH, RASA_BIN, ROOT, prediction_graphs
from launcher.secrets import HopSecrets, new_value
from launcher.settings import SERVICE_SETTINGS, all_variables

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def base_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The environment every process gets: the repo on PYTHONPATH, quiet old-SQLAlchemy warnings."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    env["RASA_TELEMETRY_ENABLED"] = "false"  # nothing leaves this machine
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra or {})
    return env


class UndeclaredVariable(ValueError):
    """A variable given to a service that the service never reads."""


def service_env(service: str, values: Mapping[str, str]) -> dict[str, str]:
    """The environment of one service, built from its settings class's declarations.

    ``values`` must all be variables the service declares (anything else would be
    set and never read: UndeclaredVariable). From this process's environment the
    service inherits its own variables but no other service's (their secrets stay
    theirs); a generated secret neither given nor inherited gets a fresh random value.
    """
    settings = SERVICE_SETTINGS[service]
    own = names(settings)
    undeclared = sorted(set(values) - own)
    if undeclared:
        raise UndeclaredVariable(f"{service} never reads {', '.join(undeclared)}")
    others = {variable.name for variable in all_variables()} - own
    env = {name: value for name, value in base_env().items() if name not in others}
    env.update(values)
    for variable in variables(settings):
        # A value given on purpose, even empty, is kept: a hop secret given empty must make its service refuse to start.
        if variable.generated and variable.name not in values and not env.get(variable.name):
            env[variable.name] = new_value(variable.name)
    return env


@dataclass
class ServiceProcess:
    """A running service: its name, URL, process and log file."""

    name: str
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    # How it was started, so that a supervisor can start it again the same way.
    command: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL if it does not go."""
        if not self.alive():
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def respawn(self) -> None:
        """Start the same command again with the same environment and port (the old process must be gone).

        What the dead process left in its group (a Sanic or gunicorn worker holding the port) goes first.
        """
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process, self.log_path = _spawn(self.name, self.command, self.env, self.log_path.parent)

    def healthy(self, health_path: str) -> bool:
        """Whether it answers GET url+health_path with 2xx right now."""
        return answers(self.url + health_path)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class ServiceFailed(RuntimeError):
    """A service exited or never answered its health check."""


def _spawn(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> tuple[subprocess.Popen, Path]:
    """Start ``command`` with its output appended to ``log_dir/name.log``; the log is private (0600 in a
    0700 folder) and the service runs with umask 077, so every file it creates is private too."""
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(log_fd, 0o600)  # a log an older version left readable
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log_fd, stderr=subprocess.STDOUT, start_new_session=True,
        umask=private_files.UMASK,
    )  # fmt: skip
    os.close(log_fd)
    return process, log_path


def wait_until_healthy(service: ServiceProcess, health_path: str, timeout: float) -> None:
    """Poll GET url+health_path until it answers 2xx, the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise ServiceFailed(f"{service.name} exited:\n{service.log_tail()}")
        if service.healthy(health_path):
            return
        time.sleep(0.25)
    service.stop()
    raise ServiceFailed(f"{service.name} did not answer {health_path} within {timeout:.0f} s:\n{service.log_tail()}")


def _start(
    name: str, command: list[str], port: int, env: dict[str, str], log_dir: Path, health_path: str, timeout: float
) -> ServiceProcess:
    process, log_path = _spawn(name, command, env, log_dir)
    service = ServiceProcess(
        name=name, url=f"http://{HOST}:{port}", process=process, log_path=log_path, env=env, command=command
    )
    try:
        wait_until_healthy(service, health_path, timeout)
    except BaseException:  # interrupted while starting (Ctrl-C, SIGTERM): no orphan left behind
        service.stop()
        raise
    return service


def _gunicorn(app: str, port: int, workers: int, threads: int, *options: str, host: str = HOST) -> list[str]:
    """A threaded gunicorn serving ``app`` on ``host`` (no access log: paths can hold personal data)."""
    return [
        str(APP_BIN / "gunicorn"),
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        *options,
        app,
    ]  # fmt: skip


def start_api(
    database_url: str,
    token: str,
    outbox_dir: Path,
    port: Optional[int] = None,
    log_dir: Path = LOG_DIR,
    workers: int = 1,
    threads: int = 8,
    extra_env: Optional[dict[str, str]] = None,
) -> ServiceProcess:
    """The Mi Aval API under gunicorn (the schema must already be migrated).

    No access log: its URL paths hold sender ids (phone numbers) and document tokens.
    """
    port = port or free_port()
    own = environment(SERVICE_SETTINGS["api"], database_url=database_url, api_token=token, outbox_dir=outbox_dir)
    env = service_env("api", {**own, **(extra_env or {})})
    return _start("api", api_command(port, workers, threads), port, env, log_dir, HEALTH_PATHS["api"], 60)


def api_command(port: int, workers: int = 1, threads: int = 8, host: str = HOST) -> list[str]:
    """The API's command line (also in deploy/systemd/ and deploy/containers/)."""
    return _gunicorn("miaval_api.wsgi:app", port, workers, threads, host=host)


def migrate_command() -> list[str]:
    """Migrates the API's schema to head (before the API starts)."""
    return [str(APP_BIN / "python"), "-m", "miaval_api", "migrate"]


def purge_command() -> list[str]:
    """The retention purge (miaval_api/services/retention.py), once: run it daily."""
    return [str(APP_BIN / "python"), "-m", "miaval_api", "purge"]


def reminders_command() -> list[str]:
    """The reminders due, written to the outbox (miaval_api/services/reminders.py), once: run it hourly."""
    return [str(APP_BIN / "python"), "-m", "miaval_api", "reminders"]


def tracker_store_command() -> list[str]:
    """Creates the conversation store's tables once, before Rasa replicas start together (Rasa's environment)."""
    return [str(RASA_BIN / "python"), "-m", "conversation_store"]


def prepare_database(database_url: str, load_demo: bool = True) -> None:
    """Migrate the schema to head and, on an empty database, load the demo portfolio."""
    env = service_env("api", environment(SERVICE_SETTINGS["api"], database_url=database_url))
    subprocess.run(migrate_command(), cwd=ROOT, env=env, check=True, umask=private_files.UMASK)
    if load_demo:
        python = str(APP_BIN / "python")
        subprocess.run(
            [python, "-m", "miaval_api", "load-demo", "--if-empty"], cwd=ROOT, env=env, check=True,
            umask=private_files.UMASK,
        )  # fmt: skip


def prepare_console(database_url: str, demo_passwords: Mapping[str, str]) -> None:
    """The console's demo producers and staff (the schema must be migrated), with these passwords (e-mail ->
    password, given on standard input: they never reach a file or a command line)."""
    env = service_env("console", environment(SERVICE_SETTINGS["console"], database_url=database_url))
    subprocess.run(
        [str(APP_BIN / "python"), "-m", "console", "load-demo"], cwd=ROOT, env=env, check=True,
        input=json.dumps(dict(demo_passwords)), text=True, umask=private_files.UMASK,
    )  # fmt: skip


def prepare_facts_demo(database_url: str) -> None:
    """A month of demo conversation facts (the board, the review queue) on a database that has none."""
    env = service_env("facts", environment(SERVICE_SETTINGS["facts"], database_url=database_url))
    python = str(APP_BIN / "python")
    subprocess.run([python, "-m", "conversation_facts.demo_month", "--if-empty"], cwd=ROOT, env=env, check=True)


def start_console(
    database_url: str,
    port: Optional[int] = None,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict[str, str]] = None,
    workers: int = 1,
    threads: int = 8,
) -> ServiceProcess:
    """Aval's staff console (console/) under gunicorn, on the API's database (the schema must be migrated).

    ``extra_env`` gives it the conversation store's URL and keys (to show the last messages) and its secret key.
    """
    port = port or free_port()
    own = environment(SERVICE_SETTINGS["console"], database_url=database_url)
    env = service_env("console", {**own, **(extra_env or {})})
    command = console_command(port, workers, threads)
    return _start("console", command, port, env, log_dir, HEALTH_PATHS["console"], 60)


def console_command(port: int, workers: int = 1, threads: int = 8, host: str = HOST) -> list[str]:
    """The staff console's command line (also in deploy/systemd/ and deploy/containers/)."""
    return _gunicorn("console.wsgi:app", port, workers, threads, host=host)


def start_actions(
    api_url: str,
    token: str,
    hops: HopSecrets,
    port: Optional[int] = None,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict] = None,
    workers: int = 2,
) -> ServiceProcess:
    """The Rasa action server (bot/actions), talking to the API at api_url, open only to Rasa's bearer token.

    Two Sanic worker processes by default: actions call the API with blocking HTTP, so one
    slow call (filing a claim) must not hold every other conversation's action.
    """
    port = port or free_port()
    # rasa-sdk listens on every interface unless told (sanic_host).
    own = environment(
        SERVICE_SETTINGS["actions"], api_url=api_url, api_token=token, sanic_workers=workers, sanic_host=HOST,
        action_server_token=hops.action_server_token,
    )  # fmt: skip
    env = service_env("actions", {**own, **(extra_env or {})})
    return _start("actions", actions_command(port), port, env, log_dir, HEALTH_PATHS["actions"], 120)


def actions_command(port: int) -> list[str]:
    """rasa-sdk's server with the bearer token check (launcher/actions_main.py); its workers are a variable."""
    return [str(RASA_BIN / "python"), "-m", "launcher.actions_main", "--actions", "bot.actions", "--port", str(port)]


def start_rasa(
    actions_url: str,
    tracker_db: Path,
    hops: HopSecrets,
    model_path: Path = MODEL_PATH,
    port: Optional[int] = None,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict] = None,
    name: str = "rasa",
    start_timeout: float = 240,
) -> ServiceProcess:
    """The Rasa server: the gateway's signed channel only, no HTTP API, the sealed tracker store, the trained model.

    It verifies the gateway's signatures (RASA_CHANNEL_SECRET) and sends the action server its token.
    Conversations go to SQLite at ``tracker_db`` unless ``extra_env`` names another
    ``TRACKER_STORE_URL``. The store's keys come from ``extra_env`` or the
    environment; without them a throw-away stack gets fresh ones (restart it with
    the same ``env`` to read its conversations again).
    """
    if not Path(model_path).exists():
        raise ServiceFailed(f"no trained model at {model_path}: run `make train`")
    port = port or free_port()
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    # Rasa refuses an unset ${VAR} of endpoints.yml: each gets its declared default unless given or inherited.
    inherited = base_env()
    own = {name: value for name, value in default_environment(endpoints_variables()).items() if not inherited.get(name)}
    own |= environment(
        SERVICE_SETTINGS["rasa"], action_endpoint_url=f"{actions_url}/webhook",
        url=f"sqlite:///{tracker_db}",
        rasa_channel_secret=hops.rasa_channel_secret, action_server_token=hops.action_server_token,
        prediction_graphs=str(prediction_graphs(model_path)),
    )  # fmt: skip
    env = service_env("rasa", {**own, **(extra_env or {})})
    return _start(name, rasa_command(port, model_path), port, env, log_dir, HEALTH_PATHS["rasa"], start_timeout)


def rasa_command(port: int, model_path: Path = MODEL_PATH, host: str = HOST) -> list[str]:
    """Rasa's CLI through launcher.rasa_main, which removes needless work from its hot path."""
    return [
        str(RASA_BIN / "python"), "-m", "launcher.rasa_main", "run",
        "--model", str(model_path),
        "--endpoints", "endpoints.yml",
        "--credentials", "credentials.yml",
        "--interface", host,
        "--port", str(port),
    ]  # fmt: skip


def endpoints_variables() -> list[Variable]:
    """The Rasa server's variables that endpoints.yml substitutes."""
    return [variable for variable in variables(SERVICE_SETTINGS["rasa"]) if variable.doc == "endpoints.yml"]


def start_rasa_replicas(count: int, first_port: int, actions_url: str, tracker_db: Path, hops: HopSecrets,
                        log_dir: Path = LOG_DIR, extra_env: Optional[dict] = None,
                        start_timeout: float = 240) -> list[ServiceProcess]:  # fmt: skip
    """``count`` Rasa servers on ``first_port``, ``first_port + 1``... loading the model at the same time.

    One replica is named ``rasa`` (its log ``rasa.log``), several ``rasa-1``, ``rasa-2``...
    If one fails to start, the others are stopped and ServiceFailed raised.
    """
    names_ = ["rasa"] if count == 1 else [f"rasa-{index + 1}" for index in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(start_rasa, actions_url, tracker_db, hops, port=first_port + index, log_dir=log_dir,
                        extra_env=extra_env, name=name, start_timeout=start_timeout)  # fmt: skip
            for index, name in enumerate(names_)
        ]
        started, failures = [], []
        for future in futures:
            try:
                started.append(future.result())
            except BaseException as failure:  # noqa: BLE001 - reported after the others are stopped
                failures.append(failure)
    if failures:
        for replica in started:
            replica.stop()
        raise failures[0]
    return started


def start_gateway(
    rasa_url: str,
    api_url: str,
    token: str,
    database_url: str,
    hops: HopSecrets,
    port: Optional[int] = None,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict[str, str]] = None,
    workers: int = 1,
    threads: int = 16,
) -> ServiceProcess:
    """The channel gateway (Telegram and WhatsApp webhooks, web chat) under gunicorn; it signs what it hands Rasa."""
    port = port or free_port()
    own = environment(
        SERVICE_SETTINGS["gateway"],
        rasa_url=rasa_url,
        api_url=api_url,
        api_token=token,
        database_url=database_url,
        public_url=f"http://{HOST}:{port}",
        rasa_channel_secret=hops.rasa_channel_secret,
    )
    env = service_env("gateway", {**own, **(extra_env or {})})
    return _start("gateway", gateway_command(port, workers, threads), port, env, log_dir, HEALTH_PATHS["gateway"], 60)


def courier_command() -> list[str]:
    """The courier's command line (also in deploy/systemd/ and deploy/containers/)."""
    return [str(APP_BIN / "python"), "-m", "channels.courier"]


def gateway_command(port: int, workers: int = 1, threads: int = 16, host: str = HOST) -> list[str]:
    """The gateway's command line (also in deploy/systemd/ and deploy/containers/)."""
    return _gunicorn("channels.wsgi:app", port, workers, threads, "--timeout", "60", host=host)


def start_telegram_polling(
    rasa_url: str,
    api_url: str,
    token: str,
    database_url: str,
    hops: HopSecrets,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict[str, str]] = None,
) -> subprocess.Popen:
    """Telegram without a public URL (needs TELEGRAM_BOT_TOKEN in the environment); no port, no health check."""
    own = environment(
        SERVICE_SETTINGS["telegram-polling"], rasa_url=rasa_url, api_url=api_url, api_token=token,
        database_url=database_url, rasa_channel_secret=hops.rasa_channel_secret,
    )  # fmt: skip
    env = service_env("telegram-polling", {**own, **(extra_env or {})})
    process, _ = _spawn("telegram-polling", telegram_polling_command(), env, log_dir)
    return process


def telegram_polling_command() -> list[str]:
    """Telegram without a public URL: ``python -m channels.telegram_polling``."""
    return [str(APP_BIN / "python"), "-m", "channels.telegram_polling"]


def start_courier(
    rasa_url: str,
    api_url: str,
    token: str,
    database_url: str,
    hops: HopSecrets,
    log_dir: Path = LOG_DIR,
    extra_env: Optional[dict[str, str]] = None,
    name: str = "courier",
) -> ServiceProcess:
    """The courier (``python -m channels.courier``): delivers the outbox to Telegram, WhatsApp and the web chat.

    No port: it only sends. It gets the gateway's settings (bot token, Twilio account, Rasa's channel secret
    for the control route, the API token for e-mails). A supervisor restarts it like any service.
    """
    own = environment(
        SERVICE_SETTINGS["courier"], rasa_url=rasa_url, api_url=api_url, api_token=token,
        database_url=database_url, rasa_channel_secret=hops.rasa_channel_secret,
    )  # fmt: skip
    env = service_env("courier", {**own, **(extra_env or {})})
    command = courier_command()
    process, log_path = _spawn(name, command, env, log_dir)
    service = ServiceProcess(name=name, url="", process=process, log_path=log_path, env=env, command=command)
    time.sleep(0.5)
    if not service.alive():
        raise ServiceFailed(f"{name} exited:\n{service.log_tail()}")
    return service


def facts_command() -> list[str]:
    """The conversation facts consumer's command line (also in deploy/systemd/ and deploy/containers/)."""
    return [str(APP_BIN / "python"), "-m", "conversation_facts"]


def start_facts(
    database_url: str, log_dir: Path = LOG_DIR, extra_env: Optional[dict[str, str]] = None
) -> ServiceProcess:
    """The conversation facts consumer (``python -m conversation_facts``): Rasa's events → facts. No port.

    ``extra_env`` gives it the conversation store's URL and keys, and RabbitMQ's host in the production profile
    (without one it reads the conversation store). A supervisor restarts it like any service.
    """
    own = environment(SERVICE_SETTINGS["facts"], database_url=database_url)
    env = service_env("facts", {**own, **(extra_env or {})})
    command = facts_command()
    process, log_path = _spawn("facts", command, env, log_dir)
    service = ServiceProcess(name="facts", url="", process=process, log_path=log_path, env=env, command=command)
    time.sleep(0.5)
    if not service.alive():
        raise ServiceFailed(f"facts exited:\n{service.log_tail()}")
    return service
