"""Running RQ workers: a process of its own in production, or a thread inside embedded mode."""

from __future__ import annotations

import logging
import threading
import time

from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

import workers.jobs  # noqa: F401  (imported at start, not by the first job: it takes a second)
from hub.bootstrap import Hub
from workers.reactions import start_reactions
from workers.runtime import use_hub

log = logging.getLogger("hub.worker")


# How often the command channel's thread looks up from Redis; it bounds how long stopping a
# worker waits for that thread (see HubWorker.subscribe).
COMMAND_POLL_SECONDS = 0.5


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
    still run, and the next worker to start tries the re-arming again.
    """
    use_hub(hub)
    for reaction in start_reactions():
        started = time.perf_counter()
        try:
            armed = reaction(hub)
        except Exception:
            log.exception("event=resume_failed reaction=%s", _name(reaction))
        else:
            took = (time.perf_counter() - started) * 1000
            log.info("event=resumed reaction=%s scheduled=%d ms=%.0f", _name(reaction), armed,
                     took)


def run_worker(hub: Hub, *, burst: bool = False) -> None:
    """Work the hub's queue in this process, with RQ's scheduler for delayed jobs and retries.

    Jobs run in the worker process itself (no fork per job): they are short database and
    HTTP calls, and a fork per job would cost more than the job.
    """
    _starting(hub)
    # A short maintenance interval lets a replacement worker take over RQ's scheduler soon
    # after a whole worker process group died (RQ's default waits ten minutes).
    worker = HubWorker([hub.queue], connection=hub.redis, maintenance_interval=60)
    log.info("event=worker_started queue=%s %s", hub.queue.name, hub.describe())
    worker.work(burst=burst, with_scheduler=True, logging_level=hub.settings.log_level)


def run_thread_worker(hub: Hub, stop: threading.Event, interval: float = 0.2) -> None:
    """Drain the queue (and due scheduled jobs) repeatedly until ``stop`` is set.

    Each round is an RQ burst with the scheduler, which in burst mode moves due scheduled jobs
    onto the queue in-process instead of forking a scheduler process.
    """
    _starting(hub)
    while not stop.is_set():
        worker = ThreadWorker([hub.queue], connection=hub.redis)
        try:
            worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
        except Exception:
            log.exception("event=embedded_worker_round_failed")
        stop.wait(interval)


def _name(fn: object) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', fn)}"
