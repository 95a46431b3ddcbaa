"""Telegram through python-telegram-bot: secret-checked webhook, polling mode, inline keyboards, files."""
