"""Stopping an RQ worker never waits on its command channel (issue 17).

redis-py 8.2 made ``PubSubWorkerThread.stop()`` wait for the thread without a limit, and RQ's
command thread can sit a whole minute in ``get_message`` once unsubscribed. Every burst then
risked a 60 s teardown; on a real Redis server it happened on the second burst.
"""

from __future__ import annotations

import threading
import time

import redis
from rq import Queue

from workers.worker import HubWorker, ThreadWorker

# Far below the 60 s hang, far above a healthy teardown, so a slow machine cannot fail it.
STOP_LIMIT_SECONDS = 10.0


def noop() -> None:
    """A job that does nothing."""


def _burst(worker: HubWorker) -> None:
    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")


def test_stopping_the_command_channel_does_not_wait_out_its_poll(
    clean_redis: redis.Redis,
) -> None:
    worker = HubWorker([Queue("stops", connection=clean_redis)], connection=clean_redis)
    worker.subscribe()
    assert worker.pubsub is not None
    deadline = time.monotonic() + STOP_LIMIT_SECONDS
    while not worker.pubsub.subscribed and time.monotonic() < deadline:
        time.sleep(0.01)
    # The state the race leads to: the channel is unsubscribed before the thread is told to
    # stop, so the thread goes back to waiting for a subscription, for one poll.
    worker.pubsub.unsubscribe()
    time.sleep(0.3)
    started = time.monotonic()
    worker.unsubscribe()
    assert time.monotonic() - started < STOP_LIMIT_SECONDS / 2, "stopping waited out the poll"
    assert worker.pubsub_thread is not None
    assert not worker.pubsub_thread.is_alive()


def test_a_hub_worker_with_a_command_channel_stops_every_burst_at_once(
    clean_redis: redis.Redis,
) -> None:
    queue = Queue("stops", connection=clean_redis)
    for _ in range(10):
        for _ in range(3):
            queue.enqueue(noop)
        # HubWorker keeps RQ's command channel (production workers take commands), so this
        # subscribes and unsubscribes a real pub/sub connection each round. It installs signal
        # handlers, as production does, so it runs in the main thread.
        started = time.monotonic()
        _burst(HubWorker([queue], connection=clean_redis))
        assert time.monotonic() - started < STOP_LIMIT_SECONDS, "the worker's teardown hung"
    assert queue.finished_job_registry.count == 30


def test_a_thread_worker_burst_opens_no_command_channel(clean_redis: redis.Redis) -> None:
    queue = Queue("stops", connection=clean_redis)
    queue.enqueue(noop)
    worker = ThreadWorker([queue], connection=clean_redis)
    before = threading.active_count()
    thread = threading.Thread(target=_burst, args=(worker,))
    thread.start()
    thread.join(STOP_LIMIT_SECONDS)
    assert not thread.is_alive(), "the worker's teardown hung"
    assert worker.pubsub_thread is None
    assert threading.active_count() == before
    assert queue.finished_job_registry.count == 1
