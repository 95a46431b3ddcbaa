"""The assistant marks emphasis WhatsApp's way, ``*Laura Gómez*``; other channels show it their way.

WhatsApp renders it as is. Telegram gets HTML (everything else escaped), and
the web widget makes the same pairs bold with DOM nodes (widget.js).
"""

from __future__ import annotations

import html
import re

BOLD = re.compile(r"\*([^*\n]+)\*")


def telegram_html(text: str) -> str:
    """Text for Telegram's parse_mode=HTML: escaped, with ``*pairs*`` in bold."""
    return BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))
