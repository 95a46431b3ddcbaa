"""The gateway's logging: no secret, no message text, no phone number in any line.

The HTTP client libraries log every request URL at INFO, and the Bot API's
URLs hold the bot token: they log warnings only. Every secret setting is also
redacted from every record, whichever library makes it.
"""

from __future__ import annotations

import logging

from channels.privacy import set_hash_key
from channels.settings import Settings
from envsettings import install_redaction, secret_values

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Libraries that log request URLs (the bot token is in Telegram's) or request details at INFO.
CHATTY_LOGGERS = ("httpx", "httpcore", "twilio.http_client", "urllib3", "telegram")


def configure_logging(settings: Settings) -> None:
    """Set up this process's logging for the gateway (or the Telegram polling process)."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_redaction(secret_values(settings))
    set_hash_key(settings.log_hash_key)
