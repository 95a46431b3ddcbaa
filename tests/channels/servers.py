"""Fake Telegram Bot API and Twilio REST API on loopback: what lies outside the machine, faked at HTTP.

Each speaks the documented wire format (Bot API: form fields or multipart,
``{"ok": true, "result": ...}``; Twilio: form-encoded Messages.json, HTTP Basic
auth on media) and records every call so tests can assert on what the real
libraries sent.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from flask import Flask, Response, abort, jsonify, request
from werkzeug.serving import make_server


@dataclass
class Call:
    method: str
    fields: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class _Server:
    def __init__(self, app: Flask):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()


class FakeTelegram(_Server):
    """The Bot API methods the gateway uses, for one bot token."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}  # file_id -> bytes users "sent"
        self.updates: list[dict[str, Any]] = []  # served to getUpdates (polling)
        self.failures: dict[str, int] = {}  # method -> how many next calls answer 500 (an outage)
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        app = Flask("fake-telegram")
        app.add_url_rule("/bot<token>/<method>", view_func=self._method, methods=["POST", "GET"])
        app.add_url_rule("/file/bot<token>/<path:path>", view_func=self._download)
        super().__init__(app)

    # -- recording ---------------------------------------------------------

    def calls_to(self, method: str, chat_id: Optional[int] = None) -> list[Call]:
        with self._lock:
            return [
                call
                for call in self.calls
                if call.method == method and (chat_id is None or str(call.fields.get("chat_id")) == str(chat_id))
            ]

    def texts_to(self, chat_id: int) -> list[str]:
        return [call.fields["text"] for call in self.calls_to("sendMessage", chat_id)]

    def wait_for(self, method: str, chat_id: int, count: int = 1, timeout: float = 20) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method, chat_id)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.calls_to(method, chat_id)

    # -- the API -----------------------------------------------------------

    def _message(self, chat_id: Any, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            **extra,
        }

    def _method(self, token: str, method: str) -> Response:
        if token != self.token:
            return jsonify({"ok": False, "error_code": 401, "description": "Unauthorized"}), 401
        fields: dict[str, Any] = (
            dict(request.form.items()) if request.form else dict(request.get_json(silent=True) or {})
        )
        if "reply_markup" in fields and isinstance(fields["reply_markup"], str):
            fields["reply_markup"] = json.loads(fields["reply_markup"])
        files = {name: (sent.filename or "", sent.read()) for name, sent in request.files.items()}
        with self._lock:
            if self.failures.get(method):
                self.failures[method] -= 1
                return jsonify({"ok": False, "error_code": 500, "description": "Internal Server Error"}), 500
            self.calls.append(Call(method=method, fields=fields, files=files))
        if method == "getMe":
            result: Any = {"id": 4242, "is_bot": True, "first_name": "Mi Aval", "username": "miaval_test_bot"}
        elif method == "sendMessage":
            result = self._message(fields["chat_id"], text=fields.get("text", ""))
        elif method == "sendDocument":
            name = next(iter(files.values()))[0] if files else "documento.pdf"
            result = self._message(
                fields["chat_id"], document={"file_id": "doc1", "file_unique_id": "doc1u", "file_name": name}
            )
        elif method == "sendPhoto":
            result = self._message(
                fields["chat_id"], photo=[{"file_id": "p", "file_unique_id": "pu", "width": 1, "height": 1}]
            )
        elif method in ("answerCallbackQuery", "deleteWebhook", "setWebhook", "editMessageReplyMarkup", "leaveChat"):
            result = True
        elif method == "getFile":
            file_id = fields["file_id"]
            if file_id not in self.files:
                return jsonify({"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}), 400
            result = {
                "file_id": file_id,
                "file_unique_id": file_id + "u",
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}.bin",
            }
        elif method == "getUpdates":
            offset = int(fields.get("offset") or 0)
            result = [update for update in self.updates if update["update_id"] >= offset]
            if not result:
                time.sleep(0.2)  # a short long-poll
        else:
            return jsonify({"ok": False, "error_code": 404, "description": "Not Found: method not found"}), 404
        return jsonify({"ok": True, "result": result})

    def _download(self, token: str, path: str) -> Response:
        file_id = path.rsplit("/", 1)[-1].removesuffix(".bin")
        if token != self.token or file_id not in self.files:
            abort(404)
        return Response(self.files[file_id], mimetype="application/octet-stream")


class FakeTwilio(_Server):
    """Twilio's Messages.json (REST replies) and media URLs (which need the account's Basic auth)."""

    def __init__(self, account_sid: str, auth_token: str):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict[str, Any]] = []
        self.media: dict[str, tuple[str, bytes]] = {}  # name -> (content type, bytes)
        self.media_fetches: list[str] = []
        self.failures = 0  # how many next Messages.json calls answer 503 (an outage)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        app = Flask("fake-twilio")
        app.add_url_rule("/2010-04-01/Accounts/<sid>/Messages.json", view_func=self._create, methods=["POST"])
        app.add_url_rule("/media/<name>", view_func=self._media)
        super().__init__(app)

    def _authorized(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == expected

    def _create(self, sid: str) -> Response:
        if sid != self.account_sid or not self._authorized():
            return jsonify({"code": 20003, "message": "Authenticate", "status": 401}), 401
        form = {key: request.form.getlist(key) if key == "MediaUrl" else value for key, value in request.form.items()}
        with self._lock:
            if self.failures:
                self.failures -= 1
                return jsonify({"code": 20500, "message": "Service unavailable", "status": 503}), 503
            self.messages.append(form)
        message_sid = f"SM{next(self._ids):032d}"
        return jsonify(
            {
                "sid": message_sid,
                "account_sid": sid,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body", ""),
                "status": "queued",
                "num_media": "0",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "date_created": None,
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            }
        ), 201

    def _media(self, name: str) -> Response:
        if not self._authorized() or name not in self.media:
            abort(401 if name in self.media else 404)
        with self._lock:
            self.media_fetches.append(name)
        content_type, content = self.media[name]
        return Response(content, mimetype=content_type)

    def messages_to(self, to: str) -> list[dict[str, Any]]:
        with self._lock:
            return [message for message in self.messages if message.get("To") == to]

    def wait_for(self, to: str, count: int = 1, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages_to(to)) >= count:
                break
            time.sleep(0.05)
        return self.messages_to(to)
