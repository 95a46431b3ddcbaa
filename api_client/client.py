"""The one way the assistant (and the channel gateway) reach the Mi Aval API.

Every call has a timeout. Idempotent calls, and POSTs that carry an
``Idempotency-Key``, are retried with backoff when the API is unreachable or
answers 5xx; nothing else is retried, so nothing is done twice. Calls on
behalf of a customer name the chat identity (the Rasa sender id, e.g.
``telegram:123``); the API resolves it to a verified account on every call and
only ever shows that account's clients.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Optional
from urllib.parse import quote

import requests

from api_client.errors import CODE_ERRORS, STATUS_ERRORS, ApiError, BackendUnavailable, NotVerified
from api_client.types import (
    AccountDeleted,
    Attachment,
    CancellationRequest,
    Claim,
    ClaimDraft,
    ClientProfile,
    Document,
    DocumentLink,
    Handoff,
    Insurer,
    Policy,
    Upload,
    User,
    VerificationResult,
    VerificationStarted,
)

IDENTITY_HEADER = "X-Chat-Identity"
RETRY_STATUSES = frozenset({502, 503, 504})


def _segment(value: str) -> str:
    """A path segment: policy numbers may hold spaces or slashes ("LT 5521907")."""
    return quote(str(value), safe="")


class MiAvalClient:
    """A client of the Mi Aval API over HTTP, sharing one connection pool."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        session: Optional[requests.Session] = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    # -- transport ---------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        identity: Optional[str] = None,
        retry: bool,
        json: Any = None,
        params: Optional[dict[str, Any]] = None,
        headers: Optional[dict[str, str]] = None,
        data: Optional[bytes] = None,
    ) -> requests.Response:
        all_headers = dict(headers or {})
        if identity is not None:
            all_headers[IDENTITY_HEADER] = identity
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            last_try = attempt == attempts - 1
            try:
                response = self.session.request(
                    method,
                    self.base_url + path,
                    json=json,
                    params=params,
                    headers=all_headers,
                    data=data,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                if last_try:
                    raise BackendUnavailable("backend_unavailable", type(exc).__name__) from exc
            else:
                status = response.status_code
                if status in RETRY_STATUSES and not last_try:
                    pass  # a gateway or proxy hiccup: try again after the backoff
                elif status >= 500:
                    raise BackendUnavailable("backend_unavailable", f"HTTP {status}", status)
                elif status >= 400:
                    raise self._error(response)
                else:
                    return response
            time.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")

    @staticmethod
    def _error(response: requests.Response) -> ApiError:
        try:
            body = response.json().get("error", {})
        except ValueError:
            body = {}
        error_class = CODE_ERRORS.get(body.get("code")) or STATUS_ERRORS.get(response.status_code, ApiError)
        details = body.get("details") or {}
        if "Retry-After" in response.headers and "retry_after" not in details:
            details["retry_after"] = response.headers["Retry-After"]
        return error_class(body.get("code", "error"), body.get("message", ""), response.status_code, details)

    def _get(self, path: str, identity: Optional[str] = None, **params: Any) -> Any:
        params = {key: value for key, value in params.items() if value is not None}
        return self._request("GET", path, identity=identity, retry=True, params=params).json()

    # -- health and reference data ----------------------------------------

    def health(self) -> bool:
        """True when the API and its database answer."""
        try:
            return self._get("/healthz").get("status") == "ok"
        except ApiError:
            return False

    def list_insurers(self) -> list[Insurer]:
        return [Insurer.from_json(item) for item in self._get("/v1/insurers")["insurers"]]

    # -- identity ------------------------------------------------------------

    def start_verification(self, identity: str, email: str) -> VerificationStarted:
        """E-mail a one-time code to ``email`` for this chat identity."""
        body = self._request(
            "POST", "/v1/verifications", retry=False, json={"chat_identity": identity, "email": email}
        ).json()
        return VerificationStarted(email_masked=body["email_masked"], expires_in_seconds=body["expires_in_seconds"])

    def confirm_verification(self, identity: str, code: str) -> VerificationResult:
        """Check the code; on success the identity is tied to the (possibly new) account."""
        body = self._request(
            "POST", "/v1/verifications/confirm", retry=False, json={"chat_identity": identity, "code": code}
        ).json()
        return VerificationResult(
            user=User.from_json(body["user"]),
            new_account=body["new_account"],
            linked_clients=[ClientProfile.from_json(item) for item in body["linked_clients"]],
        )

    def whoami(self, identity: str) -> Optional[User]:
        """The verified account behind this chat identity, or None."""
        try:
            return User.from_json(self._get("/v1/me", identity)["user"])
        except NotVerified:
            return None

    def email_outbound(self, message_id: int) -> bool:
        """E-mail an outbox message to its customer's verified address (once); whether it went now."""
        body = self._request("POST", f"/v1/outbound/{int(message_id)}/email", retry=True).json()
        return bool(body.get("emailed"))

    def forget_identity(self, identity: str) -> None:
        """Untie this chat identity from its account (sign out)."""
        self._request("DELETE", f"/v1/chat-identities/{_segment(identity)}", retry=True)

    def delete_account(self, identity: str) -> AccountDeleted:
        """Delete the account: its links and chat identities go, client data stays."""
        body = self._request("DELETE", "/v1/me", identity=identity, retry=True).json()
        return AccountDeleted(
            unlinked_clients=body["unlinked_clients"], forgotten_identities=body["forgotten_identities"]
        )

    # -- client profiles -----------------------------------------------------

    def list_clients(self, identity: str) -> list[ClientProfile]:
        return [ClientProfile.from_json(item) for item in self._get("/v1/me/clients", identity)["clients"]]

    def link_client(self, identity: str, document_number: str, policy_number: str) -> ClientProfile:
        """Link a client by DNI/CUIL/CUIT plus the number of one of its policies in force."""
        body = self._request(
            "POST",
            "/v1/me/clients",
            identity=identity,
            retry=False,
            json={"document_number": document_number, "policy_number": policy_number},
        ).json()
        return ClientProfile.from_json(body["client"])

    def unlink_client(self, identity: str, client_id: int) -> ClientProfile:
        """Remove the link; the client profile itself is never deleted."""
        body = self._request("DELETE", f"/v1/me/clients/{client_id}", identity=identity, retry=True).json()
        return ClientProfile.from_json(body["client"])

    # -- policies ------------------------------------------------------------

    def list_policies(
        self, identity: str, client_id: Optional[int] = None, status: Optional[str] = None
    ) -> list[Policy]:
        """Policies of the user's linked clients; ``status`` is active, expired, cancelled or in_force."""
        body = self._get("/v1/me/policies", identity, client_id=client_id, status=status)
        return [Policy.from_json(item) for item in body["policies"]]

    def get_policy(self, identity: str, number: str) -> Policy:
        return Policy.from_json(self._get(f"/v1/me/policies/{_segment(number)}", identity)["policy"])

    def certificate_pdf(self, identity: str, number: str) -> bytes:
        """The coverage certificate of a policy in force (Conflict ``policy_not_in_force`` otherwise)."""
        path = f"/v1/me/policies/{_segment(number)}/certificate"
        return self._request("GET", path, identity=identity, retry=True).content

    # -- documents -----------------------------------------------------------

    def document_link(self, identity: str, kind: str, ref: str) -> DocumentLink:
        """A short-lived token to download a ``certificate`` (ref: policy) or ``claim_receipt`` (ref: claim)."""
        body = self._request(
            "POST", "/v1/me/documents", identity=identity, retry=False, json={"kind": kind, "ref": ref}
        ).json()
        return DocumentLink(
            token=body["token"],
            filename=body["filename"],
            content_type=body["content_type"],
            expires_at=datetime.fromisoformat(body["expires_at"]),
        )

    def fetch_document(self, token: str) -> Document:
        """Download a document by its token (what the channels send as a file)."""
        response = self._request("GET", f"/v1/documents/{_segment(token)}", retry=True)
        disposition = response.headers.get("Content-Disposition", "")
        filename = disposition.split("filename=")[-1].strip('"') if "filename=" in disposition else "documento.pdf"
        return Document(filename=filename, content_type=response.headers["Content-Type"], content=response.content)

    # -- claims --------------------------------------------------------------

    def create_claim(self, identity: str, draft: ClaimDraft, idempotency_key: str) -> Claim:
        """Report a claim. The same ``idempotency_key`` always gives back the same claim."""
        body = self._request(
            "POST",
            "/v1/me/claims",
            identity=identity,
            retry=True,
            json=draft.to_json(),
            headers={"Idempotency-Key": idempotency_key},
        ).json()
        return Claim.from_json(body["claim"])

    def list_claims(self, identity: str) -> list[Claim]:
        return [Claim.from_json(item) for item in self._get("/v1/me/claims", identity)["claims"]]

    def get_claim(self, identity: str, number: str) -> Claim:
        return Claim.from_json(self._get(f"/v1/me/claims/{_segment(number)}", identity)["claim"])

    def upload(self, identity: str, filename: str, content_type: str, content: bytes) -> Upload:
        """Keep a file the user sent (photo, PDF) until it is attached to a claim."""
        body = self._request(
            "POST",
            "/v1/me/uploads",
            identity=identity,
            retry=False,
            data=content,
            headers={"Content-Type": content_type, "X-Filename": quote(filename)},
        ).json()
        return Upload.from_json(body["upload"])

    def attach_upload(self, identity: str, claim_number: str, upload_id: str) -> Attachment:
        """Attach an earlier upload to an existing claim (attaching twice is a no-op)."""
        body = self._request(
            "POST",
            f"/v1/me/claims/{_segment(claim_number)}/attachments",
            identity=identity,
            retry=True,
            json={"upload_id": upload_id},
        ).json()
        return Attachment.from_json(body["attachment"])

    # -- people --------------------------------------------------------------

    def request_handoff(self, identity: str, reason: str, context: dict[str, Any]) -> Handoff:
        """Ask for a person to contact the user; works for unverified identities too."""
        body = self._request(
            "POST",
            "/v1/handoffs",
            retry=False,
            json={"chat_identity": identity, "reason": reason, "context": context},
        ).json()
        return Handoff.from_json(body["handoff"])

    def request_cancellation(
        self, identity: str, policy_number: str, reason: Optional[str] = None
    ) -> CancellationRequest:
        """Record that the verified user asks to cancel one of their policies; asking again returns the open request."""
        body = self._request(
            "POST",
            "/v1/cancellation-requests",
            retry=True,  # idempotent: an open request for the same policy is returned, not repeated
            json={"chat_identity": identity, "policy_number": policy_number, "reason": reason},
        ).json()
        return CancellationRequest.from_json(body["cancellation_request"], created=body["created"])

    def set_news(self, identity: str, opt_out: bool) -> bool:
        """Stop (``opt_out``) or resume the messages Aval sends unasked; the setting now."""
        body = self._request("PUT", "/v1/me/news", identity=identity, retry=True, json={"opt_out": opt_out}).json()
        return bool(body["news"]["opt_out"])
