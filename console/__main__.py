"""``python -m console create-supervisor | load-demo``.

- ``create-supervisor --name NAME --email EMAIL``: the first supervisor (the password is asked twice, not echoed).
- ``load-demo``: the demo producers and staff; reads ``{"e-mail": "password", ...}`` as JSON on standard input
  (``make run`` generates the passwords and prints them; they never reach a file).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from console import demo_staff
from console.settings import Settings
from miaval_api.db import Database


def create_supervisor(settings: Settings, name: str, email: str, password: str) -> int:
    from console import audit, staff

    database = Database(settings.database_url, 1)
    try:
        with database.session(write=True) as session:
            member = staff.create(session, name=name, email=email, role="supervisor", password=password)
            audit.record(session, None, "staff_create", f"staff:{member.id}", role="supervisor", via="command")
    except ValueError:
        print("Revisá el nombre, el e-mail y la contraseña (al menos 12 caracteres).", file=sys.stderr)
        return 1
    finally:
        database.engine.dispose()
    print(f"Supervisor creado: {email.strip().lower()}")
    return 0


def load_demo(settings: Settings) -> int:
    demo_passwords = json.loads(sys.stdin.read() or "{}")
    database = Database(settings.database_url, 1)
    try:
        with database.session(write=True) as session:
            members = demo_staff.load(session, {key.lower(): value for key, value in demo_passwords.items()})
            count = len(members)
    finally:
        database.engine.dispose()
    print(f"console load-demo: {count} staff accounts")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description="Aval's staff console")
    sub = parser.add_subparsers(dest="command", required=True)
    supervisor = sub.add_parser("create-supervisor", help="create a supervisor account")
    supervisor.add_argument("--name", required=True)
    supervisor.add_argument("--email", required=True)
    supervisor.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("load-demo", help="demo producers and staff; passwords as JSON on standard input")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "create-supervisor":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Contraseña: ")
            if getpass.getpass("Repetila: ") != password:
                print("Las contraseñas no coinciden.", file=sys.stderr)
                return 1
        return create_supervisor(settings, args.name, args.email, password)
    return load_demo(settings)


if __name__ == "__main__":
    sys.exit(main())
