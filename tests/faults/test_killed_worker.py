"""kill -9 of a worker in the middle of a webhook delivery, with the production sweep interval.

Nothing of the killed worker lives on (its RQ scheduler was a thread of it), the worker started
in its place holds the scheduler within seconds, and the orphaned delivery is sent again within
the bound the README states (the lease, one sweep interval and the first retry's wait).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint
from hub.settings import Settings
from hub.webhooks.config import LEASE_GRACE, WebhookConfig
from tests.e2e.live_server import LiveServer, serve
from tests.e2e.processes import HUB, ROOT, stop
from tests.e2e.test_webhooks_delivery import CITY_CSP, _ok, append, register
from tests.faults.conftest import RedisServer, wait_until
from tests.integration.test_webhooks_receiver import running
from workers.dispatcher import CHECKPOINT

TIMEOUT_SECONDS = 2.0
ENVIRONMENT = {
    "HUB_WEBHOOKS_ALLOW_HTTP": "1",
    "HUB_WEBHOOKS_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
    "HUB_WEBHOOK_BACKOFF": "0,5,300",  # the production schedule's first two waits
    "HUB_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    "HUB_PUBLIC_URL": "http://hub.test.example:8000",
}


@pytest.fixture
def hub_server(
    demo_postgres: str, own_redis: RedisServer, tmp_path: Path
) -> Iterator[LiveServer]:
    """A web process and a dispatcher; the test starts the workers."""
    hub = Hub(Settings(database_url=demo_postgres, redis_url=own_redis.url, data_dir=tmp_path))
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    yield from serve(hub, demo_postgres, own_redis.url, tmp_path, web_processes=1, **ENVIRONMENT)
    hub.close()


def start_worker(server: LiveServer, log: Path) -> subprocess.Popen[bytes]:
    """``hub worker`` in a process group of its own (so that the test can see it all end)."""
    handle = log.open("ab")
    env = {**server.environment, "HUB_LOG_LEVEL": "INFO"}
    return subprocess.Popen([*HUB, "worker"], cwd=ROOT, env=env, stdout=handle,
                            stderr=handle, start_new_session=True)


def logged_at(log: str, marker: str) -> datetime:
    """When the first line holding ``marker`` was logged."""
    line = next(line for line in log.splitlines() if marker in line)
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")


def group_alive(group: int) -> bool:
    """True while any process of the process group ``group`` exists."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(150)
def test_a_killed_worker_leaves_nothing_running_and_its_delivery_is_resent_in_time(
    hub_server: LiveServer, tmp_path: Path,
) -> None:
    bound = WebhookConfig.from_env().sweep_every + TIMEOUT_SECONDS + LEASE_GRACE.seconds + 5
    first_log, second_log = tmp_path / "w1.log", tmp_path / "w2.log"
    first = start_worker(hub_server, first_log)
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: "event=scheduler_started" in first_log.read_text(), 60,
                   "the first worker's scheduler")
        with running(stall_first=threading.Event()) as receiver:
            register(hub_server, receiver)
            event = append(hub_server.hub, CITY_CSP)
            assert receiver.arrived.wait(30), "the first attempt never reached the receiver"
            first.send_signal(signal.SIGKILL)  # mid-request: the receiver holds the POST
            first.wait(10)
            killed_at = time.monotonic()
            # Its scheduler was a thread of it: nothing of the worker's group outlives it.
            assert not group_alive(first.pid)

            second = start_worker(hub_server, second_log)
            wait_until(lambda: "event=scheduler_started" in second_log.read_text(), 30,
                       "the second worker's scheduler")
            wait_until(lambda: _ok(receiver, event.event_id), bound + 10, "the re-sent event")
            resent_after = time.monotonic() - killed_at
        ids = [d.headers["webhook-id"] for d in receiver.deliveries]
        assert ids == [event.event_id] * 2  # the held attempt, then the one the sweep made
        assert receiver.processed == [event.event_id]
    finally:
        for process in (first, second):
            if process is not None:
                stop(process)
    log = second_log.read_text()
    taken = re.search(r"event=scheduler_lock_taken_over from=\S+/(\d+)/", log)
    assert taken is not None and int(taken.group(1)) == first.pid, log[-2000:]
    # Counted from the new worker's start (its own log), not from its launch: importing the
    # hub takes seconds of its own on a busy machine.
    scheduler_after = (logged_at(log, "event=scheduler_started")
                       - logged_at(log, "event=worker_started")).total_seconds()
    assert scheduler_after < 3, f"the new worker had no scheduler for {scheduler_after:.1f} s"
    assert resent_after < bound, f"re-sent after {resent_after:.1f} s (bound {bound:.0f} s)"
    print(f"\nFAULT worker kill -9: group_left=0 scheduler_after_s={scheduler_after:.1f} "
          f"resent_after_s={resent_after:.1f} bound_s={bound:.0f} deliveries={len(ids)} "
          f"processed={len(receiver.processed)}")
