"""`python -m launcher run|train|chat|test-stories|nlu-report`: what the Makefile calls."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from console.demo_staff import staff_entries
from envsettings import environment, explicitly_set, name_of, names
from hop_auth.shared_secrets import RASA_CHANNEL_SECRET
from launcher import private_files
from launcher.paths import LOG_DIR, MODEL_PATH, MODELS_DIR, RASA_BIN, ROOT, VAR
from launcher.profiles import UnknownProfile, prepare_tracker_store, profile_for, rasa_urls
from launcher.secrets import HopSecrets, local_secrets, new_password
from launcher.services import (
    ServiceFailed,
    base_env,
    prepare_console,
    prepare_database,
    prepare_facts_demo,
    purge_command,
    reminders_command,
    service_env,
    start_actions,
    start_api,
    start_console,
    start_courier,
    start_facts,
    start_gateway,
    start_rasa_replicas,
    start_telegram_polling,
)
from launcher.settings import SERVICE_SETTINGS, Settings
from launcher.supervision import Supervisor
from launcher.training import train_if_changed

PURGE_EVERY_SECONDS = 24 * 3600
REMINDERS_EVERY_SECONDS = 3600


def secrets_for(service: str, values: dict[str, str]) -> dict[str, str]:
    """The generated secrets this service declares, and only those."""
    return {name: value for name, value in values.items() if name in names(SERVICE_SETTINGS[service])}


def purge_old_data(env: dict[str, str]) -> None:
    """``python -m miaval_api purge``: the retention rules (miaval_api/services/retention.py), once."""
    completed = subprocess.run(purge_command(), cwd=ROOT, env=env, umask=private_files.UMASK)
    if completed.returncode != 0:
        print("the retention purge failed; the services start anyway", file=sys.stderr)


def write_reminders(env: dict[str, str]) -> None:
    """``python -m miaval_api reminders``: the reminders due, written to the outbox for the courier, once."""
    completed = subprocess.run(reminders_command(), cwd=ROOT, env=env)
    if completed.returncode != 0:
        print("the reminders run failed; it is tried again in an hour", file=sys.stderr)


def run() -> int:
    """Everything with demo data and the web chat on localhost: the embedded default or MIAVAL_PROFILE's."""
    # Stopped with SIGTERM (a supervisor, `timeout`) as with Ctrl-C: the services go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # var/ holds personal data: private now, and so is everything this launcher and its services create.
    os.umask(private_files.UMASK)
    private_files.make_private(VAR, leave=[MODELS_DIR])
    settings = Settings.from_env()
    try:
        profile = profile_for(settings)
    except (UnknownProfile, subprocess.CalledProcessError) as failure:
        print(failure, file=sys.stderr)
        return 1
    secrets = local_secrets()
    # The environment wins over var/secrets.env.
    secrets.update({name: value for name, value in base_env().items() if name in secrets and value})
    token = secrets[name_of(SERVICE_SETTINGS["api"], "api_token")]
    database_url = profile.database_url
    hops = HopSecrets.from_values(secrets)
    outbox = VAR / "outbox"
    # Rasa's conversation store: Rasa seals with the keys, the API erases and purges by the sender key.
    tracker_url = profile.tracker_url
    api_env = {**secrets_for("api", secrets), **environment(SERVICE_SETTINGS["api"], tracker_store_url=tracker_url)}
    rasa_env = {**secrets_for("rasa", secrets), **environment(SERVICE_SETTINGS["rasa"], url=tracker_url)}
    rasa_env |= profile.rasa_env
    prepare_database(database_url)
    # The demo staff's passwords: fresh at every start, printed below, never written to a file.
    demo_staff = [(item["email"].lower(), item["name"], item["role"]) for item in staff_entries()]
    demo_passwords = {email: new_password() for email, _name, _role in demo_staff}
    prepare_console(database_url, demo_passwords)
    prepare_facts_demo(database_url)
    purge_env = service_env(
        "api", {**api_env, **environment(SERVICE_SETTINGS["api"], database_url=database_url, outbox_dir=outbox)}
    )
    purge_old_data(purge_env)
    next_purge = time.monotonic() + PURGE_EVERY_SECONDS
    next_reminders = time.monotonic()  # the first run once everything is up
    train_if_changed()
    services = []
    polling = None
    try:
        print(f"Profile: {profile.name}", flush=True)
        print("Starting the Mi Aval API ...", flush=True)
        api = start_api(
            database_url, token, outbox, port=settings.api_port, extra_env=api_env, workers=profile.api_workers
        )
        services.append(api)
        print("Starting the staff console ...", flush=True)
        console_env = secrets_for("console", secrets) | environment(
            SERVICE_SETTINGS["console"], tracker_store_url=tracker_url
        )
        console = start_console(database_url, port=settings.console_port, extra_env=console_env)
        services.append(console)
        print("Starting the action server ...", flush=True)
        actions = start_actions(
            api.url, token, hops, port=settings.actions_port, extra_env=secrets_for("actions", secrets),
            workers=profile.action_workers,
        )  # fmt: skip
        services.append(actions)
        if profile.rasa_replicas > 1:
            prepare_tracker_store(rasa_env)  # created once, not raced by the replicas
        servers = "the Rasa server" if profile.rasa_replicas == 1 else f"{profile.rasa_replicas} Rasa replicas"
        print(f"Starting {servers} (loading the model takes a while) ...", flush=True)
        replicas = start_rasa_replicas(
            profile.rasa_replicas, settings.rasa_port, actions.url, VAR / "rasa" / "tracker.db", hops,
            extra_env=rasa_env, start_timeout=settings.rasa_start_timeout,
        )  # fmt: skip
        services.extend(replicas)
        rasa = replicas[0]
        gateway_env = secrets_for("gateway", secrets) | profile.gateway_env
        if len(replicas) > 1:
            gateway_env |= environment(SERVICE_SETTINGS["gateway"], rasa_urls=tuple(r.url for r in replicas))
        gateway = None
        if (ROOT / "channels" / "wsgi.py").exists():
            print("Starting the channel gateway ...", flush=True)
            gateway = start_gateway(
                rasa.url, api.url, token, database_url, hops, port=settings.gateway_port,
                extra_env=gateway_env, workers=profile.gateway_workers,
            )  # fmt: skip
            services.append(gateway)
            print("Starting the courier (staff messages and news to the customers' chats) ...", flush=True)
            services.append(
                start_courier(rasa.url, api.url, token, database_url, hops, extra_env=gateway_env)
            )
        print("Starting the conversation facts consumer ...", flush=True)
        facts_env = secrets_for("facts", secrets) | profile.facts_env
        facts_env |= environment(SERVICE_SETTINGS["facts"], tracker_store_url=tracker_url)
        services.append(start_facts(database_url, extra_env=facts_env))
        gateway_settings = SERVICE_SETTINGS["gateway"]
        if gateway_settings.from_env().telegram_enabled and not explicitly_set(gateway_settings, "public_url"):
            # A bot token and no public URL: chat on Telegram by polling (README, "Telegram").
            polling = start_telegram_polling(rasa.url, api.url, token, database_url, hops, extra_env=gateway_env)
        print()
        print("Mi Aval is running:")
        print(f"  Mi Aval API      {api.url}  (OpenAPI at {api.url}/v1/openapi.yaml)")
        print(f"  Action server    {actions.url}")
        for replica in replicas:
            print(f"  Rasa server      {replica.url}  (internal: only the gateway's signed messages)")
        if gateway:
            print(f"  Web chat demo    {gateway.url}/   <- open this in a browser")
            print(f"  Courier          staff messages and news to the chats (log: {LOG_DIR / 'courier.log'})")
        if polling:
            print(f"  Telegram         polling for updates (log: {LOG_DIR / 'telegram-polling.log'})")
        print(f"  Staff console    {console.url}/   (Aval's staff; demo accounts below)")
        print(f"  Facts consumer   the review queue's and the board's figures (log: {LOG_DIR / 'facts.log'})")
        print(f"  E-mail outbox    {outbox}  (one-time codes land here as .eml files)")
        print(f"  Logs             {LOG_DIR}")
        print("Demo staff for the console (passwords made for this start only):")
        for email, name, role in demo_staff:
            print(f"  {role:<10} {name:<14} {email:<28} {demo_passwords[email]}")
        print("Chat in the terminal with `make chat`. Stop with Ctrl-C.", flush=True)
        supervisor = Supervisor(services)  # a service that exits is started again; the others keep serving
        while True:
            time.sleep(1)
            supervisor.check()
            if time.monotonic() >= next_purge:  # the retention purge, every day while running
                purge_old_data(purge_env)
                next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            if time.monotonic() >= next_reminders:  # the reminders due, every hour while running
                write_reminders(purge_env)
                next_reminders = time.monotonic() + REMINDERS_EVERY_SECONDS
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    except ServiceFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    finally:
        # A second SIGTERM or Ctrl-C while stopping must not cut the stopping short: children would be left behind.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if polling and polling.poll() is None:
            polling.terminate()
        for service in reversed(services):
            service.stop()


def test_stories() -> int:
    """Rasa's test stories against the trained model, as the server predicts; any wrong prediction fails.

    Through launcher.rasa_main, so the stories check its speed-ups too (MIAVAL_RASA_SPEEDUPS=0: Rasa unchanged).
    """
    results = VAR / "test-results" / "stories"
    command = [
        str(RASA_BIN / "python"), "-m", "launcher.rasa_main", "test", "core",
        "--model", str(MODEL_PATH),
        "--stories", "tests/stories",
        "--out", str(results),
        "--fail-on-prediction-errors",
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=ROOT, env=base_env())
    if completed.returncode != 0:
        failed = results / "failed_test_stories.yml"
        if failed.exists():
            print(failed.read_text(), file=sys.stderr)
    return completed.returncode


def nlu_report() -> int:
    return subprocess.run([str(RASA_BIN / "python"), "scripts/nlu_report.py"], cwd=ROOT, env=base_env()).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launcher", description=__doc__)
    parser.add_argument("command", choices=["run", "train", "chat", "test-stories", "nlu-report"])
    args = parser.parse_args(argv)
    if args.command == "run":
        return run()
    if args.command == "train":
        train_if_changed()
        return 0
    if args.command == "chat":
        from launcher.chat import chat

        settings = Settings.from_env()
        # The environment wins over var/secrets.env, as for `make run`.
        secret = base_env().get(RASA_CHANNEL_SECRET) or local_secrets()[RASA_CHANNEL_SECRET]
        # Every replica, routed as the gateway routes (channels/routing.py).
        return chat(rasa_urls(settings), secret)
    if args.command == "test-stories":
        return test_stories()
    return nlu_report()


if __name__ == "__main__":
    sys.exit(main())
