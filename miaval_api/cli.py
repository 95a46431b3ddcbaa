"""Command line: ``python -m miaval_api migrate | load-demo [--if-empty] | purge [--now ISO] | reminders [--now ISO]
| serve``."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config

from miaval_api.db import Database
from miaval_api.settings import Settings

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def migrate(settings: Settings) -> None:
    """Bring the schema to the newest revision (Alembic upgrade head)."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = settings.database_url
    command.upgrade(config, "head")


def load_demo(settings: Settings, path: Path, if_empty: bool) -> int:
    from miaval_api import demo

    database = Database(settings.database_url, 1)
    try:
        with database.session(write=True) as session:
            if not demo.is_empty(session):
                if if_empty:
                    print("load-demo: the database already holds data; nothing loaded.")
                    return 0
                print("load-demo: the database already holds data (use --if-empty to skip quietly).", file=sys.stderr)
                return 1
            counts = demo.load(session, settings, path)
    finally:
        database.engine.dispose()
    print("load-demo: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    return 0


def purge(settings: Settings, now: datetime) -> int:
    """Apply the retention rules (services/retention.py) as of ``now``; prints what went."""
    from miaval_api.services import retention

    database = Database(settings.database_url, 1)
    try:
        purged = retention.purge(database, settings, now)
    finally:
        database.engine.dispose()
    print("purge: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in asdict(purged).items()))
    return 0


def reminders(settings: Settings, now: datetime) -> int:
    """Write the reminders due as of ``now`` to the outbox (services/reminders.py); prints what was done."""
    from miaval_api.services import reminders as scheduler

    database = Database(settings.database_url, 1)
    try:
        result = scheduler.schedule(database, settings, now)
    finally:
        database.engine.dispose()
    if result.quiet:
        print("reminders: quiet hours (night, Sunday or a holiday in Buenos Aires); nothing written")
        return 0
    written = ", ".join(f"{count} {kind}" for kind, count in sorted(result.written.items())) or "none"
    skipped = ", ".join(f"{count} {why}" for why, count in sorted(result.skipped.items())) or "none"
    print(f"reminders: written {written}; not written {skipped}")
    return 0


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2027-01-31T03:00:00+00:00")
    return value


def serve(bind: str, workers: int, threads: int) -> None:
    """Run gunicorn with the API (replaces this process)."""
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "miaval_api.wsgi:app",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]
    os.execv(sys.executable, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m miaval_api", description="Mi Aval API")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="alembic upgrade head on DATABASE_URL")
    demo_parser = sub.add_parser("load-demo", help="load demo/portfolio.yml")
    demo_parser.add_argument("--if-empty", action="store_true", help="do nothing when data is already there")
    demo_parser.add_argument("--file", type=Path, default=None, help="another portfolio file")
    purge_parser = sub.add_parser("purge", help="delete what is older than its retention (run daily)")
    purge_parser.add_argument("--now", type=_instant, default=None, help="purge as of this instant (ISO 8601)")
    reminders_parser = sub.add_parser("reminders", help="write the reminders due to the outbox (run hourly)")
    reminders_parser.add_argument("--now", type=_instant, default=None, help="as of this instant (ISO 8601)")
    settings = Settings.from_env()
    serve_parser = sub.add_parser("serve", help="serve with gunicorn")
    serve_parser.add_argument("--bind", default=settings.serve_bind)
    serve_parser.add_argument("--workers", type=int, default=settings.serve_workers)
    serve_parser.add_argument("--threads", type=int, default=settings.serve_threads)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        migrate(settings)
        return 0
    if args.command == "load-demo":
        from miaval_api.demo import DEFAULT_FILE

        return load_demo(settings, args.file or DEFAULT_FILE, args.if_empty)
    if args.command == "purge":
        from miaval_api.services import clock

        return purge(settings, args.now or clock.now())
    if args.command == "reminders":
        from miaval_api.services import clock

        return reminders(settings, args.now or clock.now())
    serve(args.bind, args.workers, args.threads)
    return 0
