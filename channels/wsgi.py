"""WSGI entry point: ``gunicorn channels.wsgi:app``."""

from channels.app import create_app
from channels.logs import configure_logging
from channels.settings import Settings

settings = Settings.from_env()
configure_logging(settings)
app = create_app(settings)
