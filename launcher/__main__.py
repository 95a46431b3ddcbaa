"""`python -m launcher run|train|chat|test-stories|nlu-report`: what the Makefile calls."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from launcher.paths import APP_BIN, LOG_DIR, MODEL_PATH, RASA_BIN, ROOT, VAR
from launcher.secrets import TRACKER_SECRETS, local_secrets
from launcher.services import (
    ServiceFailed,
    base_env,
    prepare_database,
    start_actions,
    start_api,
    start_gateway,
    start_rasa,
    start_telegram_polling,
)
from launcher.training import train_if_changed

PURGE_EVERY_SECONDS = 24 * 3600


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def purge_old_data(database_url: str, env: dict[str, str]) -> None:
    """``python -m miaval_api purge``: the retention rules (miaval_api/services/retention.py), once."""
    command = [str(APP_BIN / "python"), "-m", "miaval_api", "purge"]
    completed = subprocess.run(command, cwd=ROOT, env=base_env({"DATABASE_URL": database_url, **env}))
    if completed.returncode != 0:
        print("the retention purge failed; the services start anyway", file=sys.stderr)


def run() -> int:
    """Everything on the embedded default: SQLite, demo data, web chat on localhost."""
    # Stopped with SIGTERM (a supervisor, `timeout`) as with Ctrl-C: the services go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    secrets = local_secrets()
    secrets.update({key: os.environ[key] for key in secrets if key in os.environ})  # the environment wins
    token = secrets["MIAVAL_API_TOKEN"]
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{VAR / 'miaval.db'}")
    outbox = VAR / "outbox"
    # Rasa's conversation store: Rasa seals with the keys, the API erases and purges by the sender key.
    tracker_url = os.environ.get("TRACKER_STORE_URL", f"sqlite:///{VAR / 'rasa' / 'tracker.db'}")
    tracker = {"TRACKER_STORE_URL": tracker_url, **{key: secrets[key] for key in TRACKER_SECRETS}}
    prepare_database(database_url)
    purge_env = {"OUTBOX_DIR": str(outbox), "TRACKER_STORE_URL": tracker_url,
                 "TRACKER_SENDER_KEY": secrets["TRACKER_SENDER_KEY"]}  # fmt: skip
    purge_old_data(database_url, purge_env)
    next_purge = time.monotonic() + PURGE_EVERY_SECONDS
    train_if_changed()
    services = []
    polling = None
    try:
        print("Starting the Mi Aval API ...", flush=True)
        api = start_api(database_url, token, outbox, port=_port("MIAVAL_API_PORT", 8000),
                        extra_env={"MIAVAL_CODE_SECRET": secrets["MIAVAL_CODE_SECRET"], **purge_env})  # fmt: skip
        services.append(api)
        print("Starting the action server ...", flush=True)
        actions = start_actions(api.url, token, port=_port("ACTIONS_PORT", 5055))
        services.append(actions)
        print("Starting the Rasa server (loading the model takes a while) ...", flush=True)
        rasa = start_rasa(actions.url, VAR / "rasa" / "tracker.db", port=_port("RASA_PORT", 5005), extra_env=tracker)
        services.append(rasa)
        gateway = None
        if (ROOT / "channels" / "wsgi.py").exists():
            print("Starting the channel gateway ...", flush=True)
            gateway = start_gateway(
                rasa.url, api.url, token, database_url, port=_port("GATEWAY_PORT", 8080),
                extra_env={"TELEGRAM_WEBHOOK_SECRET": secrets["TELEGRAM_WEBHOOK_SECRET"]},
            )  # fmt: skip
            services.append(gateway)
        if os.environ.get("TELEGRAM_BOT_TOKEN") and not os.environ.get("PUBLIC_URL"):
            # A bot token and no public URL: chat on Telegram by polling (README, "Telegram").
            polling = start_telegram_polling(rasa.url, api.url, token, database_url)
        print()
        print("Mi Aval is running:")
        print(f"  Mi Aval API      {api.url}  (OpenAPI at {api.url}/v1/openapi.yaml)")
        print(f"  Action server    {actions.url}")
        print(f"  Rasa REST        {rasa.url}/webhooks/rest/webhook")
        if gateway:
            print(f"  Web chat demo    {gateway.url}/   <- open this in a browser")
        if polling:
            print(f"  Telegram         polling for updates (log: {LOG_DIR / 'telegram-polling.log'})")
        print(f"  E-mail outbox    {outbox}  (one-time codes land here as .eml files)")
        print(f"  Logs             {LOG_DIR}")
        print("Chat in the terminal with `make chat`. Stop with Ctrl-C.", flush=True)
        while all(service.alive() for service in services):
            time.sleep(1)
            if time.monotonic() >= next_purge:  # the retention purge, every day while running
                purge_old_data(database_url, purge_env)
                next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        dead = next(service for service in services if not service.alive())
        print(f"{dead.name} stopped unexpectedly:\n{dead.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    except ServiceFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    finally:
        if polling and polling.poll() is None:
            polling.terminate()
        for service in reversed(services):
            service.stop()


def test_stories() -> int:
    """Rasa's test stories against the trained model; any wrong prediction fails."""
    results = VAR / "test-results" / "stories"
    command = [
        str(RASA_BIN / "rasa"), "test", "core",
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

        return chat(os.environ.get("RASA_URL", f"http://127.0.0.1:{_port('RASA_PORT', 5005)}"))
    if args.command == "test-stories":
        return test_stories()
    return nlu_report()


if __name__ == "__main__":
    sys.exit(main())
