"""A partner's webhook receiver on 127.0.0.1, as the webhook tests use it, and its own tests.

It does what a partner system does with off-the-shelf libraries: verifies each delivery with
``standardwebhooks`` (``Webhook(secret).verify``), parses the body with the CNCF
``cloudevents`` SDK (v2 API: ``cloudevents.core.bindings.http``), de-duplicates on
``webhook-id``, and answers the CloudEvents validation handshake. Tests script its failures.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hub.webhooks.signing import new_secret, signature_header


@dataclass
class Delivery:
    """One POST the receiver got."""

    headers: dict[str, str]
    body: bytes
    verified_by: list[int]
    """Indexes of the receiver's secrets that verify the delivery (each checked on its own)."""
    event: Any = None
    status: int = 0


@dataclass
class Receiver:
    """A webhook receiver; set ``secrets`` once the hub has issued them."""

    secrets: list[str] = field(default_factory=list)
    fail_first: int = 0
    status: int = 204
    response_body: bytes = b""
    response_headers: dict[str, str] = field(default_factory=dict)
    handshake: str = "allow"
    """``allow`` (echo the origin), ``star``, ``missing`` (200 without consent), ``wrong``,
    ``405`` (no OPTIONS support)."""
    stall_first: threading.Event | None = None
    """When set, the first POST waits until this event is set (or the receiver stops)."""
    delay: float = 0.0
    """Seconds every POST takes before it is answered (a slow partner system)."""
    deliveries: list[Delivery] = field(default_factory=list)
    handshakes: list[dict[str, str]] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    """Event ids processed once each: the receiver de-duplicates on ``webhook-id``."""
    arrived: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """Where the receiver listens."""
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        """Listen on a free loopback port, serving each request in a thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and release any stalled request."""
        self._stopping.set()
        if self.stall_first is not None:
            self.stall_first.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wait_for(self, predicate: Callable[[Receiver], bool], timeout: float = 30.0) -> bool:
        """Poll until ``predicate(self)`` holds; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if predicate(self):
                    return True
            time.sleep(0.05)
        return False

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """Handle one POST: verify, parse, de-duplicate; the status to answer."""
        delivery = Delivery(headers, body, self._verified_by(headers, body))
        with self._lock:
            self.deliveries.append(delivery)
            number = len(self.deliveries)
        if delivery.verified_by:
            delivery.event = from_http_event(HTTPMessage(headers=headers, body=body))
            with self._lock:
                if headers["webhook-id"] not in self.processed:
                    self.processed.append(headers["webhook-id"])
        self.arrived.set()
        if number == 1 and self.stall_first is not None:
            self.stall_first.wait(60)
        if self.delay:
            time.sleep(self.delay)
        if not delivery.verified_by:
            delivery.status = 401
        elif number <= self.fail_first:
            delivery.status = 500
        else:
            delivery.status = self.status
        return delivery.status

    def _verified_by(self, headers: dict[str, str], body: bytes) -> list[int]:
        verified = []
        for index, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified.append(index)
        return verified


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = receiver.receive(headers, body)
            self._answer(status, receiver.response_body, receiver.response_headers)

        def do_OPTIONS(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.handshakes.append(headers)
            origin = headers.get("webhook-request-origin", "")
            mode = receiver.handshake
            if mode == "405":
                self._answer(405, b"", {"Allow": "POST"})
                return
            allowed = {"allow": origin, "star": "*", "wrong": "someone-else.example"}.get(mode)
            extra = {"Allow": "POST"}
            if allowed is not None:
                extra |= {"WebHook-Allowed-Origin": allowed, "WebHook-Allowed-Rate": "*"}
            self._answer(200, b"", extra)

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def running(**options: Any) -> Iterator[Receiver]:
    """A started receiver, stopped afterwards."""
    receiver = Receiver(**options).start()
    try:
        yield receiver
    finally:
        receiver.stop()


def _signed(secret: str, body: bytes, message_id: str = "evt-1") -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "content-type": "application/cloudevents+json; charset=utf-8",
        "webhook-id": message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header([secret], message_id, timestamp, body),
    }


BODY = json.dumps({
    "specversion": "1.0", "id": "evt-1", "source": "urn:partnership-hub:workspace",
    "type": "workspace.member_added", "time": "2026-11-24T09:00:00Z",
    "datacontenttype": "application/json", "data": {"a": 1}, "position": 7,
}).encode()


def test_the_receiver_accepts_a_correctly_signed_cloudevent_once() -> None:
    secret = new_secret()
    with running(secrets=[secret]) as receiver:
        for _ in range(2):
            answer = httpx.post(receiver.url, content=BODY, headers=_signed(secret, BODY))
            assert answer.status_code == 204
    assert receiver.processed == ["evt-1"]
    event = receiver.deliveries[0].event
    assert event.get_type() == "workspace.member_added"
    assert event.get_extension("position") == 7


def test_the_receiver_refuses_a_tampered_body_or_a_wrong_secret() -> None:
    secret = new_secret()
    with running(secrets=[secret]) as receiver:
        headers = _signed(secret, BODY)
        assert httpx.post(receiver.url, content=BODY + b" ", headers=headers).status_code == 401
        other = _signed(new_secret(), BODY)
        assert httpx.post(receiver.url, content=BODY, headers=other).status_code == 401
    assert receiver.processed == []
