"""The dispatcher: tails the event log after its checkpoint and hands each event on.

For every event, in position order, it publishes the envelope to the Redis channel of each
workspace the event is visible in (live sockets listen there); it enqueues one RQ job per event
that has reactions of its own (schedules, reminders) and one RQ job for the whole batch (webhook
fan-out, see :func:`workers.reactions.on_batches`). Only then does it move its checkpoint. A
crash between the two repeats a batch, never skips one: delivery is at least once, and every
message carries its position and event id so consumers can de-duplicate. The batch is recorded
in the database before its job is queued, and forgotten once the job has run, so a job Redis
loses is run by the next worker to start (:func:`workers.jobs.resume_batches`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence

from redis.client import PubSub
from rq import Queue

from hub.bootstrap import APPENDED_CHANNEL, Hub, workspace_channel
from hub.events.checkpoints import load_checkpoint, record_batch, save_checkpoint
from hub.events.envelope import RecordedEvent
from hub.outages import REDIS_DOWN, Outage, dependency_down
from workers.jobs import batch_job_id, batch_reactions, reactions_for

log = logging.getLogger("hub.dispatcher")

CHECKPOINT = "dispatcher"
LEADER_KEY = "hub:dispatcher:leader"


class Dispatcher:
    """Moves events from the log to Redis channels and the job queue."""

    def __init__(
        self,
        hub: Hub,
        *,
        before_checkpoint: Callable[[Sequence[RecordedEvent]], None] | None = None,
    ) -> None:
        self.hub = hub
        self.batch = hub.settings.dispatcher_batch
        self.poll = hub.settings.dispatcher_poll_seconds
        # A test seam: lets a test crash the dispatcher after publishing, before checkpointing.
        self.before_checkpoint = before_checkpoint

    def run_once(self) -> int:
        """Dispatch one batch after the checkpoint; return how many events it held."""
        after = load_checkpoint(self.hub.engine, CHECKPOINT)
        events = self.hub.store.read_all(after, self.batch)
        if not events:
            return 0
        self._publish(events)
        self._enqueue(events)
        if self.before_checkpoint is not None:
            self.before_checkpoint(events)
        save_checkpoint(self.hub.engine, CHECKPOINT, events[-1].position)
        log.info(
            "event=dispatched count=%d from=%d to=%d",
            len(events), events[0].position, events[-1].position,
        )
        return len(events)

    def _publish(self, events: Sequence[RecordedEvent]) -> None:
        pipe = self.hub.redis.pipeline(transaction=False)
        for event in events:
            message = json.dumps(event.envelope(), separators=(",", ":"))
            for workspace in event.workspaces:
                pipe.publish(workspace_channel(workspace), message)
        pipe.execute()

    def _enqueue(self, events: Sequence[RecordedEvent]) -> None:
        queue: Queue = self.hub.queue
        # Only events with reactions of their own get a job each: RQ's own cost per job is
        # several milliseconds, more than the batch's webhook fan-out costs per event.
        jobs = [
            Queue.prepare_data(
                "workers.jobs.handle_event",
                kwargs={"position": event.position, "event_id": event.event_id, "batched": True},
                job_id=f"event-{event.event_id}",
                description=f"{event.type} @{event.position}",
            )
            for event in events
            if reactions_for(event.type)
        ]
        if batch_reactions():
            after, until = events[0].position - 1, events[-1].position
            record_batch(self.hub.engine, after, until)
            jobs.append(
                Queue.prepare_data(
                    "workers.jobs.handle_batch", kwargs={"after": after, "until": until},
                    job_id=batch_job_id(after, until), description=f"events {after + 1}-{until}",
                )
            )
        if jobs:
            queue.enqueue_many(jobs)

    def lag(self) -> int:
        """How many positions the dispatcher is behind the head of the log."""
        return max(0, self.hub.store.head_position() - load_checkpoint(self.hub.engine, CHECKPOINT))

    def run(self, stop: threading.Event | None = None) -> None:
        """Dispatch until ``stop`` is set: woken by commit notifications, polling as a safety net.

        Only one dispatcher per deployment works at a time; a second one waits, holding a
        Redis lease, until the first one's lapses. Neither Redis nor the database being down
        ends the loop: it logs the loss once, retries with a capped backoff, and logs the
        return. Nothing is skipped meanwhile, since the checkpoint only moves after a batch
        is both published and queued.
        """
        stop = stop or threading.Event()
        redis_outage = Outage(log, "redis", "dispatcher")
        database_outage = Outage(log, "database", "dispatcher", cap=self.poll)
        lease = Lease(self.hub, ttl=self.hub.settings.dispatcher_lease_seconds)
        pubsub: PubSub | None = None
        log.info("event=dispatcher_started %s", self.hub.describe())
        try:
            while not stop.is_set():
                try:
                    if pubsub is None:
                        pubsub = self.hub.redis.pubsub(ignore_subscribe_messages=True)
                        pubsub.subscribe(APPENDED_CHANNEL)
                    held = lease.hold()
                    redis_outage.recovered()
                    if not held:
                        stop.wait(lease.ttl / 3)
                        continue
                    moved = self.run_once()
                    database_outage.recovered()
                    if moved < self.batch:
                        self._wait_for_append(pubsub, stop)
                except Exception as error:
                    down = dependency_down(error)
                    if down == "redis":
                        # A fresh subscription once Redis is back: the old one's connection
                        # is gone, and a lost wake-up costs at most one poll interval.
                        _closed(pubsub)
                        pubsub = None
                        stop.wait(redis_outage.failed(error))
                    elif down == "database":
                        stop.wait(database_outage.failed(error))
                    else:
                        log.exception("event=dispatch_failed; retrying after the poll interval")
                        stop.wait(self.poll)
        finally:
            with contextlib.suppress(*REDIS_DOWN):
                lease.release()
            _closed(pubsub)
            log.info("event=dispatcher_stopped")

    def _wait_for_append(self, pubsub: PubSub, stop: threading.Event) -> None:
        deadline = time.monotonic() + self.poll
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            message = pubsub.get_message(timeout=min(remaining, 0.5))
            if message is not None:
                # Drain whatever else arrived; one batch read covers them all.
                while pubsub.get_message(timeout=0) is not None:
                    pass
                return


class Lease:
    """A renewable Redis lease naming the one active dispatcher."""

    def __init__(self, hub: Hub, ttl: float) -> None:
        self.hub, self.ttl = hub, ttl
        self.token = f"{threading.get_native_id()}-{time.time_ns()}"

    def hold(self) -> bool:
        """Take or renew the lease; False while another dispatcher holds it."""
        r = self.hub.redis
        ms = int(self.ttl * 1000)
        if r.set(LEADER_KEY, self.token, nx=True, px=ms):
            return True
        if r.get(LEADER_KEY) == self.token.encode():
            r.pexpire(LEADER_KEY, ms)
            return True
        return False

    def release(self) -> None:
        """Give the lease up, if it is still ours."""
        r = self.hub.redis
        if r.get(LEADER_KEY) == self.token.encode():
            r.delete(LEADER_KEY)


def _closed(pubsub: PubSub | None) -> None:
    """Close a subscription whose connection may already be gone."""
    if pubsub is not None:
        with contextlib.suppress(Exception):
            pubsub.close()
