"""A live-socket client for fault tests: it counts every frame, and resumes as a client must."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

from tests.e2e.live_server import CURSORS


@dataclass
class CountingSocket:
    """Reads a workspace's events from one web process until stopped.

    On a close it reconnects from the last position it saw, as the protocol asks of clients;
    every event frame's position is kept (opened from its cursor), duplicates included, so
    that the test can count them.
    """

    url: str
    token: str
    workspace: str
    after: int
    positions: list[int] = field(default_factory=list)
    closes: list[int | None] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Start reading in a thread of its own."""
        self.thread.start()

    def finish(self) -> None:
        """Stop reading."""
        self.stop.set()
        self.thread.join(15)

    @property
    def last(self) -> int:
        """The last position seen."""
        return self.positions[-1] if self.positions else self.after

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self._read_one_connection()
            except (OSError, InvalidHandshake, TimeoutError):
                time.sleep(0.2)

    def _read_one_connection(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with connect(self.url, additional_headers=headers, open_timeout=5) as socket:
            socket.send(json.dumps(
                {"type": "subscribe", "workspaces": [self.workspace],
                 "after": CURSORS.of(self.last)}
            ))
            try:
                while not self.stop.is_set():
                    try:
                        message = json.loads(socket.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    if message["type"] == "event":
                        self.positions.append(CURSORS.position(message["position"]))
            except ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)
