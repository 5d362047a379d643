"""A real hub (web process + dispatcher process) on a copy of the demo data, for e2e tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.events import NewEvent, StreamRef
from hub.events.cursors import Cursors
from hub.settings import Settings
from schemas.events import directory as ev
from tests.e2e.processes import free_port, hub_env, start, stop, wait_http

CURSORS = Cursors(Settings().cursor_material)
"""The servers' cursors (their environment sets neither ``HUB_CURSOR_KEY`` nor
``HUB_SECRET_KEY``): what a test hands a socket, and how it reads the positions it gets."""

METRICS_TOKEN = "operator-metrics"
"""The servers' ``HUB_METRICS_TOKEN``: what ``/metrics`` and ``/readyz``'s lag need."""


@dataclass
class LiveServer:
    """Running processes and the hub (same database and Redis) the test appends through."""

    hub: Hub
    urls: list[str]
    processes: list[subprocess.Popen[bytes]]
    environment: dict[str, str]
    logs: Path

    @property
    def url(self) -> str:
        """The first web process's base URL."""
        return self.urls[0]

    def ws_url(self, index: int = 0) -> str:
        """The live socket URL of web process ``index``."""
        return self.urls[index].replace("http://", "ws://") + "/live"

    def restart_web(self, index: int) -> None:
        """Start web process ``index`` again on its port (after a test killed it)."""
        port = self.urls[index].rsplit(":", 1)[1]
        process = start(["serve", "--port", port], self.environment,
                        self.logs / f"web{index}-restarted.log")
        self.processes[index + 1] = process
        wait_http(self.urls[index] + "/healthz", timeout=60, process=process)

    def token(self, organisation_id: str, *permissions: Permission) -> str:
        """A fresh API token for an organisation."""
        _id, token = self.hub.accounts.create_client(
            name="test", organisation_id=organisation_id,
            permissions=permissions or (Permission.READ_EVENTS,), created_by="test",
        )
        return token


def serve(
    hub: Hub, database_url: str, redis_url: str, logs: Path, *, web_processes: int = 1,
    **env: str,
) -> Iterator[LiveServer]:
    """Start ``web_processes`` web processes and one dispatcher; stop them afterwards."""
    # ``env`` may override the defaults here (a test that reads INFO lines sets the level).
    environment = hub_env(**{"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                             "HUB_DISPATCHER_POLL_SECONDS": "0.5", "HUB_LOG_LEVEL": "WARNING",
                             "HUB_METRICS_TOKEN": METRICS_TOKEN, **env})
    processes = [start(["dispatcher"], environment, logs / "dispatcher.log")]
    urls = []
    for n in range(web_processes):
        port = free_port()
        processes.append(start(["serve", "--port", str(port)], environment, logs / f"web{n}.log"))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes[1:], strict=True):
            wait_http(url + "/healthz", timeout=60, process=process)
        yield LiveServer(hub, urls, processes, environment, logs)
    finally:
        for process in processes:
            stop(process)


def append_members(
    hub: Hub, workspace_id: str, count: int, *, batch: int = 50,
    area_workspace: str = "area-leicestershire",
) -> list[int]:
    """Append ``count`` member-added events to a workspace, visible there and in
    ``area_workspace``; returns their positions."""
    stream = StreamRef.of("workspace", workspace_id)
    positions: list[int] = []
    version = hub.store.stream_version(stream.id)
    for start_at in range(0, count, batch):
        events = [
            NewEvent(
                ev.WorkspaceMemberAdded(
                    workspace_id=workspace_id, organisation_id=f"test-org-{version}-{i}"
                ),
                (area_workspace, workspace_id),
            )
            for i in range(start_at, min(count, start_at + batch))
        ]
        result = hub.store.append(stream, version, events)
        version = result.version
        positions.extend(e.position for e in result.events)
    return positions
