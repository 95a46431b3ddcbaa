"""Secrets: who holds which, what the launcher sets, keyed log tags, SMTP over verified TLS, web chat origins, media.

Each ``@pytest.mark.attack`` test is one attack; it passes when the attack is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
import requests
import yaml
from cryptography.fernet import Fernet
from itsdangerous import URLSafeTimedSerializer

from envsettings import names, variables
from launcher.paths import RASA_BIN, ROOT
from launcher.secrets import local_secrets
from launcher.services import UndeclaredVariable, base_env, service_env, start_api
from launcher.settings import SERVICE_SETTINGS, all_variables, generated_names
from tests import media
from tests.channels.conftest import (  # noqa: F401 - fixtures
    fake_telegram,
    fake_twilio,
    gateway,
    unique_whatsapp,
)

LAURAS_CAR = "AU-1048576"  # a policy in force of Laura's (demo/portfolio.yml)


# -- who holds which secret ------------------------------------------------------


@pytest.mark.attack
def test_the_service_token_cannot_mint_a_document_link(demo_api):
    """Whoever holds the API token (the gateway, the actions) tries to forge a certificate link for Laura."""
    # What the API used when it had no key of its own: a key derived from the token.
    derived = hmac.new(b"miaval-derived-secret", demo_api.token.encode(), hashlib.sha256).digest()
    for key in (derived, demo_api.token.encode()):
        forger = URLSafeTimedSerializer(key, salt="miaval-document")
        for user_id in range(1, 30):
            token = forger.dumps({"u": user_id, "k": "certificate", "r": LAURAS_CAR})
            response = requests.get(
                f"{demo_api.url}/v1/documents/{token}",
                headers={"Authorization": f"Bearer {demo_api.token}"},
                timeout=10,
            )
            assert response.status_code == 404, f"forged link for user {user_id} answered {response.status_code}"


@pytest.mark.attack
def test_the_api_refuses_to_start_without_its_own_secret_key(tmp_path):
    """An API deployed without MIAVAL_SECRET_KEY would key codes and links by something others hold."""
    env = base_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}", "MIAVAL_API_TOKEN": "a-service-token"})
    env.pop("MIAVAL_SECRET_KEY", None)
    started = subprocess.run(
        [sys.executable, "-c", "import miaval_api.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode != 0
    assert "MIAVAL_SECRET_KEY" in started.stderr


@pytest.mark.attack
def test_the_api_secret_key_is_given_to_the_api_only(stack, gateway):  # noqa: F811
    """The API's own key is generated, differs from the token, and no other service's environment holds it."""
    key_name = "MIAVAL_SECRET_KEY"
    api_env = stack.api.process.env
    assert api_env.get(key_name), "the launcher gave the API no secret key"
    assert api_env[key_name] != stack.api_token
    for service in (stack.actions, stack.rasa, gateway.process):
        assert key_name not in service.env, f"{service.name} holds the API's secret key"


def _ours() -> set[str]:
    """Every variable any of our processes declares, and the ones they used to be given."""
    return {variable.name for variable in all_variables()} | {"MIAVAL_CODE_SECRET"}


def test_each_running_service_is_given_only_variables_it_reads(stack, gateway):  # noqa: F811
    for service, name in ((stack.api.process, "api"), (stack.actions, "actions"), (stack.rasa, "rasa"),
                          (gateway.process, "gateway")):  # fmt: skip
        never_read = (set(service.env) & _ours()) - names(SERVICE_SETTINGS[name])
        assert not never_read, f"{name} is given {sorted(never_read)}"


def test_the_launcher_refuses_a_variable_the_service_never_reads(tmp_path):
    with pytest.raises(UndeclaredVariable, match="MIAVAL_CODE_SECRET"):
        start_api("sqlite:///unused.db", "token", tmp_path, extra_env={"MIAVAL_CODE_SECRET": "x"})


def test_secrets_env_holds_only_secrets_some_service_reads(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("MIAVAL_API_TOKEN=kept-token-value\nMIAVAL_CODE_SECRET=stale\n")
    values = local_secrets(path)
    written = dict(line.split("=", 1) for line in path.read_text().splitlines())
    assert written == values
    assert values["MIAVAL_API_TOKEN"] == "kept-token-value"
    assert set(values) == set(generated_names())
    every_service_reads = set().union(*(names(cls) for cls in SERVICE_SETTINGS.values()))
    assert set(values) <= every_service_reads
    assert path.stat().st_mode & 0o777 == 0o600


def test_generated_secrets_are_accepted_where_they_go(tmp_path):
    values = local_secrets(tmp_path / "secrets.env")
    # Telegram's setWebhook takes a secret_token of 1-256 characters of A-Z, a-z, 0-9, _ and - only.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", values["TELEGRAM_WEBHOOK_SECRET"])
    # The same for a gateway the launcher starts without one (tests, benchmarks).
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", service_env("gateway", {})["TELEGRAM_WEBHOOK_SECRET"])
    Fernet(values["TRACKER_ENCRYPTION_KEYS"].encode())  # the conversation store seals with it


def test_rasa_declares_exactly_the_variables_of_endpoints_yml():
    text = (ROOT / "endpoints.yml").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    in_file = set(re.findall(r"\$\{(\w+)\}", "\n".join(lines)))
    declared = {variable.name for variable in variables(SERVICE_SETTINGS["rasa"]) if variable.doc == "endpoints.yml"}
    assert in_file == declared
    assert yaml.safe_load(text)  # still a valid file


def test_variables_declared_for_rasa_sdk_are_read_by_rasa_sdk():
    sources = Path(next((ROOT / ".venv-rasa" / "lib").glob("python3*/site-packages/rasa_sdk")))
    text = "\n".join(path.read_text() for path in sources.rglob("*.py"))
    for variable in variables(SERVICE_SETTINGS["actions"]):
        if variable.doc == "read by rasa-sdk":
            assert f'"{variable.name}"' in text, variable.name
    assert RASA_BIN.exists()


# -- keyed log tags ----------------------------------------------------------------


@pytest.mark.attack
def test_a_logged_sender_tag_does_not_give_away_the_phone_number():
    """Brute force: hash candidate phone numbers the way the logs did and compare with a logged tag."""
    from channels import privacy

    phone = "whatsapp:+5491155550101"
    privacy.set_hash_key(os.urandom(16).hex())
    tag = privacy.hashed_sender(phone).split(":", 1)[1]
    for candidate in (phone, phone.removeprefix("whatsapp:"), phone.removeprefix("whatsapp:+")):
        for digest in (hashlib.sha256, hashlib.sha1, hashlib.md5):
            assert not digest(candidate.encode()).hexdigest().startswith(tag)
    # The same key gives the same tag (logs stay searchable); another key, another tag.
    assert privacy.hashed_sender(phone).endswith(tag)
    privacy.set_hash_key(os.urandom(16).hex())
    assert not privacy.hashed_sender(phone).endswith(tag)


def test_the_gateway_gets_a_log_hash_key(gateway):  # noqa: F811
    assert len(gateway.process.env.get("LOG_HASH_KEY", "")) >= 32


# -- web chat origins ----------------------------------------------------------------


@pytest.mark.attack
def test_a_foreign_page_cannot_use_the_web_chat(gateway):  # noqa: F811
    """A page on another site calls the chat API from a visitor's browser."""
    sender = gateway.web_sender()
    foreign = {"Origin": "https://evil.example"}
    preflight = requests.options(
        gateway.url + "/webchat/messages",
        headers={**foreign, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    sent = requests.post(gateway.url + "/webchat/messages", json={"sender": sender, "message": "hola"},
                         headers=foreign, timeout=60)  # fmt: skip
    assert sent.status_code == 403
    assert "Access-Control-Allow-Origin" not in sent.headers


def test_the_gateways_own_page_may_use_the_web_chat(gateway):  # noqa: F811
    sender = gateway.web_sender()
    own = {"Origin": gateway.url}
    sent = requests.post(gateway.url + "/webchat/messages", json={"sender": sender, "message": "hola"},
                         headers=own, timeout=60)  # fmt: skip
    assert sent.status_code == 200
    assert sent.headers["Access-Control-Allow-Origin"] == gateway.url
    assert sent.json()["messages"]


# -- WhatsApp media ------------------------------------------------------------------


class _Listener(ThreadingHTTPServer):
    """An HTTP server on loopback that records the headers of every request (and may redirect them)."""

    def __init__(self, redirect_to: str = "") -> None:
        self.requests: list[dict[str, str]] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                listener.requests.append(dict(self.headers.items()))
                if redirect_to:
                    self.send_response(307)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = media.JPEG
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.shutdown()


@pytest.mark.attack
def test_a_media_url_outside_twilio_gets_no_credentials(gateway, listener):  # noqa: F811
    """A signed webhook names a MediaUrl of the attacker's: the gateway must not send it Twilio's credentials."""
    form = gateway.whatsapp_form(
        unique_whatsapp(), "", NumMedia="1", MediaUrl0=listener.url + "/steal.jpg", MediaContentType0="image/jpeg"
    )
    response = gateway.whatsapp(form)
    assert response.status_code == 200
    assert not any("Authorization" in headers for headers in listener.requests), listener.requests


# -- SMTP over verified TLS --------------------------------------------------------


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost and its key, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mi Aval test SMTP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server(tmp_path, request) -> Iterator[tuple[int, _Inbox, Path]]:
    """A real SMTP server on loopback; with STARTTLS (self-signed certificate) unless the test says ``plain``."""
    import ssl

    from aiosmtpd.controller import Controller

    from launcher.services import free_port

    cert_path, key_path = _certificate(tmp_path)
    inbox = _Inbox()
    port = free_port()
    if getattr(request, "param", "tls") == "plain":
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
    else:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context)
    controller.start()
    yield port, inbox, cert_path
    controller.stop()


def _mailer(port: int, **settings: object):
    from miaval_api.mail import Mailer
    from miaval_api.settings import Settings

    mailer = Mailer(Settings(smtp_host="127.0.0.1", smtp_port=port, **settings))
    return mailer, mailer.build("laura.gomez@example.com", "Tu código de Mi Aval: 123456", "Tu código es 123456.")


@pytest.mark.attack
def test_mail_is_not_handed_to_a_server_with_an_untrusted_certificate(smtp_server):
    """A server (or a man in the middle) presents a certificate nobody vouches for: no code goes to it."""
    import ssl

    port, inbox, _ = smtp_server
    mailer, message = _mailer(port)  # SMTP_STARTTLS and SMTP_CA_FILE left unset
    with pytest.raises(ssl.SSLCertVerificationError):
        mailer.send(message, "verification")
    assert inbox.received == []


@pytest.mark.attack
@pytest.mark.parametrize("smtp_server", ["plain"], indirect=True)
def test_mail_is_not_sent_in_clear_when_starttls_is_stripped(smtp_server):
    """A man in the middle removes STARTTLS from the server's answer: no code goes out in clear text."""
    import smtplib

    port, inbox, _ = smtp_server
    mailer, message = _mailer(port)
    with pytest.raises(smtplib.SMTPNotSupportedError):
        mailer.send(message, "verification")
    assert inbox.received == []


def test_mail_goes_over_tls_to_a_server_trusted_through_the_ca_file(smtp_server):
    port, inbox, cert_path = smtp_server
    mailer, message = _mailer(port, smtp_ca_file=str(cert_path))
    mailer.send(message, "verification")
    assert len(inbox.received) == 1
    assert b"123456" in inbox.received[0]


def test_a_redirect_from_twilio_is_followed_without_credentials(stack, fake_twilio, fake_telegram, listener, tmp_path):  # noqa: F811
    """Twilio answers media with a redirect to storage: only Twilio itself gets the account's credentials."""
    from tests.channels.conftest import _start

    twilio = _Listener(redirect_to=listener.url + "/stored.jpg")
    started = _start(stack, fake_twilio, fake_telegram, tmp_path, TWILIO_API_BASE_URL=twilio.url)
    try:
        form = started.whatsapp_form(
            unique_whatsapp(), "", NumMedia="1", MediaUrl0=twilio.url + "/media/ME1", MediaContentType0="image/jpeg"
        )
        assert started.whatsapp(form).status_code == 200
    finally:
        started.process.stop()
        twilio.shutdown()
    assert [("Authorization" in headers) for headers in twilio.requests] == [True]
    assert [("Authorization" in headers) for headers in listener.requests] == [False]


def test_the_environment_is_read_only_through_the_declarations():
    """No module of a process reads the environment itself: every variable goes through a settings class."""
    # services.py hands the environment to child processes; actions_main.py hands SANIC_HOST to rasa-sdk;
    # rasa_main.py hands Rasa TensorFlow's thread counts (declared in bot/rasa_settings.py).
    allowed = {ROOT / "envsettings.py", ROOT / "launcher" / "services.py", ROOT / "launcher" / "actions_main.py",
               ROOT / "launcher" / "rasa_main.py"}  # fmt: skip
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("api_client", "bot", "channels", "launcher", "miaval_api")
        for path in (ROOT / package).rglob("*.py")
        if path not in allowed and re.search(r"os\.environ|getenv\(", path.read_text())
    ]
    assert offenders == []
