"""A Redis host that drops packets: the hub's Redis calls give up within their time limits,
and each process's outage handling takes over, then recovers once the host answers again.

Without socket timeouts every one of these calls would wait for ever. Production mode: a
dispatcher, a worker and a web process on PostgreSQL (a copy of the demo), with their Redis
behind a :class:`~tests.faults.blackhole.Blackhole`, a loopback relay standing in for the
packet-dropping host (dropping packets for real needs root and would touch the whole machine).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis

from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint
from hub.settings import Settings
from tests.e2e.live_server import LiveServer, append_members, serve
from tests.e2e.processes import start, stop
from tests.faults.blackhole import Blackhole
from tests.faults.conftest import RedisServer, wait_until
from tests.faults.sockets import CountingSocket
from workers.dispatcher import CHECKPOINT

WORKSPACE = "csp-safer-leicester"
TIMEOUT = 1.0
"""The connect and socket timeouts the processes get here (5 s by default)."""
PROCESSES = ("dispatcher.log", "worker.log", "web0.log")


@pytest.fixture
def behind_blackhole(
    demo_postgres: str, own_redis: RedisServer, tmp_path: Path
) -> Iterator[tuple[LiveServer, Blackhole]]:
    """A dispatcher, a worker and a web process whose Redis is behind a blackhole."""
    blackhole = Blackhole(own_redis.port)
    hub = Hub(Settings(
        database_url=demo_postgres, redis_url=blackhole.url, data_dir=tmp_path,
        redis_connect_timeout_seconds=TIMEOUT, redis_socket_timeout_seconds=TIMEOUT,
    ))
    # The demo's events are dispatched already: the test's own are the dispatcher's work.
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    try:
        for server in serve(hub, demo_postgres, blackhole.url, tmp_path,
                            HUB_REDIS_CONNECT_TIMEOUT_SECONDS=str(TIMEOUT),
                            HUB_REDIS_SOCKET_TIMEOUT_SECONDS=str(TIMEOUT)):
            worker = start(["worker"], server.environment, tmp_path / "worker.log")
            server.processes.append(worker)
            try:
                yield server, blackhole
            finally:
                stop(worker)
    finally:
        blackhole.close()
        hub.close()


@pytest.mark.timeout(180)
def test_a_silent_redis_host_is_given_up_on_and_every_process_recovers(
    behind_blackhole: tuple[LiveServer, Blackhole], tmp_path: Path,
) -> None:
    server, blackhole = behind_blackhole
    hub = server.hub
    readyz = server.url + "/readyz"
    wait_until(lambda: hub.redis.exists("hub:rearmed") == 1, 60, "the worker started")
    wait_until(lambda: httpx.get(readyz, timeout=10).status_code == 200, 30, "ready")
    socket = CountingSocket(server.ws_url(), server.token("leicester-city-council"), WORKSPACE,
                            hub.store.head_position())
    socket.start()
    before = append_members(hub, WORKSPACE, 2)
    wait_until(lambda: set(before) <= set(socket.positions), 30, "live events")

    blackhole.silence()
    # A call gives up after its socket timeout, where it would have waited for ever.
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        hub.redis.ping()
    gave_up = time.monotonic() - started
    assert TIMEOUT <= gave_up < TIMEOUT + 1, gave_up
    # The probe answers within its time limit, naming Redis.
    started = time.monotonic()
    answer = httpx.get(readyz, timeout=10)
    probe = time.monotonic() - started
    assert answer.status_code == 503, answer.text
    assert "redis" in answer.json()["down"]
    assert probe < TIMEOUT + 2, probe
    # Every process notices: its outage handling logs the loss.
    lost = wait_until(lambda: all("event=redis_lost" in _log(tmp_path, n) for n in PROCESSES),
                      20, "every process logs the loss")
    # Pages that wait on Redis wait in worker threads, never on the web process's event loop:
    # four sign-ins at once (the throttle asks Redis) each give up after one time limit, side
    # by side. Waiting on the loop, each held every other request, so they took four limits.
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _n: _sign_in_status(server.url), range(4)))
    sign_ins = time.monotonic() - started
    assert statuses == [503] * 4, statuses
    assert sign_ins < 3 * TIMEOUT, sign_ins
    # Commands go on (the log does not need Redis), and are not held a socket timeout each:
    # once a commit's wake-up call finds Redis lost, the next skip it until the outage's
    # next retry (the dispatcher polls meanwhile).
    started = time.monotonic()
    during = [position for _ in range(8) for position in append_members(hub, WORKSPACE, 1)]
    commits = time.monotonic() - started
    assert commits < 3 * TIMEOUT, commits

    blackhole.flow()
    back = wait_until(lambda: all("event=redis_back" in _log(tmp_path, n) for n in PROCESSES),
                      30, "every process logs the return")
    wait_until(lambda: httpx.get(readyz, timeout=10).status_code == 200, 30, "ready again")
    expected = [*before, *during, *append_members(hub, WORKSPACE, 2)]
    caught_up = wait_until(lambda: set(expected) <= set(socket.positions), 30,
                           "the socket has every event")
    socket.finish()
    assert sorted(set(socket.positions)) == expected
    for process in server.processes:
        assert process.poll() is None, f"{process.args!r} exited with {process.returncode}"
    for name in PROCESSES:  # one line lost, one back: not one a retry
        assert _log(tmp_path, name).count("event=redis_lost") == 1, name
    print(f"\nFAULT silent Redis host: call_gave_up_s={gave_up:.2f} readyz_s={probe:.2f} "
          f"eight_commits_s={commits:.2f} four_sign_ins_s={sign_ins:.2f} "
          f"all_lost_s={lost:.1f} all_back_s={back:.1f} socket_caught_up_s={caught_up:.1f}")


def _sign_in_status(url: str) -> int:
    """The status of a sign-in through the form (a wrong password: only the throttle's Redis
    calls are asked of the server before it answers)."""
    with httpx.Client(base_url=url, timeout=30) as browser:
        page = browser.get("/sign-in")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf, page.text
        return browser.post("/sign-in", data={
            "email": "opcc@leicestershire.example.org", "password": "not the password",
            "csrf_token": csrf.group(1), "next": "/",
        }).status_code


def _log(directory: Path, name: str) -> str:
    return (directory / name).read_text()
