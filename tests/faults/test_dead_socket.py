"""A live socket whose client never reads again: the hub cuts it off with its own code, sends
nothing after the close, drops the connection when the close cannot be delivered either, and
gives its memory back.

The client is a raw TCP socket that speaks just enough websocket to subscribe (frames built by
the ``websockets`` library), with a small receive buffer, and then never calls ``recv``.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.frames import Frame, Opcode

from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint
from hub.settings import Settings
from tests.e2e.live_server import CURSORS, LiveServer, append_members, serve
from tests.faults.conftest import RedisServer, wait_until
from workers.dispatcher import CHECKPOINT

WORKSPACE = "csp-safer-leicester"
SEND_TIMEOUT = 2.0
CLOSE_TIMEOUT = 10.0
"""uvicorn's close timeout, after which the hub's protocol aborts an unanswered close."""


@pytest.fixture
def hub_server(
    demo_postgres: str, own_redis: RedisServer, tmp_path: Path
) -> Iterator[LiveServer]:
    """One web process and a dispatcher, with a short send timeout and a small socket queue."""
    hub = Hub(Settings(database_url=demo_postgres, redis_url=own_redis.url, data_dir=tmp_path))
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    yield from serve(
        hub, demo_postgres, own_redis.url, tmp_path, web_processes=1,
        HUB_LIVE_QUEUE_LIMIT="20", HUB_LIVE_SEND_TIMEOUT_SECONDS=str(SEND_TIMEOUT),
        HUB_LOG_LEVEL="INFO",
    )
    hub.close()


def never_reading_socket(url: str, token: str, after: int) -> socket.socket:
    """Open ``/live``, subscribe after ``after``, and hand back a socket nobody will read."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((
        f"GET /live HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)  # one byte at a time: nothing past the handshake is read
    assert answer.startswith(b"HTTP/1.1 101"), answer
    message = json.dumps(
        {"type": "subscribe", "workspaces": [WORKSPACE], "after": CURSORS.of(after)}
    )
    sock.sendall(Frame(Opcode.TEXT, message.encode()).serialize(mask=True, extensions=[]))
    return sock


def connections_to(port: str) -> int:
    """How many established TCP connections the server side of ``port`` holds."""
    listing = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True, text=True, check=True,
    ).stdout
    return len(listing.splitlines())


def rss_kib(pid: int) -> int:
    """A process's resident memory."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.timeout(120)
def test_a_socket_that_never_reads_is_cut_off_dropped_and_forgotten(
    hub_server: LiveServer, tmp_path: Path,
) -> None:
    web = hub_server.processes[1]
    port = hub_server.url.rsplit(":", 1)[1]
    token = hub_server.token("leicester-city-council")
    sock = never_reading_socket(hub_server.url, token, hub_server.hub.store.head_position())
    try:
        wait_until(lambda: connections_to(port) == 1, 10, "the socket is connected")
        time.sleep(1)
        before = rss_kib(web.pid)
        append_members(hub_server.hub, WORKSPACE, 4000, batch=200)
        appended = time.monotonic()
        log = tmp_path / "web0.log"
        cut_off = wait_until(lambda: "event=live_client_too_slow" in log.read_text(),
                             SEND_TIMEOUT + 20, "the hub's cut-off")
        gone = wait_until(lambda: connections_to(port) == 0, CLOSE_TIMEOUT + 10,
                          "the connection dropped")
        dropped_after = time.monotonic() - appended
        after = rss_kib(web.pid)
    finally:
        sock.close()
    text = log.read_text()
    assert "Unexpected ASGI message" not in text
    assert "Exception in ASGI application" not in text
    # 4,000 events of ~600 bytes is ~2.4 MB; the connection held at most its queue (20
    # frames) and the socket buffers, and gave them back when it was dropped.
    assert after - before < 2048, f"the web process grew by {after - before} KiB"
    print(f"\nFAULT dead socket: events=4000 cut_off_s={cut_off:.1f} dropped_after_s="
          f"{dropped_after:.1f} (close wait {gone:.1f}) rss_growth_kib={after - before}")
