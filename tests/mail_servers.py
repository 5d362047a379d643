"""Real mail servers for the tests: an SMTP server (``aiosmtpd``) speaking STARTTLS and AUTH,
and a stand-in for the GOV.UK Notify API (the real one cannot be reached from a test).

The SMTP server's certificate is made by ``openssl`` for 127.0.0.1 and trusted through
``HUB_SMTP_CA_FILE``, as an operator would trust a private relay's.
"""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.e2e.processes import free_port

USERNAME, PASSWORD = "hub", "relay-password"


@dataclass
class Received:
    """One message the server accepted: its envelope and its parsed MIME."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What the SMTP server received; ``refuse`` makes it refuse every message."""

    received: list[Received] = field(default_factory=list)
    refuse: bool = False
    logins: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    """The hub's environment variables pointing at this server (for processes a test runs)."""

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [r.message for r in self.received if address in r.recipients]


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = directory / "smtp.crt", directory / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@contextmanager
def smtp_server(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server requiring STARTTLS and AUTH, and the hub's settings pointed at it."""
    import ssl

    cert, key = certificate(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()

    def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode(), data.password.decode()) == (USERNAME, PASSWORD)
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        auth_required=True, authenticator=authenticate,
    )
    controller.start()
    inbox.settings = {
        "HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": str(port), "HUB_SMTP_STARTTLS": "1",
        "HUB_SMTP_USERNAME": USERNAME, "HUB_SMTP_PASSWORD": PASSWORD,
        "HUB_SMTP_CA_FILE": str(cert), "HUB_MAIL_FROM": "Partnership Hub <hub@hub.example.org>",
    }
    for name, value in inbox.settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HUB_NOTIFY_API_KEY", raising=False)
    try:
        yield inbox
    finally:
        controller.stop()


NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY_KEY = f"hub_test-{NOTIFY_SERVICE_ID}-{NOTIFY_SECRET}"
NOTIFY_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@dataclass
class NotifyStandIn:
    """What the Notify stand-in was asked to send, and the tokens it checked."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def notify_stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyStandIn]:
    """A local HTTP server answering ``POST /v2/notifications/email`` as Notify does (a JWT
    signed with the key's secret, issued by the service), and the hub pointed at it."""
    port = free_port()
    stand_in = NotifyStandIn(f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, NOTIFY_SECRET, algorithms=["HS256"])
            except jwt.PyJWTError:
                self._answer(403, {"errors": [{"error": "AuthError"}]})
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stand_in.requests.append({"path": self.path, "iss": claims["iss"], **body})
            self._answer(201, {"id": f"notify-{len(stand_in.requests)}",
                               "reference": body.get("reference")})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HUB_NOTIFY_API_KEY", NOTIFY_KEY)
    monkeypatch.setenv("HUB_NOTIFY_TEMPLATE_ID", NOTIFY_TEMPLATE)
    monkeypatch.setenv("HUB_NOTIFY_BASE_URL", stand_in.url)
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
