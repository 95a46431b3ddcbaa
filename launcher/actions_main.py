"""`python -m launcher.actions_main --actions bot.actions --port N`: rasa-sdk's action server, open only to Rasa.

rasa-sdk has no authentication of its own. Its plugin hook
(``attach_sanic_app_extensions``, called on the Sanic app before it serves)
adds one request middleware here: every request but ``GET /health`` must carry
``Authorization: Bearer $ACTION_SERVER_TOKEN`` (Rasa sends it, see
endpoints.yml), or gets 401. Without the token the server refuses to start.
It listens on 127.0.0.1 unless ``SANIC_HOST`` says otherwise. With several workers
(``ACTION_SERVER_WORKERS``), a worker that dies is forked again (launcher/sanic_workers.py).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Optional

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.actions.settings import Settings
from envsettings import name_of
from hop_auth.bearer import bearer_matches
from hop_auth.shared_secrets import ACTION_SERVER_TOKEN, MissingSecret, required_secret

hookimpl = pluggy.HookimplMarker("rasa_sdk")
log = logging.getLogger("launcher.actions_main")


class BearerTokenPlugin:
    """A rasa-sdk plugin: 401 for any request without the bearer token (``/health`` stays open)."""

    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        app.register_middleware(self.check, "request")

    async def check(self, request: Request) -> Optional[HTTPResponse]:
        if request.method == "GET" and request.path == "/health":
            return None
        if bearer_matches(request.headers.get("Authorization"), self.token):
            return None
        log.warning("action server refused an unauthenticated %s %s", request.method, request.path)
        return response.json({"error": "unauthorized"}, status=401)


def main() -> None:
    settings = Settings.from_env()
    try:
        token = required_secret(ACTION_SERVER_TOKEN, settings.action_server_token)
    except MissingSecret as missing:
        raise SystemExit(str(missing)) from None
    # rasa-sdk reads SANIC_HOST itself and would listen on every interface without it.
    os.environ.setdefault(name_of(Settings, "sanic_host"), "127.0.0.1")
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from rasa_sdk.plugin import plugin_manager

    from launcher import sanic_workers

    sanic_workers.install()  # a worker that dies is forked again
    plugin_manager().register(BearerTokenPlugin(token))
    sys.argv[0] = "rasa_sdk"
    rasa_sdk_main()


if __name__ == "__main__":
    main()
