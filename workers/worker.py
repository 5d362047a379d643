"""Running RQ workers: a process of its own in production, or a thread inside embedded mode."""

from __future__ import annotations

import logging
import threading
import time

from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

import workers.jobs  # noqa: F401  (imported at start, not by the first job: it takes a second)
from hub.bootstrap import Hub
from hub.outages import Outage, dependency_down
from workers.runtime import use_hub
from workers.upkeep import QuietRedisRetries, Upkeep, rearm, retry_when_down

log = logging.getLogger("hub.worker")


# How often the command channel's thread looks up from Redis; it bounds how long stopping a
# worker waits for that thread (see HubWorker.subscribe).
COMMAND_POLL_SECONDS = 0.5

JOB_WAIT_SECONDS = 30
"""How long one blocking wait of a worker for a job lasts (RQ then heartbeats and waits again)."""
RQ_WAIT_MARGIN_SECONDS = 15
"""RQ waits ``worker_ttl`` less this for a job (``Worker.dequeue_timeout``)."""


class HubWorker(SimpleWorker):
    """RQ's in-process worker, whose teardown never waits a minute for its command channel.

    Every worker the hub runs, in production, embedded or in tests, is one of these.
    """

    def subscribe(self) -> None:
        """Listen on the worker's command channel, as RQ does, but poll twice a second.

        RQ starts its command thread with ``sleep_time=60``. Once the worker unsubscribes, that
        thread can sit in redis-py's ``PubSub.get_message`` for the whole 60 s, waiting for a
        subscription that will not come. redis-py 8.2 made ``PubSubWorkerThread.stop()`` join
        the thread with no time limit, so RQ's teardown (``unsubscribe``) blocked for up to a
        minute after every burst and on every SIGTERM. A short poll bounds that join with any
        redis-py, at the cost of one idle read a poll.
        """
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ types it None
            sleep_time=COMMAND_POLL_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )


class ThreadWorker(HubWorker):
    """A worker that can live in a non-main thread: no signal handlers, timer-based timeouts.

    It runs in bursts (embedded mode, tests), and nobody sends commands to a burst, so it has
    no command channel: no thread and no Redis connection to start and stop every round.
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        # Signals can only be handled by the main thread; the embedded runner stops us instead.
        pass

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


def _starting(hub: Hub) -> None:
    """Point jobs at ``hub``, and re-arm the scheduled jobs Redis may have lost.

    A start-up reaction that fails is logged and the worker starts all the same: its jobs
    still run, and the next worker to start (or the upkeep's next look) tries again.
    """
    use_hub(hub)
    rearm(hub)


def run_worker(hub: Hub, *, burst: bool = False) -> None:
    """Work the hub's queue in this process, with RQ's scheduler for delayed jobs and retries.

    Jobs run in the worker process itself (no fork per job): they are short database and
    HTTP calls, and a fork per job would cost more than the job. RQ's scheduler runs in the
    :class:`~workers.upkeep.Upkeep` thread (so it dies with this process), and RQ's work
    loop is started again whenever it gives up because Redis went away: only a stop request
    (SIGTERM, SIGINT) or the end of a burst ends this function.
    """
    redis_outage = Outage(log, "redis", "worker")
    logging.getLogger("rq.worker").addFilter(QuietRedisRetries())
    while True:
        try:
            _starting(hub)
            break
        except Exception as error:
            if dependency_down(error) is None:
                raise
            time.sleep(redis_outage.failed(error))
    upkeep = None if burst else Upkeep(hub, redis_outage=redis_outage)
    if upkeep is not None:
        upkeep.start()
    # RQ's wait for a job blocks on Redis on purpose: its connection's socket timeout is that
    # wait plus the usual one (RQ would otherwise raise the timeout of the connection it is
    # given, shared with the jobs, to seven minutes).
    connection = hub.new_redis(waits=JOB_WAIT_SECONDS)
    log.info("event=worker_started queue=%s %s", hub.queue.name, hub.describe())
    try:
        while True:
            # A short maintenance interval lets a replacement worker clean up after a whole
            # worker process group died soon (RQ's default waits ten minutes).
            try:
                # RQ's worker talks to Redis as it is built, so it is built inside the try.
                worker = HubWorker(
                    [hub.queue], connection=connection, maintenance_interval=60,
                    exception_handlers=[retry_when_down],
                    worker_ttl=JOB_WAIT_SECONDS + RQ_WAIT_MARGIN_SECONDS,
                )
                worker.work(burst=burst, with_scheduler=burst, logging_level=hub.settings.log_level)
            except Exception as error:
                if dependency_down(error) is None:
                    raise
                time.sleep(redis_outage.failed(error))
                continue
            # Asked to stop (SIGTERM, SIGINT): RQ notes the time, and ends its loop.
            if burst or worker._shutdown_requested_date is not None:
                return
            # RQ's loop ends on an error it does not handle (a heartbeat to a Redis that has
            # gone away): wait for Redis, then work again.
            while True:
                try:
                    hub.redis.ping()
                    break
                except Exception as error:
                    if dependency_down(error) is None:
                        raise
                    time.sleep(redis_outage.failed(error))
            redis_outage.recovered()
    finally:
        if upkeep is not None:
            upkeep.stop()
        connection.close()


def run_thread_worker(hub: Hub, stop: threading.Event, interval: float = 0.2) -> None:
    """Drain the queue (and due scheduled jobs) repeatedly until ``stop`` is set.

    Each round is an RQ burst with the scheduler, which in burst mode moves due scheduled jobs
    onto the queue in-process instead of forking a scheduler process.

    Its Redis is the in-process stand-in, lost only with the process, so the start-up pass
    re-arms all it can lose: no marker to watch (:class:`~workers.upkeep.Upkeep`). Its
    SQLite file can be locked past the busy timeout by another writer (``hub`` commands run
    beside the server, a backup): such a job is retried like a production worker's
    (:func:`~workers.upkeep.retry_when_down`), never dropped.
    """
    _starting(hub)
    while not stop.is_set():
        worker = ThreadWorker([hub.queue], connection=hub.redis,
                              exception_handlers=[retry_when_down])
        try:
            worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
        except Exception:
            log.exception("event=embedded_worker_round_failed")
        stop.wait(interval)

