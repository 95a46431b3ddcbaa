"""``console.wsgi:app`` for gunicorn (the launcher starts it)."""

from console.app import create_app

app = create_app()
