"""python-telegram-bot is asynchronous and Flask is not: the Bot lives on one event loop in its own thread."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from telegram import Update

from channels.settings import Settings
from channels.telegram.bot import make_bot

if TYPE_CHECKING:
    from channels.gateway import Gateway

log = logging.getLogger(__name__)


class TelegramRuntime:
    """A Bot and its handler on a background event loop; the webhook hands updates to it."""

    def __init__(self, settings: Settings, gateway: Gateway):
        from channels.telegram.handler import TelegramHandler

        self.settings = settings
        self.bot = make_bot(settings)
        self.handler = TelegramHandler(self.bot, gateway)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="telegram-loop", daemon=True)
        self._ready = asyncio.Lock()

    @classmethod
    def in_background(cls, settings: Settings, gateway: Gateway) -> TelegramRuntime:
        """Start the loop thread; the Bot connects to the Bot API on the first update."""
        runtime = cls(settings, gateway)
        runtime._thread.start()
        return runtime

    async def _handle(self, update: Update) -> None:
        async with self._ready:
            # First use opens the connection pool and caches getMe; later calls return at once.
            await self.bot.initialize()
        await self.handler.handle(update)

    def process(self, update: Update, wait: float) -> None:
        """Handle the update on the loop, waiting at most ``wait`` seconds (it goes on if slower)."""
        future = asyncio.run_coroutine_threadsafe(self._handle(update), self.loop)
        try:
            future.result(timeout=wait)
        except FutureTimeout:
            log.warning("Telegram update still being handled after %.0f s", wait)
