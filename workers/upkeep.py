"""What keeps a worker process useful through outages, beside RQ's own work loop.

- **Re-arming** (:func:`rearm`): the start-up reactions (:func:`workers.reactions.on_start`:
  scheduled jobs, the webhook sweep, recorded batches) run as a worker starts and again
  whenever Redis has lost its data. The pass leaves a marker key (:data:`REARMED_KEY`); a
  Redis restarted without its data has no marker, and the next worker to look (every
  :data:`MARKER_CHECK_SECONDS`) re-arms. One worker does it at a time (:data:`REARMING_KEY`).
- **Recorded batches** whose job failed, or was lost, are run again every
  :data:`BATCH_RESUME_SECONDS` by a running worker, not only by the next one to start.
- **RQ's scheduler** (what moves due scheduled jobs and retries onto the queue) runs in a
  thread of the worker, not in a child process: it dies with its worker, even under
  ``kill -9``. A worker that finds the scheduler lock held by a dead process of its own host
  takes it over at once, instead of waiting up to 61 s for the lock to lapse.
- **Jobs that fail because a dependency is down** (:func:`retry_when_down`) are scheduled
  again with a capped backoff, as often as it takes: they are never dropped for it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from types import TracebackType
from typing import Any

from redis import Redis
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.scripts import release_lock

from hub.bootstrap import Hub
from hub.outages import Outage, dependency_down
from workers.jobs import resume_batches
from workers.reactions import start_reactions

log = logging.getLogger("hub.worker")

REARMED_KEY = "hub:rearmed"
"""Present while Redis holds what the last re-arming pass scheduled; gone with Redis's data."""
REARMING_KEY = "hub:rearming"
"""Held (with a time to live) by the worker re-arming, so that only one does at a time."""
REARMING_LEASE_SECONDS = 300
MARKER_CHECK_SECONDS = 2.0
BATCH_RESUME_SECONDS = 15.0
RETRY_CAP_SECONDS = 30
"""The longest wait between two runs of a job failing because a dependency is down."""


def rearm(hub: Hub) -> int:
    """Run every start-up reaction, logging each; how many jobs they scheduled in all.

    A reaction that fails is logged and the others run all the same. The marker is set only
    when every one succeeded, so that a pass cut short by an outage is tried again.
    """
    total, failed = 0, False
    for reaction in start_reactions():
        started = time.perf_counter()
        try:
            armed = reaction(hub)
        except Exception:
            failed = True
            log.exception("event=resume_failed reaction=%s", _name(reaction))
        else:
            total += armed
            took = (time.perf_counter() - started) * 1000
            log.info("event=resumed reaction=%s scheduled=%d ms=%.0f", _name(reaction), armed,
                     took)
    if not failed:
        hub.redis.set(REARMED_KEY, "1")
    return total


def rearm_if_lost(hub: Hub) -> bool:
    """Re-arm if Redis has lost the marker (and no other worker is at it); True if it did."""
    if hub.redis.exists(REARMED_KEY):
        return False
    token = uuid.uuid4().hex
    if not hub.redis.set(REARMING_KEY, token, nx=True, ex=REARMING_LEASE_SECONDS):
        return False
    try:
        # Redis lost its data, or the last pass could not finish (a reaction failed).
        log.warning("event=rearming reason=marker_missing")
        rearm(hub)
    finally:
        release_lock(hub.redis, REARMING_KEY, token)
    return True


class QuietRedisRetries(logging.Filter):
    """Drops RQ's line per retry of a lost Redis connection (one a second or two, at ERROR):
    the worker logs the outage once when it starts and once when it ends (:class:`Upkeep`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for RQ's "could not connect to Redis instance … retrying" lines."""
        return "could not connect to Redis instance" not in record.getMessage()


def retry_when_down(job: Job, _type: type[BaseException], error: BaseException,
                    _tb: TracebackType | None) -> bool:
    """An RQ exception handler: a job that failed because Redis or the database was down is
    scheduled to run again, after 1, 2, 4 … up to :data:`RETRY_CAP_SECONDS` seconds.

    RQ calls exception handlers before it decides between failing and retrying a job, so one
    more retry granted here is taken at once. Other errors are left to RQ (True: the next
    handler runs).
    """
    down = dependency_down(error)
    if down is None:
        return True
    runs = int(job.meta.get("outage_retries", 0)) + 1
    job.meta["outage_retries"] = runs
    wait = min(RETRY_CAP_SECONDS, 2 ** (runs - 1))
    job.retries_left = 1
    job.retry_intervals = [wait]
    log.warning("event=job_retry_scheduled job=%s dependency=%s in=%ds retries=%d",
                job.id, down, wait, runs)
    return True


class Upkeep:
    """A worker's background thread: the scheduler, the re-arming marker, recorded batches."""

    def __init__(self, hub: Hub, *, tick: float = 1.0, redis_outage: Outage | None = None) -> None:
        self.hub = hub
        self.tick = tick
        # Shared with the worker's own loop, so that one outage is one line lost, one back.
        self.redis_outage = redis_outage or Outage(log, "redis", "worker")
        self.stop_event = threading.Event()
        self.scheduler = RQScheduler(
            [hub.queue], connection=hub.redis, logging_level=hub.settings.log_level,
            name=f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}",
        )
        self.thread = threading.Thread(target=self.run, name="worker-upkeep", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self.thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and give up the scheduler lock."""
        self.stop_event.set()
        self.thread.join(timeout)

    def run(self) -> None:
        """Tick until stopped, riding out outages of Redis and the database."""
        redis_outage = self.redis_outage
        database_outage = Outage(log, "database", "worker", cap=RETRY_CAP_SECONDS)
        next_marker = next_batches = time.monotonic()
        wait = self.tick
        while not self.stop_event.wait(wait):
            wait = self.tick
            try:
                self.schedule()
                now = time.monotonic()
                if now >= next_marker:
                    next_marker = now + MARKER_CHECK_SECONDS
                    rearm_if_lost(self.hub)
                redis_outage.recovered()
                if now >= next_batches:
                    next_batches = now + BATCH_RESUME_SECONDS
                    resume_batches(self.hub)
                database_outage.recovered()
            except Exception as error:
                down = dependency_down(error)
                if down == "redis":
                    wait = redis_outage.failed(error)
                elif down == "database":
                    wait = database_outage.failed(error)
                else:
                    log.exception("event=upkeep_failed")
        self._release()

    def schedule(self) -> None:
        """Hold the scheduler lock (taking it from a dead worker), and queue what is due."""
        scheduler = self.scheduler
        if not scheduler.acquired_locks:
            if not scheduler.acquire_locks() and not self._take_from_the_dead():
                return
            log.info("event=scheduler_started name=%s", scheduler.name)
        scheduler.heartbeat()
        scheduler.enqueue_scheduled_jobs()

    def _take_from_the_dead(self) -> bool:
        """Take the scheduler lock from a worker of this host that died holding it."""
        connection: Redis = self.hub.redis
        key = RQScheduler.get_locking_key(self.hub.queue.name)
        value = connection.get(key)
        holder = value.decode() if isinstance(value, bytes) else value
        if holder is None or not _dead_here(holder):
            return False
        release_lock(connection, key, holder)
        log.warning("event=scheduler_lock_taken_over from=%s", holder)
        return bool(self.scheduler.acquire_locks())

    def _release(self) -> None:
        try:
            self.scheduler.release_locks()
        except Exception as error:
            log.warning("event=scheduler_lock_not_released error=%r", error)


def _dead_here(name: str) -> bool:
    """True if scheduler ``name`` (``host/pid/random``) was a process of this host now gone."""
    parts = name.rsplit("/", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _name(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', fn)}"
