"""Webhooks end to end: real web, dispatcher and worker processes, a real receiver.

The receiver (on 127.0.0.1, allow-listed here) verifies every delivery with the
``standardwebhooks`` library and parses it with the CNCF ``cloudevents`` SDK, as a partner
would. Backoff and timeouts are shortened through the same environment variables operators use.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.events import NewEvent, RecordedEvent, StreamRef
from hub.events.checkpoints import save_checkpoint
from schemas.events import directory as ev
from tests.e2e.live_server import LiveServer, serve
from tests.e2e.processes import HUB, ROOT, hub_env, stop
from tests.integration.test_webhooks_receiver import Receiver, running
from workers.dispatcher import CHECKPOINT

CITY = "leicester-city-council"
CITY_CSP = "csp-safer-leicester"
BOARD = "leicestershire-rutland-strategy-board"
ORIGIN = "hub.test.example"
WEBHOOK_ENV = {
    "HUB_WEBHOOKS_ALLOW_HTTP": "1",
    "HUB_WEBHOOKS_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
    "HUB_WEBHOOK_BACKOFF": "0,0.2,0.2,0.2",
    "HUB_WEBHOOK_TIMEOUT_SECONDS": "2",
    "HUB_WEBHOOK_SWEEP_SECONDS": "0.5",
    "HUB_PUBLIC_URL": f"http://{ORIGIN}:8000",
    "HUB_METRICS_TOKEN": "metrics-secret",
}
_keys = itertools.count(1)


@pytest.fixture
def server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    # Start the dispatcher past the demo data: these tests are about the events they append.
    save_checkpoint(demo_hub.engine, CHECKPOINT, demo_hub.store.head_position())
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path, web_processes=1,
                     **WEBHOOK_ENV)


@pytest.fixture
def workers(
    demo_database_url: str, redis_url: str, tmp_path: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Worker processes the test starts (each in a session of its own), all ended after."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        stop(process)
        # A worker killed with SIGKILL leaves its RQ scheduler child running: end it too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def start_worker(
    started: list[subprocess.Popen[bytes]], database_url: str, redis_url: str, log: Path
) -> subprocess.Popen[bytes]:
    """``python -m hub.cli worker`` as a real process, in a session of its own."""
    env = hub_env(DATABASE_URL=database_url, REDIS_URL=redis_url, HUB_LOG_LEVEL="INFO",
                  **WEBHOOK_ENV)
    handle = log.open("ab")
    process = subprocess.Popen([*HUB, "worker"], cwd=ROOT, env=env, stdout=handle,
                               stderr=handle, start_new_session=True)
    started.append(process)
    return process


def register(
    server: LiveServer, receiver: Receiver, **body: Any
) -> tuple[dict[str, Any], httpx.Client]:
    """Register the receiver through the API with a manage_webhooks token."""
    token = server.token(CITY, Permission.MANAGE_WEBHOOKS)
    api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
    answer = api.post("/api/webhooks", json={
        "url": receiver.url, "description": "Case system", "event_types": ["workspace.*"],
        **body,
    })
    assert answer.status_code == 201, answer.text
    created = answer.json()
    receiver.secrets.append(created["secret"])
    return created, api


def append(hub: Hub, *workspaces: str) -> RecordedEvent:
    key = f"e2e-hooks-{next(_keys)}"
    data = ev.WorkspaceMemberAdded(workspace_id=key, organisation_id="test-partner")
    [event] = hub.store.append(
        StreamRef.of("workspace", key), 0, [NewEvent(data, tuple(workspaces))]
    ).events
    return event


def _ok(receiver: Receiver, event_id: str) -> bool:
    return any(
        d.headers.get("webhook-id") == event_id and 200 <= d.status < 300
        for d in receiver.deliveries
    )


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt(
    server: LiveServer, workers: list[subprocess.Popen[bytes]], demo_database_url: str,
    redis_url: str, tmp_path: Path,
) -> None:
    start_worker(workers, demo_database_url, redis_url, tmp_path / "worker.log")
    with running(fail_first=3) as receiver:
        created, api = register(server, receiver)
        event = append(server.hub, CITY_CSP)
        assert receiver.wait_for(lambda r: _ok(r, event.event_id)), receiver.deliveries
    assert [d.status for d in receiver.deliveries] == [500, 500, 500, 204]
    assert {d.headers["webhook-id"] for d in receiver.deliveries} == {event.event_id}
    assert receiver.processed == [event.event_id]
    delivered = receiver.deliveries[-1]
    assert delivered.event.get_id() == event.event_id
    assert delivered.event.get_type() == "workspace.member_added"
    assert delivered.event.get_data() == event.data
    assert delivered.event.get_dataschema() == (
        f"http://{ORIGIN}:8000/schemas/events/workspace.member_added.v1.json"
    )
    assert delivered.headers["webhook-request-origin"] == ORIGIN
    log = api.get(f"/api/webhooks/{created['endpoint_id']}/messages").json()["items"]
    assert [a["outcome"] for a in log[0]["attempt_log"]] == ["failed"] * 3 + ["delivered"]
    metrics = httpx.get(
        server.url + "/metrics", headers={"Authorization": "Bearer metrics-secret"}
    ).text
    assert "hub_webhook_delivered_total 1.0" in metrics
    assert "hub_webhook_retried_total 3.0" in metrics


def test_a_worker_killed_mid_delivery_is_replaced_and_the_event_arrives_once(
    server: LiveServer, workers: list[subprocess.Popen[bytes]], demo_database_url: str,
    redis_url: str, tmp_path: Path,
) -> None:
    with running(stall_first=threading.Event()) as receiver:
        created, api = register(server, receiver)
        first = start_worker(workers, demo_database_url, redis_url, tmp_path / "w1.log")
        event = append(server.hub, CITY_CSP)
        assert receiver.arrived.wait(30), "the first attempt never reached the receiver"
        first.send_signal(signal.SIGKILL)  # mid-request: the receiver is still holding it
        first.wait(10)
        start_worker(workers, demo_database_url, redis_url, tmp_path / "w2.log")
        assert receiver.wait_for(lambda r: _ok(r, event.event_id), timeout=60), (
            (tmp_path / "w2.log").read_text()[-3000:]
        )
    assert [d.headers["webhook-id"] for d in receiver.deliveries] == [event.event_id] * 2
    assert receiver.processed == [event.event_id]  # de-duplicated on webhook-id: seen once
    [message] = api.get(f"/api/webhooks/{created['endpoint_id']}/messages").json()["items"]
    assert message["status"] == "delivered"
    assert [a["outcome"] for a in message["attempt_log"]] == ["abandoned", "delivered"]


def test_a_worker_killed_mid_group_loses_no_event_of_the_group(
    server: LiveServer, workers: list[subprocess.Popen[bytes]], demo_database_url: str,
    redis_url: str, tmp_path: Path,
) -> None:
    with running(stall_first=threading.Event()) as receiver:
        created, api = register(server, receiver)
        first = start_worker(workers, demo_database_url, redis_url, tmp_path / "w1.log")
        # One commit, so one dispatcher batch: the three go out in one job, claimed together.
        key = f"e2e-hooks-{next(_keys)}"
        events = server.hub.store.append(StreamRef.of("workspace", key), 0, [
            NewEvent(ev.WorkspaceMemberAdded(workspace_id=key, organisation_id=f"partner-{n}"),
                     (CITY_CSP,))
            for n in range(3)
        ]).events
        assert receiver.arrived.wait(30), "the first attempt never reached the receiver"
        first.send_signal(signal.SIGKILL)  # the first POST is held; the other two unsent
        first.wait(10)
        start_worker(workers, demo_database_url, redis_url, tmp_path / "w2.log")
        assert receiver.wait_for(
            lambda r: all(_ok(r, e.event_id) for e in events), timeout=60
        ), (tmp_path / "w2.log").read_text()[-3000:]
    ids = [d.headers["webhook-id"] for d in receiver.deliveries]
    assert ids.count(events[0].event_id) == 2  # the held attempt, then its retry
    assert sorted(receiver.processed) == sorted(e.event_id for e in events)
    log = api.get(f"/api/webhooks/{created['endpoint_id']}/messages").json()["items"]
    assert sorted(m["event_id"] for m in log) == sorted(e.event_id for e in events)
    for message in log:
        assert message["status"] == "delivered"
        assert [a["outcome"] for a in message["attempt_log"]] == ["abandoned", "delivered"]


def test_events_of_another_area_or_outside_the_scope_are_never_delivered(
    server: LiveServer, workers: list[subprocess.Popen[bytes]], demo_database_url: str,
    redis_url: str, tmp_path: Path,
) -> None:
    start_worker(workers, demo_database_url, redis_url, tmp_path / "worker.log")
    with running() as everywhere, running() as scoped:
        register(server, everywhere)
        register(server, scoped, workspace_ids=[BOARD])
        welsh = append(server.hub, "area-dyfed-powys", "csp-carmarthenshire-csp")
        blaby = append(server.hub, "csp-blaby-csp")
        city = append(server.hub, CITY_CSP)
        board = append(server.hub, BOARD)
        assert everywhere.wait_for(lambda r: _ok(r, board.event_id))
        assert scoped.wait_for(lambda r: _ok(r, board.event_id))
    assert everywhere.processed == [city.event_id, board.event_id]
    assert scoped.processed == [board.event_id]
    for receiver in (everywhere, scoped):
        seen = {d.headers["webhook-id"] for d in receiver.deliveries}
        assert not seen & {welsh.event_id, blaby.event_id}


def test_after_a_rotation_two_signatures_are_sent_and_each_verifies(
    server: LiveServer, workers: list[subprocess.Popen[bytes]], demo_database_url: str,
    redis_url: str, tmp_path: Path,
) -> None:
    start_worker(workers, demo_database_url, redis_url, tmp_path / "worker.log")
    with running() as receiver:
        created, api = register(server, receiver)
        rotated = api.post(f"/api/webhooks/{created['endpoint_id']}/rotate-secret").json()
        receiver.secrets.append(rotated["secret"])
        event = append(server.hub, CITY_CSP)
        assert receiver.wait_for(lambda r: _ok(r, event.event_id))
    delivered = receiver.deliveries[-1]
    assert len(delivered.headers["webhook-signature"].split(" ")) == 2
    assert delivered.verified_by == [0, 1]  # the old secret and the new, each on its own


def test_the_validation_handshake_passes_and_fails_as_the_spec_says(
    server: LiveServer,
) -> None:
    outcomes = {}
    for mode in ("allow", "star", "missing", "wrong", "405"):
        with running(handshake=mode) as receiver:
            created, api = register(server, receiver)
            outcomes[mode] = (created["state"], created["validation"]["error"])
            assert receiver.handshakes[0]["webhook-request-origin"] == ORIGIN
            assert receiver.deliveries == []
            if mode == "wrong":
                receiver.handshake = "allow"
                retried = api.post(f"/api/webhooks/{created['endpoint_id']}/handshake").json()
                assert retried["state"] == "active"
    assert outcomes["allow"] == ("active", None) and outcomes["star"] == ("active", None)
    assert outcomes["missing"][0] == "pending" and "200" in outcomes["missing"][1]
    assert outcomes["wrong"][0] == "pending" and "someone-else.example" in outcomes["wrong"][1]
    assert outcomes["405"][0] == "pending" and "405" in outcomes["405"][1]


@pytest.fixture
def guarded_server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path,
                     HUB_WEBHOOKS_ALLOW_HTTP="1")


def test_internal_addresses_are_refused_when_loopback_is_not_allow_listed(
    guarded_server: LiveServer,
) -> None:
    token = guarded_server.token(CITY, Permission.MANAGE_WEBHOOKS)
    with running() as receiver:
        for url in ("http://169.254.169.254/", "http://10.0.0.1/",
                    f"http://localhost:{receiver.port}/hooks"):
            answer = httpx.post(
                guarded_server.url + "/api/webhooks", json={"url": url, "event_types": ["*"]},
                headers={"Authorization": f"Bearer {token}"}, timeout=30,
            )
            assert answer.status_code == 422, (url, answer.text)
            assert answer.json()["code"] == "webhook.url_not_allowed"
        assert receiver.handshakes == []
