"""PostgreSQL stopped (immediate shutdown) for a few seconds under load, then started again.

A PostgreSQL server of the test's own, a web process, a dispatcher and a worker. Commands are
appended all along; a reader tails the log "after N" as partner systems and sockets do. While
the database is down a command gets 503 with ``Retry-After`` and a problem body; afterwards
every acknowledged event is stored once, the tailing reader saw every event (none became
visible behind one it had already seen), and the batches recorded before the outage are run
by the running worker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rq.job import Job, JobStatus
from sqlalchemy import text

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.events import NewEvent, StreamRef
from hub.events.checkpoints import load_checkpoint, unfinished_batches
from hub.migrate import upgrade
from hub.settings import Settings
from schemas.events import directory as ev
from tests.e2e.live_server import LiveServer, serve
from tests.e2e.processes import free_port, start, stop
from tests.faults.conftest import RedisServer, wait_until
from workers.dispatcher import CHECKPOINT
from workers.upkeep import BATCH_RESUME_SECONDS, RETRY_CAP_SECONDS

WORKSPACE = "ws-faults"
OUTAGE_SECONDS = 3.0


class PostgresServer:
    """A PostgreSQL cluster of the test's own, in a temporary directory, on a free port."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        assert found, "PostgreSQL is not installed (scripts/services.sh installs it)"
        self.bin = found[-1]
        # Not pytest's tmp_path: as root the server runs as `postgres`, who cannot enter it.
        self.root = Path(tempfile.mkdtemp(prefix="hub-faults-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = free_port()

    @property
    def url(self) -> str:
        """Its database URL."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        """Create the cluster."""
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.data, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=100")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        """Stop at once, as a crash would (immediate shutdown: no checkpoint)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                  "stop")

    def remove(self) -> None:
        """Stop (if running) and delete the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own."""
    server = PostgresServer()
    server.init()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def production(
    own_postgres: PostgresServer, own_redis: RedisServer, tmp_path: Path
) -> Iterator[tuple[LiveServer, Path]]:
    """A web process, a dispatcher and a worker on the test's own servers."""
    hub = Hub(Settings(database_url=own_postgres.url, redis_url=own_redis.url, data_dir=tmp_path))
    upgrade(hub.engine)
    for server in serve(hub, own_postgres.url, own_redis.url, tmp_path, web_processes=1):
        log = tmp_path / "worker.log"
        worker = start(["worker"], {**server.environment, "HUB_LOG_LEVEL": "INFO"}, log)
        server.processes.append(worker)
        try:
            yield server, log
        finally:
            stop(worker)
    hub.close()


def append_one(hub: Hub, n: int) -> int:
    """One command's event, in a stream of its own; its position."""
    stream = StreamRef.of("workspace", f"{WORKSPACE}-{n}")
    data = ev.WorkspaceMemberAdded(workspace_id=f"{WORKSPACE}-{n}", organisation_id=f"org-{n}")
    [event] = hub.store.append(stream, 0, [NewEvent(data, (WORKSPACE,))]).events
    return event.position


@pytest.mark.timeout(180)
def test_postgres_restarted_under_load_loses_nothing_and_answers_503_meanwhile(
    production: tuple[LiveServer, Path], own_postgres: PostgresServer,
) -> None:
    server, worker_log = production
    hub = server.hub
    wait_until(lambda: "event=scheduler_started" in worker_log.read_text(), 60, "the worker")
    _id, token = hub.accounts.create_client(
        name="faults", organisation_id="leicester-city-council",
        permissions=(Permission.MANAGE_WEBHOOKS,), created_by="test",
    )
    stop_load, stop_tail = threading.Event(), threading.Event()
    acknowledged: list[int] = []
    refused = 0
    seen: list[int] = []

    def load() -> None:
        nonlocal refused
        n = 0
        while not stop_load.is_set():
            n += 1
            try:
                acknowledged.append(append_one(hub, n))
            except Exception:
                refused += 1  # the database is down: the command failed, nothing stored
                time.sleep(0.05)
            time.sleep(0.01)

    def tail() -> None:
        # A partner system's loop: everything after the last position seen, again and again.
        while not stop_tail.is_set():
            try:
                page = hub.store.read_all(seen[-1] if seen else 0, 500, workspaces=[WORKSPACE])
            except Exception:
                time.sleep(0.05)
                continue
            seen.extend(e.position for e in page)
            time.sleep(0.02)

    threads = [threading.Thread(target=load), threading.Thread(target=tail)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        own_postgres.stop()
        down_at = time.monotonic()
        time.sleep(0.5)
        answer = httpx.post(
            server.url + "/api/webhooks", headers={"Authorization": f"Bearer {token}"},
            json={"url": "https://partner.example.org/hooks", "event_types": ["workspace.*"]},
            timeout=10,
        )
        ready = httpx.get(server.url + "/readyz", timeout=10)
        # A job that needs the database, run while it is down: retried, not dropped.
        hub.queue.enqueue("workers.jobs.handle_batch", kwargs={"after": 0, "until": 1},
                          job_id="faults-needs-the-database")
        # A browser's page: the session is looked up in the database.
        page = httpx.get(server.url + "/", cookies={"hub_session": "made-up"}, timeout=10)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
        own_postgres.start()
        time.sleep(2)
    finally:
        stop_load.set()
        threads[0].join(15)
    stored = [e.position for e in hub.store.read_all(0, 100_000, workspaces=[WORKSPACE])]
    try:
        wait_until(lambda: bool(seen) and seen[-1] == stored[-1], 10, "the reader caught up")
    finally:
        stop_tail.set()
        threads[1].join(15)

    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "service.database_unavailable"
    assert ready.status_code == 503 and ready.json()["down"] == ["database"], ready.text
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert "Sorry, the service is unavailable" in page.text
    assert "Nothing was changed" in page.text

    assert len(stored) == len(set(stored))
    assert set(acknowledged) <= set(stored)
    # Tailing "after N" never skipped an event: none became visible behind a later one.
    caught = list(seen)
    assert caught == stored
    # Every batch the dispatcher recorded runs, on the running worker, without a restart.
    head = hub.store.head_position()
    dispatched = wait_until(lambda: load_checkpoint(hub.engine, CHECKPOINT) == head, 30,
                            "the dispatcher caught up")
    batches = wait_until(lambda: not unfinished_batches(hub.engine),
                         BATCH_RESUME_SECONDS + RETRY_CAP_SECONDS, "the recorded batches ran")
    job = Job.fetch("faults-needs-the-database", connection=hub.redis)
    retried = wait_until(lambda: job.get_status() == JobStatus.FINISHED, RETRY_CAP_SECONDS,
                         "the job run again")
    job.refresh()
    assert job.meta["outage_retries"] >= 1
    for process in server.processes:
        assert process.poll() is None, f"{process.args!r} exited with {process.returncode}"
    with hub.engine.connect() as conn:
        positions = conn.execute(text("SELECT count(*), max(position) FROM events")).one()
    gaps = positions[1] - positions[0]
    logs = {p.name: p.read_text() for p in worker_log.parent.glob("*.log")}
    # The dispatcher reads the log all the time; a worker notices only if a job ran meanwhile.
    assert "event=database_lost" in logs["dispatcher.log"]
    assert "event=database_back" in logs["dispatcher.log"]
    print(f"\nFAULT postgres stop {OUTAGE_SECONDS:.0f}s: acknowledged={len(acknowledged)} "
          f"refused={refused} stored={len(stored)} seen_by_tail={len(caught)} "
          f"position_gaps={gaps} jobs_retried={logs['worker.log'].count('job_retry_scheduled')} "
          f"dispatcher_caught_up_s={dispatched:.1f} batches_done_s={batches:.1f} "
          f"job_run_again={job.meta['outage_retries']}x within_s={retried:.1f}")
