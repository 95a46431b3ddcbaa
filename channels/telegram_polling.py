"""Telegram without a public URL: ``python -m channels.telegram_polling`` asks Telegram for updates.

Only ``TELEGRAM_BOT_TOKEN`` is needed (plus Rasa and the API running). Any
webhook set for the bot is removed first, since Telegram allows one or the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import NetworkError, TelegramError, TimedOut

from channels.gateway import build_gateway
from channels.logs import configure_logging
from channels.settings import Settings
from channels.telegram.bot import make_bot
from channels.telegram.handler import TelegramHandler

log = logging.getLogger("channels.telegram_polling")

POLL_TIMEOUT_SECONDS = 30


async def poll(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Fetch and handle updates until ``stop`` is set (or forever)."""
    gateway = build_gateway(settings)
    bot = make_bot(settings)
    handler = TelegramHandler(bot, gateway)
    stop = stop or asyncio.Event()
    async with bot:
        await bot.delete_webhook()
        log.info("polling Telegram as @%s", bot.username)
        offset = None
        while not stop.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=["message", "callback_query"]
                )
            except (TimedOut, NetworkError) as exc:
                log.warning("polling interrupted (%s), retrying", type(exc).__name__)
                await asyncio.sleep(2)
                continue
            except TelegramError as exc:
                log.error("Telegram refused polling: %s", type(exc).__name__)
                await asyncio.sleep(5)
                continue
            for update in updates:
                offset = update.update_id + 1
                await handler.handle(update)


def main() -> None:
    """Entry point: settings from the environment, like the gateway."""
    settings = Settings.from_env()
    configure_logging(settings)
    if not settings.telegram_enabled:
        raise SystemExit("Falta TELEGRAM_BOT_TOKEN (el token que te dio @BotFather).")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(poll(settings))


if __name__ == "__main__":
    main()
