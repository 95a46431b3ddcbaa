"""The web chat: its JSON API (``/webchat/...``), the widget's files and the demo page at ``/``.

API (also what benchmarks drive):

- ``POST /webchat/sessions`` → 201 ``{"sender": "web:<random>"}`` (a new conversation id).
- ``POST /webchat/messages`` ``{"sender", "message", "id"?}`` → 200 ``{"messages": [...]}``;
  a repeated ``id`` (a client's retry) answers ``{"messages": [], "duplicate": true}``.
- ``POST /webchat/uploads`` multipart ``sender`` + ``file`` → 200 ``{"messages": [...]}``.
- ``POST /webchat/locations`` ``{"sender", "latitude", "longitude"}`` → 200 ``{"messages": [...]}``.
- ``POST /webchat/updates`` ``{"sender", "after"?}`` → 200 ``{"messages": [...], "cursor"}``: what Aval's
  staff sent this conversation (an executive's replies, claim news; ``channels/courier.py``) after the
  ``cursor`` of an earlier call; a message a person wrote carries ``from_person`` ("Valeria, de Aval"),
  which the widget shows over a bubble of its own. The widget asks every few seconds while it is open, and
  on the next visit. POST, so that the sender id (the conversation's only key) never sits in a URL.

Each message is ``{"type": "text", "text", "buttons": [{"title", "payload"}]}``,
``{"type": "image", "url"}`` or ``{"type": "document", "url", "filename", "content_type"}``
(document URLs are relative to the gateway). An answer that signed the chat out
also holds ``"signed_out": true``: the widget then forgets the conversation and
its id, and the next message starts a new session.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_from_directory

import bounded_json
from channels import web_senders
from channels.assistant import IncomingFile
from channels.gateway import current_gateway
from channels.outbox import buttons_of, shown_in_webchat
from channels.replies import DocumentReply, ImageReply, Reply, SignedOut, TextReply
from channels.settings import origin
from channels.staff import label
from shared_state import StateUnavailable

log = logging.getLogger(__name__)
webchat = Blueprint("webchat", __name__, template_folder="templates")

DELIVERY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
MAX_MESSAGE_CHARS = 2000


def to_json(reply: Reply) -> dict[str, Any]:
    """One reply as the widget reads it."""
    if isinstance(reply, TextReply):
        return {
            "type": "text",
            "text": reply.text,
            "buttons": [{"title": button.title, "payload": button.payload} for button in reply.buttons],
        }
    if isinstance(reply, ImageReply):
        return {"type": "image", "url": reply.url}
    if isinstance(reply, DocumentReply):
        return {
            "type": "document",
            "url": f"/files/{reply.token}",
            "filename": reply.filename,
            "content_type": reply.content_type,
        }
    raise TypeError(type(reply).__name__)


def _answer(replies: list[Reply]) -> Response:
    body: dict[str, Any] = {"messages": [to_json(reply) for reply in replies if not isinstance(reply, SignedOut)]}
    if any(isinstance(reply, SignedOut) for reply in replies):
        body["signed_out"] = True
    return jsonify(body)


def _bad_request(code: str, message: str, status: int = 400) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _sender(value: Any) -> str | None:
    """``value`` when it is a conversation id this gateway issued (signed: channels/web_senders.py)."""
    return value if web_senders.genuine(current_gateway().settings.webchat_sender_key, value) else None


INVALID_SENDER = ("invalid_sender", "sender must be a conversation id from POST /webchat/sessions.")


def _json_and_sender() -> tuple[dict[str, Any], str] | Response:
    """The request's JSON object (bounded: bounded_json) and its checked ``sender``, or the 400 that says
    which is wrong."""
    try:
        body = bounded_json.loads(request.get_data(cache=False))
    except bounded_json.JsonRefused as refused:
        return _bad_request("invalid_json", str(refused))
    if not isinstance(body, dict):
        return _bad_request("invalid_json", "Expected a JSON object.")
    sender = _sender(body.get("sender"))
    if sender is None:
        return _bad_request(*INVALID_SENDER)
    return body, sender


@webchat.before_request
def refuse_foreign_origins() -> Response | None:
    """A browser on a page outside WEBCHAT_ALLOWED_ORIGINS (by default: our own origin) gets 403.

    Requests without an Origin (not from a browser page) pass: CORS protects
    browser users, other clients are held by the signed sender id and the rate limits.
    """
    given = request.headers.get("Origin")
    if given is not None and origin(given) not in current_gateway().settings.webchat_origins:
        response = jsonify({"error": {"code": "origin_not_allowed", "message": "This origin may not use the chat."}})
        response.status_code = 403
        return response
    return None


@webchat.before_request
def limit_each_address() -> Response | None:
    """Every /webchat/ API request counts against the client's address (behind GATEWAY_TRUSTED_PROXIES
    proxies: the address they saw), and so does each new conversation; past a limit, 429. JSON bodies
    (everything but uploads) may hold at most bounded_json.MAX_BYTES."""
    if request.method == "OPTIONS" or request.method == "GET":
        return None
    if request.endpoint != "webchat.upload":
        if (request.content_length or 0) > bounded_json.MAX_BYTES:
            return _bad_request("too_large", f"The body must be at most {bounded_json.MAX_BYTES} bytes.")
        request.max_content_length = bounded_json.MAX_BYTES  # a chunked body without a length, too
    gateway = current_gateway()
    address = request.remote_addr or "unknown"
    checks = [(f"addr:{address}", gateway.settings.webchat_requests_per_address_per_minute)]
    if request.endpoint == "webchat.new_session":
        checks.append((f"addr-sessions:{address}", gateway.settings.webchat_sessions_per_address_per_minute))
    try:
        allowed = all(gateway.assistant.limiter.allow(key, limit) for key, limit in checks)
    except StateUnavailable:
        # Not counted while Redis is down: a message still meets the per-chat limit, which then apologises.
        log.error("shared state unavailable: a web chat request went unlimited by its address")
        return None
    if not allowed:
        response = _bad_request("rate_limited", "Too many requests from this address; wait a minute.", 429)
        response.headers["Retry-After"] = "60"
        return response
    return None


@webchat.after_request
def cors(response: Response) -> Response:
    """Pages of the allowed origins may call the web chat API; no cookies are involved."""
    given = request.headers.get("Origin", "")
    if given and origin(given) in current_gateway().settings.webchat_origins:
        response.headers["Access-Control-Allow-Origin"] = given
    response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Allow-Methods"] = "POST, GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


@webchat.route("/webchat/<path:_anything>", methods=["OPTIONS"])
def preflight(_anything: str) -> Response:
    return Response(status=204)


@webchat.get("/")
def demo_page() -> str:
    """A page that embeds the widget with one script tag, as any site would."""
    return render_template("demo.html")


@webchat.get("/webchat/widget.js")
def widget_script() -> Response:
    """The one script a page includes to get the chat (it loads its own stylesheet)."""
    return send_from_directory(current_app.static_folder, "widget.js", mimetype="text/javascript", max_age=300)


@webchat.post("/webchat/sessions")
def new_session() -> tuple[Response, int]:
    """A fresh conversation id for a browser that has none (signed: only ids issued here are accepted)."""
    return jsonify({"sender": web_senders.issue(current_gateway().settings.webchat_sender_key)}), 201


@webchat.post("/webchat/messages")
def message() -> Response:
    """One typed message (or a quick-reply payload) and the assistant's answers."""
    parsed = _json_and_sender()
    if isinstance(parsed, Response):
        return parsed
    body, sender = parsed
    text = body.get("message")
    if not isinstance(text, str) or not text.strip():
        return _bad_request("empty_message", "message must be non-empty text.")
    if len(text) > MAX_MESSAGE_CHARS:
        return _bad_request("message_too_long", f"message must have at most {MAX_MESSAGE_CHARS} characters.")
    delivery_id = body.get("id")
    if "id" in body:  # optional, but when given it is an id (null is not)
        if not isinstance(delivery_id, str) or not DELIVERY_ID_PATTERN.match(delivery_id):
            return _bad_request("invalid_id", "id must be 8-64 url-safe characters.")
        if not current_gateway().deliveries.first_time("web", f"{sender}:{delivery_id}"):
            return jsonify({"messages": [], "duplicate": True})
    return _answer(current_gateway().assistant.text(sender, text))


@webchat.post("/webchat/uploads")
def upload() -> Response:
    """A photo or PDF the user picked, for a claim."""
    sender = _sender(request.form.get("sender"))
    if sender is None:
        return _bad_request(*INVALID_SENDER)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _bad_request("missing_file", "Send the file as multipart field 'file'.")
    content = sent.read()
    incoming = IncomingFile(
        filename=sent.filename, content_type=(sent.mimetype or "application/octet-stream"), content=content
    )
    return _answer(current_gateway().assistant.files(sender, [incoming]))


@webchat.post("/webchat/locations")
def location() -> Response:
    """The user's current place (the widget asks the browser for it)."""
    parsed = _json_and_sender()
    if isinstance(parsed, Response):
        return parsed
    body, sender = parsed
    latitude, longitude = body.get("latitude"), body.get("longitude")
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (latitude, longitude)):
        return _bad_request("invalid_location", "latitude and longitude must be numbers.")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return _bad_request("invalid_location", "latitude and longitude out of range.")
    return _answer(current_gateway().assistant.location(sender, float(latitude), float(longitude)))


@webchat.post("/webchat/updates")
def updates() -> Response:
    """Messages from Aval's staff for this conversation after ``after`` (a cursor from an earlier answer)."""
    parsed = _json_and_sender()
    if isinstance(parsed, Response):
        return parsed
    body, sender = parsed
    after = body.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= bounded_json.MAX_INT:
        return _bad_request("invalid_cursor", "after must be a cursor from an earlier answer.")
    found = shown_in_webchat(current_gateway().deliveries.engine, sender, after)
    return jsonify({
        "messages": [
            {**to_json(TextReply(row.text, buttons_of(row.buttons))), "from_person": label(row.kind, row.staff_name)}
            for row in found
        ],
        "cursor": found[-1].id if found else after,
    })  # fmt: skip
