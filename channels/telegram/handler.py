"""One Telegram update: dedup by update_id, read what the user sent, answer with the assistant's replies."""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

from telegram import Bot, Chat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from api_client import ApiError
from channels import copy
from channels.assistant import IncomingFile
from channels.emphasis import telegram_html
from channels.gateway import Gateway
from channels.privacy import hashed_sender
from channels.replies import Button, DocumentReply, ImageReply, Reply, TextReply
from channels.splitting import TELEGRAM_LIMIT, split_text

log = logging.getLogger(__name__)

# Bot API bots may download files up to 20 MB; larger ones cannot even be fetched.
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024


def sender_id(chat_id: int) -> str:
    """The contract's sender id of a Telegram chat."""
    return f"telegram:{chat_id}"


class TelegramHandler:
    """Handles updates for one Bot; used by the webhook and by polling alike."""

    def __init__(self, bot: Bot, gateway: Gateway):
        self.bot = bot
        self.gateway = gateway
        self.assistant = gateway.assistant

    async def handle(self, update: Update) -> None:
        """Process one update once; any failure ends in an apology to the chat, never silence."""
        first = await asyncio.to_thread(self.gateway.deliveries.first_time, "telegram", str(update.update_id))
        if not first:
            log.info("retried Telegram update dropped")
            return
        chat = update.effective_chat
        if chat is None:
            return
        if chat.type != ChatType.PRIVATE:
            await self._leave_shared_chat(chat)
            return
        chat_id = chat.id
        try:
            replies = await self._replies(update, chat_id)
            await self.send(chat_id, replies)
        except Exception as exc:  # whatever broke, the user hears from us
            log.exception("Telegram update failed for %s: %s", hashed_sender(sender_id(chat_id)), type(exc).__name__)
            try:
                await self.bot.send_message(chat_id, copy.APOLOGY)
            except TelegramError:
                log.error("could not even apologise to %s", hashed_sender(sender_id(chat_id)))

    async def _leave_shared_chat(self, chat: Chat) -> None:
        """Groups, supergroups and channels never reach the assistant: they share one chat id, so one
        member's sign-in would show every member the policies. The bot says so once (not in a channel,
        where it would broadcast) and leaves, so it neither repeats itself nor keeps reading the group."""
        try:
            if chat.type != ChatType.CHANNEL:
                await self.bot.send_message(chat.id, copy.PRIVATE_CHAT_ONLY.format(bot_username=self.bot.username))
            await self.bot.leave_chat(chat.id)
        except TelegramError as exc:
            log.warning("could not leave a shared Telegram chat: %s", type(exc).__name__)
        log.info("shared Telegram chat left (%s)", chat.type)

    async def _replies(self, update: Update, chat_id: int) -> list[Reply]:
        sender = sender_id(chat_id)
        query = update.callback_query
        if query is not None:
            await query.answer()
            payload = self.gateway.callback_keys.payload_for(query.data or "")
            if payload is None:
                return [TextReply(copy.EXPIRED_OPTION)]
            return await asyncio.to_thread(self.assistant.text, sender, payload)
        message = update.message
        if message is None:
            return []  # edits, channel posts and the like need no answer
        return await self._from_message(sender, message)

    async def _from_message(self, sender: str, message: Message) -> list[Reply]:
        assistant = self.assistant
        if message.text:
            return await asyncio.to_thread(assistant.text, sender, message.text)
        if message.photo:
            photo = message.photo[-1]  # the largest size
            name = f"foto-{photo.file_unique_id}.jpg"
            incoming = await self._download(photo.file_id, photo.file_size, name, "image/jpeg")
            return await self._deliver(sender, incoming)
        if message.document:
            document = message.document
            name = document.file_name or f"archivo-{document.file_unique_id}"
            content_type = document.mime_type or "application/octet-stream"
            incoming = await self._download(document.file_id, document.file_size, name, content_type)
            return await self._deliver(sender, incoming)
        if message.location:
            return await asyncio.to_thread(
                assistant.location, sender, message.location.latitude, message.location.longitude
            )
        if message.voice or message.audio or message.video_note:
            return await asyncio.to_thread(assistant.voice_note, sender)
        return await asyncio.to_thread(assistant.unsupported, sender)

    async def _download(
        self, file_id: str, size: Optional[int], filename: str, content_type: str
    ) -> Optional[IncomingFile]:
        """The file's bytes, or None when it is too large to accept."""
        if size and size > min(self.gateway.settings.max_upload_bytes, TELEGRAM_DOWNLOAD_LIMIT):
            return None
        telegram_file = await self.bot.get_file(file_id)
        content = bytes(await telegram_file.download_as_bytearray())
        return IncomingFile(filename=filename, content_type=content_type, content=content)

    async def _deliver(self, sender: str, incoming: Optional[IncomingFile]) -> list[Reply]:
        if incoming is None:
            return await asyncio.to_thread(self.assistant.refused_file, sender, "too_large")
        return await asyncio.to_thread(self.assistant.files, sender, [incoming])

    # -- answering -------------------------------------------------------------

    def keyboard(self, buttons: tuple[Button, ...]) -> InlineKeyboardMarkup:
        """One button per row, callback_data within Telegram's 64 bytes."""
        return InlineKeyboardMarkup.from_column(
            [
                InlineKeyboardButton(button.title, callback_data=self.gateway.callback_keys.data_for(button.payload))
                for button in buttons
            ]
        )

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Send replies in order: text in 4096-character pieces (keyboard on the last), photos, files."""
        for reply in replies:
            if isinstance(reply, TextReply):
                chunks = split_text(reply.text, TELEGRAM_LIMIT)
                for index, chunk in enumerate(chunks):
                    last = index == len(chunks) - 1
                    markup = self.keyboard(reply.buttons) if last and reply.buttons else None
                    await self.bot.send_message(
                        chat_id, telegram_html(chunk), parse_mode=ParseMode.HTML, reply_markup=markup
                    )
            elif isinstance(reply, ImageReply):
                await self.bot.send_photo(chat_id, reply.url)
            elif isinstance(reply, DocumentReply):
                await self._send_document(chat_id, reply)

    async def _send_document(self, chat_id: int, reply: DocumentReply) -> None:
        try:
            document = await asyncio.to_thread(self.gateway.api.fetch_document, reply.token)
        except ApiError as exc:
            log.error("document fetch failed for %s: %s", hashed_sender(sender_id(chat_id)), exc.code)
            await self.bot.send_message(chat_id, copy.DOCUMENT_FAILED)
            return
        await self.bot.send_document(
            chat_id, InputFile(document.content, filename=document.filename or reply.filename)
        )
