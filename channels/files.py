"""``GET /files/<token>``: a document (certificate, claim receipt) served from a short-lived API token.

WhatsApp fetches media from a URL and the web chat links to a download, so
both point here; the token itself is the permission and expires in minutes.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, abort

from api_client import BackendUnavailable, Gone, InvalidRequest, NotFound
from channels.gateway import current_gateway

log = logging.getLogger(__name__)
files = Blueprint("files", __name__)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-.~]{8,200}\Z")


@files.get("/files/<token>")
def document(token: str) -> Response:
    """The document's bytes with its file name, or 404/410/503."""
    if not TOKEN_PATTERN.match(token):
        abort(404, "Documento inexistente.")
    try:
        found = current_gateway().api.fetch_document(token)
    except Gone:
        abort(410, "El enlace venció. Pedí el documento de nuevo en el chat.")
    except (NotFound, InvalidRequest):
        abort(404, "Documento inexistente.")
    except BackendUnavailable:
        log.error("document fetch failed: API unavailable")
        abort(503, "No pudimos obtener el documento. Probá en un rato.")
    safe_name = re.sub(r'[^\w.\- ]', "_", found.filename) or "documento.pdf"
    return Response(
        found.content,
        mimetype=found.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
