"""Files users send (photos, PDFs): the type is judged by the bytes, never by the name or header."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Optional
from urllib.parse import unquote

from sqlalchemy.orm import Session

from miaval_api.errors import UnsupportedType, UploadTooLarge
from miaval_api.services import clock
from miaval_api.settings import Settings
from models import Upload, User

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


def sniff(content: bytes) -> Optional[str]:
    """The media type the magic bytes say, among those accepted; None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        return "image/heic"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def clean_filename(raw: Optional[str], content_type: str) -> str:
    """A harmless file name: percent-decoded, no path, no control characters, at most 120 characters."""
    name = unquote(raw or "", errors="replace")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip(" .")[:120]
    return name or "archivo" + EXTENSIONS[content_type]


def store(session: Session, settings: Settings, user: User, content: bytes, raw_filename: Optional[str]) -> Upload:
    """Keep a file for a later claim attachment."""
    if len(content) > settings.max_upload_bytes:
        raise UploadTooLarge(max_bytes=settings.max_upload_bytes)
    content_type = sniff(content)
    if content_type is None:
        raise UnsupportedType()
    upload = Upload(
        id=secrets.token_urlsafe(18),
        user_id=user.id,
        filename=clean_filename(raw_filename, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        created_at=clock.now(),
    )
    session.add(upload)
    return upload
