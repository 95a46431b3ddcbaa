"""Files users send (photos, PDFs): the type is judged by the bytes, never by the name or header, and the file
must be what it claims: a PDF that pypdf parses, an image that Pillow decodes, and no HTML, SVG or script
however it starts (a "polyglot" that begins with ``%PDF-`` and holds ``<html><script>`` is refused). Files are
kept under a name the server chooses, with the extension of the type it found."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import warnings
from typing import Optional

from sqlalchemy.orm import Session

from miaval_api.errors import UnsupportedType, UploadTooLarge
from miaval_api.services import clock
from miaval_api.settings import Settings
from models import Upload, User

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Markup a browser would run, anywhere near the start of the file (browsers sniff the first bytes).
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed)\b", re.IGNORECASE)
MARKUP_WINDOW = 64 * 1024
MAX_PIXELS = 50_000_000  # a photo from any phone; more is a decompression bomb


def sniff(content: bytes) -> Optional[str]:
    """The media type the magic bytes say, among those accepted; None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _decodes(content: bytes, content_type: str) -> bool:
    """Whether the file is really of ``content_type``: pypdf reads its pages, or Pillow decodes its pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if content_type == "application/pdf":
                from pypdf import PdfReader

                return len(PdfReader(io.BytesIO(content)).pages) > 0
            from PIL import Image

            with Image.open(io.BytesIO(content), formats=[IMAGE_FORMATS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    return False
                image.load()
            return True
    except Exception:  # whatever a broken or hostile file makes a parser raise
        return False


def judge(content: bytes) -> Optional[str]:
    """The media type of an acceptable file: its magic bytes say a JPEG, PNG, WebP or PDF, it holds no
    markup, and it decodes as that type; None otherwise."""
    content_type = sniff(content)
    if content_type is None or MARKUP.search(content[:MARKUP_WINDOW]):
        return None
    return content_type if _decodes(content, content_type) else None


def server_filename(content_type: str) -> str:
    """The name a file is kept and served under: chosen here, with the extension of its type."""
    kind = "documento" if content_type == "application/pdf" else "foto"
    return f"{kind}-{secrets.token_hex(4)}{EXTENSIONS[content_type]}"


def store(session: Session, settings: Settings, user: User, content: bytes, raw_filename: Optional[str]) -> Upload:
    """Keep a file for a later claim attachment (the name the user gave is not kept: ``server_filename``)."""
    if len(content) > settings.max_upload_bytes:
        raise UploadTooLarge(max_bytes=settings.max_upload_bytes)
    content_type = judge(content)
    if content_type is None:
        raise UnsupportedType()
    upload = Upload(
        id=secrets.token_urlsafe(18),
        user_id=user.id,
        filename=server_filename(content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        created_at=clock.now(),
    )
    session.add(upload)
    return upload
