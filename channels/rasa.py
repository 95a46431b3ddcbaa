"""Rasa's gateway channel: send one user message, signed, and get the assistant's answers.

The one client of Rasa's input channel: the gateway, ``make chat`` and the
tests all talk to Rasa through ``RasaClient``, which signs every request with
``hop_auth.signing`` (Rasa refuses anything unsigned, stale or replayed).

With several replicas, each sender goes to its home replica
(``channels.routing``) and to the next one in its order only when a replica
cannot have handled the message (connection refused or dropped, HTTP 5xx). A
timeout is not failed over: the replica may still be working on that turn, and
one conversation must never run on two replicas at once.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Optional, Sequence

import requests

from channels.routing import replica_order
from hop_auth.shared_secrets import RASA_CHANNEL_SECRET, required_secret
from hop_auth.signing import CHANNEL_PATH, CONTROL_PATH, SignedRequest, sign_control, sign_message

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) failed, timed out or answered something unreadable."""


class _Refused(Exception):
    """This replica did not handle the message: the next one may."""


class RasaClient:
    """POSTs a signed ``{"sender", "message"}`` to ``{replica}/webhooks/gateway/webhook``.

    ``base_url`` is one Rasa server's URL or a list of replicas' URLs.
    """

    def __init__(
        self,
        base_url: str | Sequence[str],
        secret: str,
        timeout: float,
        session: requests.Session | None = None,
    ):
        replicas = [base_url] if isinstance(base_url, str) else list(base_url)
        if not replicas:
            raise ValueError("no Rasa URL")
        self.replicas = [url.rstrip("/") for url in replicas]
        self.url = self.replicas[0] + CHANNEL_PATH
        self.secret = required_secret(RASA_CHANNEL_SECRET, secret)  # no secret: the gateway does not start
        self.timeout = timeout
        self.session = session or requests.Session()

    def send(
        self, sender_id: str, message: str, timeout: Optional[float] = None, *, payload: bool = False
    ) -> list[dict[str, Any]]:
        """The list of bot messages Rasa answers (may be empty); RasaUnavailable on any failure.

        ``payload=True`` only for an intent the caller vouches for (a button it offered, a fact it
        learned): otherwise a message starting with ``/`` is read by Rasa as the words it is.
        """
        body = self._routed(
            sender_id, CHANNEL_PATH, lambda: sign_message(self.secret, sender_id, message, payload=payload), timeout
        )
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise RasaUnavailable("not a list of messages")
        return body

    def control(
        self, sender_id: str, event: str, *, text: Optional[str] = None, staff_name: Optional[str] = None
    ) -> dict[str, Any]:
        """Act on the conversation on its replica (``bot/gateway_channel.py``: pause, resume, staff_message,
        last_user_message); the JSON answer, RasaUnavailable on any failure."""
        body = self._routed(
            sender_id, CONTROL_PATH, lambda: sign_control(self.secret, sender_id, event, text=text,
                                                          staff_name=staff_name), None,
        )  # fmt: skip
        if not isinstance(body, dict):
            raise RasaUnavailable("not an object")
        return body

    def _routed(
        self, sender_id: str, path: str, signed: Callable[[], SignedRequest], timeout: Optional[float]
    ) -> Any:
        """POST to the sender's home replica, to the next ones only when a replica refused."""
        refused: list[str] = []
        for replica in replica_order(sender_id, self.replicas):
            try:
                # Signed for each replica tried: a nonce is good once, on any replica.
                return self._post(replica + path, signed(), timeout or self.timeout)
            except _Refused as exc:
                refused.append(str(exc))
                log.warning("rasa replica %s refused a request (%s): trying the next one", replica, exc)
        raise RasaUnavailable(", ".join(refused))

    def _post(self, url: str, signed: SignedRequest, timeout: float) -> Any:
        try:
            response = self.session.post(url, data=signed.body, headers=signed.headers, timeout=timeout)
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise _Refused(type(exc).__name__) from exc
            raise RasaUnavailable(type(exc).__name__) from exc  # it may still be answering: no second replica
        except requests.ConnectionError as exc:
            raise _Refused(type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            raise _Refused(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise RasaUnavailable("not JSON") from exc


def inform(**entities: Any) -> str:
    """The message that tells Rasa a fact the channel learned (``/inform{"upload_id": "u1"}``)."""
    return "/inform" + json.dumps(entities, ensure_ascii=False)
