"""Embedded mode's stand-in: RQ 3 on fakeredis[lua], one in-process server, a thread worker.

These are the facts embedded mode relies on: jobs run, ``enqueue_in`` fires once due, and
``Retry`` retries — all with the worker in a thread of the same process as the enqueuer — and a
job that finds the SQLite file locked is run again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import fakeredis
from rq import Queue, Retry
from sqlalchemy import create_engine, text

from hub.bootstrap import Hub
from hub.migrate import upgrade
from hub.settings import Settings
from workers.worker import run_thread_worker

SERVER = fakeredis.FakeServer()


def _conn() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(server=SERVER)


def note(text: str) -> str:
    """A job: append ``text`` to a list in the shared stand-in."""
    _conn().rpush("notes", text)
    return text


def flaky(text: str) -> str:
    """A job that fails on its first two attempts."""
    if _conn().incr("flaky-attempts") <= 2:
        raise RuntimeError("not yet")
    return note(text)


def write_row(path: str) -> str:
    """A job: write a row to the SQLite file at ``path``, waiting at most 0.1 s for its lock
    (the hub's own connections wait 30 s; the test is not to wait that long)."""
    _conn().incr("write-attempts")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO job_rows VALUES (1)"))
    finally:
        engine.dispose()
    return path


def _wait_for(predicate: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_rq_jobs_delays_and_retries_run_on_the_in_process_stand_in(tmp_path: object) -> None:
    conn = _conn()
    conn.flushall()
    hub = Hub(Settings(data_dir=tmp_path))  # type: ignore[arg-type]
    hub.__dict__["redis"] = conn  # the test's own stand-in server, isolated from other tests
    upgrade(hub.engine)  # as embedded mode does before its worker starts
    queue = Queue("hub", connection=conn)

    stop = threading.Event()
    worker = threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05))
    worker.start()
    try:
        queue.enqueue(note, "now")
        queue.enqueue_in(timedelta(seconds=1), note, "later")
        queue.enqueue(flaky, "retried", retry=Retry(max=3, interval=[0, 1, 1]))

        def notes() -> list[bytes]:
            return cast(list[bytes], conn.lrange("notes", 0, -1))  # responses not decoded

        assert _wait_for(lambda: len(notes()) == 3), notes()
        assert notes()[0] == b"now"
        assert set(notes()) == {b"now", b"later", b"retried"}
        assert int(conn.get("flaky-attempts") or 0) == 3
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_a_job_due_now_runs_within_seconds_after_the_embedded_worker_idled(
    tmp_path: object,
) -> None:
    # Issue 17: an idle embedded worker once ran nothing for a minute. Each of its bursts then
    # started and stopped RQ's command channel, whose stop could wait out a 60 s poll (seen on
    # the stand-in after about 700 idle bursts); bursts no longer open that channel.
    conn = _conn()
    conn.flushall()
    hub = Hub(Settings(data_dir=tmp_path))  # type: ignore[arg-type]
    hub.__dict__["redis"] = conn
    upgrade(hub.engine)
    queue = Queue("hub", connection=conn)

    stop = threading.Event()
    worker = threading.Thread(target=run_thread_worker, args=(hub, stop))  # its own interval
    worker.start()
    try:
        for round_ in range(3):
            time.sleep(2)  # idle: ten empty bursts
            queue.enqueue_at(datetime.now(UTC), note, f"due-{round_}")
            assert _wait_for(lambda r=round_: f"due-{r}".encode() in conn.lrange("notes", 0, -1),
                             timeout=5.0), f"the job due now had not run 5 s later ({round_})"
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_a_job_that_finds_the_database_locked_is_run_again(tmp_path: Path) -> None:
    conn = _conn()
    conn.flushall()
    hub = Hub(Settings(data_dir=tmp_path))
    hub.__dict__["redis"] = conn
    upgrade(hub.engine)
    path = str(tmp_path / "hub.sqlite3")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE job_rows (n INTEGER)")
    queue = Queue("hub", connection=conn)

    stop = threading.Event()
    worker = threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05))
    worker.start()
    try:
        queue.enqueue(note, "started")  # the worker's start-up pass reads and writes the file
        assert _wait_for(lambda: conn.lrange("notes", 0, -1) == [b"started"])
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the file's write lock
        job = queue.enqueue(write_row, path)  # no Retry of its own
        # Failed on the lock, and waiting to run again (not failed for good).
        assert _wait_for(lambda: job.get_status(refresh=True) == "scheduled"), job.get_status()
        holder.execute("COMMIT")
        assert _wait_for(lambda: job.get_status(refresh=True) == "finished"), job.get_status()
        assert int(conn.get("write-attempts") or 0) == 2
        assert holder.execute("SELECT count(*) FROM job_rows").fetchone() == (1,)
    finally:
        stop.set()
        worker.join(timeout=10)
        holder.close()
    assert not worker.is_alive()
