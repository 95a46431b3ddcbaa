"""WSGI entry point: ``gunicorn channels.wsgi:app``."""

import logging

from channels.app import create_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

app = create_app()
