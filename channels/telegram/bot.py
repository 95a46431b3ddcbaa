"""The python-telegram-bot ``Bot`` the gateway uses, pointed at the Bot API from the settings."""

from __future__ import annotations

from telegram import Bot
from telegram.request import HTTPXRequest

from channels.settings import Settings


def make_bot(settings: Settings) -> Bot:
    """A Bot for ``TELEGRAM_BOT_TOKEN`` at ``TELEGRAM_BASE_URL`` (Telegram itself unless overridden)."""
    return Bot(
        token=settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        request=HTTPXRequest(connection_pool_size=32, read_timeout=20, write_timeout=30),
        # Long polling holds a request open for the poll timeout plus a margin.
        get_updates_request=HTTPXRequest(read_timeout=40),
    )
