"""WSGI entry point: ``gunicorn miaval_api.wsgi:app`` (settings from the environment)."""

import logging

from envsettings import install_redaction, secret_values
from miaval_api.app import create_app
from miaval_api.settings import Settings

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
settings = Settings.from_env()
# No secret setting (the token, the secret key, the SMTP password) in any log line.
install_redaction(secret_values(settings))
app = create_app(settings)
