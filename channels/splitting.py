"""Cutting long answers into messages a channel accepts, at line or sentence boundaries."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
WHATSAPP_LIMIT = 1600

# Places to cut, best first: a blank line, a line end, a sentence end, a space.
_BOUNDARIES = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?…])\s+"), re.compile(r"\s+"))


def _cut_position(text: str, limit: int) -> tuple[int, int]:
    """Where the first chunk ends and where the next begins, both within ``limit``."""
    window = text[: limit + 1]
    for boundary in _BOUNDARIES:
        matches = [match for match in boundary.finditer(window) if 0 < match.start() <= limit]
        if matches:
            last = matches[-1]
            # A cut too early would leave tiny messages; prefer a lower-ranked boundary then.
            if last.start() >= limit // 3:
                return last.start(), last.end()
    return limit, limit


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at the best boundary, no chunk empty."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        end, start_next = _cut_position(rest, limit)
        chunk = rest[:end].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[start_next:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
