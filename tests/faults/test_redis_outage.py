"""Redis restarted without its data, twice, then the dispatcher killed, under load: nothing is
lost, and nothing exits but the process killed.

Production mode: a dispatcher, a worker and two web processes on PostgreSQL (a copy of the
demo) and a Redis server of the test's own, which it kills and starts again empty. Events
are appended all along; four sockets (two per web process) count every frame.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint, unfinished_batches
from hub.settings import Settings
from hub.webhooks.delivery import SWEEP_JOB
from tests.e2e.live_server import METRICS_TOKEN, LiveServer, append_members, serve
from tests.e2e.processes import start, stop
from tests.e2e.test_webhooks_delivery import register
from tests.faults.conftest import RedisServer, wait_until
from tests.faults.sockets import CountingSocket
from tests.integration.test_webhooks_receiver import Receiver, running
from workers.dispatcher import CHECKPOINT

WORKSPACE = "csp-safer-leicester"
WEBHOOKS = {
    "HUB_WEBHOOKS_ALLOW_HTTP": "1",
    "HUB_WEBHOOKS_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
    # A short sweep: a message whose delivery job Redis lost is re-queued two sweeps late.
    "HUB_WEBHOOK_SWEEP_SECONDS": "1",
}
OUTAGE_SECONDS = 2.0


@pytest.fixture
def production(
    demo_postgres: str, own_redis: RedisServer, tmp_path: Path
) -> Iterator[tuple[LiveServer, object]]:
    """Two web processes, a dispatcher and a worker, on the demo copy and the test's Redis."""
    hub = Hub(Settings(database_url=demo_postgres, redis_url=own_redis.url, data_dir=tmp_path))
    # The demo's events are dispatched already: what Redis holds scheduled is then exactly
    # what a worker arms as it starts, with no reactions to old events beside it.
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    # A short lease: the dispatcher started after a kill -9 waits for the dead one's to lapse.
    for server in serve(hub, demo_postgres, own_redis.url, tmp_path, web_processes=2,
                        HUB_DISPATCHER_LEASE_SECONDS="3", **WEBHOOKS):
        worker = start(["worker"], server.environment, tmp_path / "worker.log")
        server.processes.append(worker)
        try:
            yield server, worker
        finally:
            stop(worker)
    hub.close()


SWEEP_RUN = re.compile(r"^webhooks-sweep-\d+$")


def scheduled(hub: Hub) -> list[tuple[str, str]]:
    """What Redis holds scheduled (reminders, deadlines, the sweep, …): each job's id and
    function, sorted. Re-arming must arm the very jobs Redis lost, under the same ids, so a
    job armed twice, or under a new id, shows. The sweep's id names its next run (a moment
    that moves on), so it stands as ``webhooks-sweep``: one chain, never two."""
    ids = ScheduledJobRegistry(queue=hub.queue).get_job_ids()
    found = []
    for job_id, job in zip(ids, Job.fetch_many(ids, connection=hub.redis), strict=True):
        if job is not None:
            found.append((SWEEP_RUN.sub("webhooks-sweep", job_id), str(job.func_name)))
    return sorted(found)


def server_lag(server: LiveServer) -> int:
    """The dispatcher's lag, as the first web process reports it."""
    answer = httpx.get(server.url + "/readyz", timeout=5,
                       headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    return int(answer.json().get("dispatcher_lag", -1))


# Start-up (a demo copy, four processes) dominates: the outages themselves take 8 s.
@pytest.mark.timeout(180)
def test_redis_restarted_empty_twice_loses_nothing(
    production: tuple[LiveServer, object], own_redis: RedisServer, tmp_path: Path,
) -> None:
    server, _worker = production
    with running() as receiver:
        register(server, receiver)
        _faults_under_load(server, own_redis, tmp_path, receiver)


def _faults_under_load(
    server: LiveServer, own_redis: RedisServer, tmp_path: Path, receiver: Receiver
) -> None:
    hub = server.hub
    wait_until(lambda: hub.redis.exists("hub:rearmed") == 1, 60, "the worker re-armed")
    wait_until(lambda: server_lag(server) == 0 and hub.queue.count == 0, 60, "all dispatched")
    # The load's webhooks start the sweep chain, which then runs for good. Started before the
    # count, it is in both counts (the first runs counted 31 jobs before and 32 after: this
    # chain, not a job re-armed twice).
    [first] = append_members(hub, WORKSPACE, 1)
    [first_event] = hub.store.read_all(first - 1, 1)
    wait_until(lambda: first_event.event_id in receiver.processed, 60, "a first webhook")
    wait_until(lambda: ("webhooks-sweep", SWEEP_JOB) in scheduled(hub), 30, "the sweep armed")
    jobs_before = scheduled(hub)
    assert len(jobs_before) > 10

    head = hub.store.head_position()
    token = server.token("leicester-city-council")
    sockets = [
        CountingSocket(server.ws_url(index), token, WORKSPACE, head)
        for index in (0, 1) for _ in range(2)
    ]
    for socket in sockets:
        socket.start()
    wait_until(lambda: all(s.thread.is_alive() for s in sockets), 5, "sockets started")
    time.sleep(1)

    stop_load = threading.Event()
    appended: list[int] = []

    def load() -> None:
        # Commands go on during the outages: the log does not need Redis.
        while not stop_load.is_set():
            appended.extend(append_members(hub, WORKSPACE, 5, batch=5))
            time.sleep(0.05)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    readiness: list[dict[str, Any]] = []
    try:
        for _bounce in range(2):
            time.sleep(2)
            own_redis.kill()
            time.sleep(OUTAGE_SECONDS / 2)
            readiness.append(httpx.get(server.url + "/readyz", timeout=5).json())
            time.sleep(OUTAGE_SECONDS / 2)
            own_redis.start()
        time.sleep(2)
        # And kill -9 of the dispatcher, mid-load: its replacement resumes from the checkpoint.
        server.processes[0].kill()
        server.processes[0].wait(10)
        server.processes[0] = start(["dispatcher"], server.environment,
                                    tmp_path / "dispatcher-restarted.log")
        time.sleep(2)
    finally:
        stop_load.set()
        loader.join(10)

    events = hub.store.read_all(head, 100_000, workspaces=[WORKSPACE])
    expected = [e.position for e in events]
    assert expected == appended
    caught_up = wait_until(
        lambda: all(set(expected) <= set(s.positions) for s in sockets), 30,
        "every socket has every event",
    )
    for socket in sockets:
        socket.finish()

    # Nothing exited; every process said once that it lost Redis, and once that it was back.
    for process in server.processes:
        assert process.poll() is None, f"{process.args!r} exited with {process.returncode}"
    logs = {path.name: path.read_text() for path in tmp_path.glob("*.log")}
    for name in ("dispatcher.log", "worker.log", "web0.log", "web1.log"):
        assert "event=redis_lost" in logs[name], name
        assert "event=redis_back" in logs[name], name
    assert "could not connect to Redis instance" not in logs["worker.log"]  # RQ's, per retry
    assert all(r["status"] == "unready" and "redis" in r["down"] for r in readiness), readiness

    # What Redis lost is armed again, by the running worker, without a restart.
    # The very same jobs, under the same ids: none lost, none doubled, none new. (A job
    # retried after the outage may wait in the registry for a moment, hence the wait.)
    try:
        rearmed = wait_until(lambda: scheduled(hub) == jobs_before, 30, "the same jobs re-armed")
    except AssertionError:
        assert scheduled(hub) == jobs_before  # names the jobs that differ
        raise
    jobs_after = scheduled(hub)
    assert len(re.findall(r"event=rearming reason=marker_missing", logs["worker.log"])) >= 1
    wait_until(lambda: not unfinished_batches(hub.engine), 30, "recorded batches run")
    # Every event reached the partner system: at least once, and once after de-duplication.
    event_ids = {e.event_id for e in events}
    delivered = wait_until(lambda: event_ids <= set(receiver.processed), 60,
                           "every event's webhook")
    webhooks = [d.headers["webhook-id"] for d in receiver.deliveries]

    # Every socket: every event, in order; a duplicate only where a close made it resume.
    for socket in sockets:
        unique = sorted(set(socket.positions))
        assert unique == expected
        assert all(a < b for a, b in zip(socket.positions, socket.positions[1:], strict=False))
    print(
        f"\nFAULT redis x2 + dispatcher kill -9: events={len(expected)} frames="
        f"{[len(s.positions) for s in sockets]} duplicates="
        f"{[len(s.positions) - len(set(s.positions)) for s in sockets]} closes="
        f"{[s.closes for s in sockets]} scheduled_before={len(jobs_before)} "
        f"scheduled_after={len(jobs_after)} webhooks={len(webhooks)} "
        f"webhook_duplicates={len(webhooks) - len(set(webhooks))} delivered_s={delivered:.1f} "
        f"caught_up_s={caught_up:.1f} rearmed_s={rearmed:.1f}"
    )
