"""The dispatcher on real Redis: publish per workspace, jobs per event and batch, nothing lost."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest
import redis
from rq import Queue
from rq.job import Job

import workers.runtime
from hub.bootstrap import APPENDED_CHANNEL, Hub, workspace_channel
from hub.events import NewEvent, RecordedEvent, StreamRef
from hub.events.checkpoints import load_checkpoint
from schemas.events import directory as ev
from schemas.events import mergers
from tests.conftest import HubFactory
from workers import reactions
from workers.dispatcher import CHECKPOINT, Dispatcher
from workers.jobs import handle_batch, handle_event


class Listener:
    """A partner-like subscriber on real Redis pub/sub, collecting every message."""

    def __init__(self, client: redis.Redis, *channels: str) -> None:
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(*channels)
        self.messages: list[dict[str, Any]] = []

    def drain(self, until: int, timeout: float = 10.0) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < until and time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.1)
            if message is not None:
                self.messages.append(
                    {"channel": message["channel"].decode(), **json.loads(message["data"])}
                )
        return self.messages


@pytest.fixture
def listener(clean_redis: redis.Redis) -> Iterator[Listener]:
    sub = Listener(clean_redis, workspace_channel("alpha"), workspace_channel("beta"))
    yield sub
    sub.pubsub.close()


def _append(hub: Hub, count: int, workspaces: Sequence[str] = ("alpha",)) -> list[RecordedEvent]:
    recorded = []
    for _ in range(count):
        n = hub.store.head_position() + 1
        workspace_id = f"w{n}-{time.monotonic_ns()}"
        created = ev.WorkspaceCreated(
            workspace_id=workspace_id, name="W", kind="adhoc", area_id="leicestershire"
        )
        result = hub.store.append(
            StreamRef.of("workspace", workspace_id), 0, [NewEvent(created, tuple(workspaces))]
        )
        recorded.extend(result.events)
    return recorded


def test_each_event_is_published_and_reactions_get_a_job_per_event_or_per_batch(
    hub: Hub, listener: Listener
) -> None:
    appended = _append(hub, 3, ("alpha",)) + _append(hub, 2, ("alpha", "beta"))
    made = mergers.MergerMade(merger_id="m1", revision=1, made_on=date(2026, 1, 5),
                              effective_date=date(2026, 4, 1))
    [merger] = hub.store.append(
        StreamRef.of("merger", "m1"), 0, [NewEvent(made, ("alpha",))]
    ).events
    assert Dispatcher(hub).run_once() == 6

    messages = listener.drain(until=8)
    assert len(messages) == 8
    assert [m["id"] for m in messages if m["channel"] == workspace_channel("beta")] == [
        e.event_id for e in appended[3:]
    ]
    assert all({"position", "id", "type", "data"} <= set(m) for m in messages)
    queue = Queue(hub.settings.queue_name, connection=hub.redis)
    # merger.made has a reaction of its own (its effective date is scheduled); workspace events
    # have none but the batch one (webhook fan-out), so they get no job each.
    after, until = appended[0].position - 1, merger.position
    assert sorted(queue.job_ids) == sorted([f"event-{merger.event_id}", f"events-{after}-{until}"])
    job = Job.fetch(f"event-{merger.event_id}", connection=hub.redis)
    assert job.kwargs == {
        "position": merger.position, "event_id": merger.event_id, "batched": True
    }
    batch = Job.fetch(f"events-{after}-{until}", connection=hub.redis)
    assert batch.kwargs == {"after": after, "until": until}
    assert load_checkpoint(hub.engine, CHECKPOINT) == merger.position
    assert Dispatcher(hub).run_once() == 0


def test_a_batch_job_hands_its_reactions_exactly_the_events_of_its_batch(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _append(hub, 2)
    batch = _append(hub, 3)
    seen: list[list[str]] = []
    monkeypatch.setattr(reactions, "_BATCHES", [lambda _hub, events: seen.append(
        [e.event_id for e in events])])
    monkeypatch.setattr(workers.runtime, "_current", hub)
    _append(hub, 1)  # a later event, not the batch's
    assert handle_batch(before[-1].position, batch[-1].position) == 3
    assert seen == [[e.event_id for e in batch]]


def test_an_event_job_queued_before_batch_jobs_existed_runs_the_batch_reactions_too(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    [event] = _append(hub, 1)
    seen: list[list[str]] = []
    monkeypatch.setattr(reactions, "_BATCHES", [lambda _hub, events: seen.append(
        [e.event_id for e in events])])
    monkeypatch.setattr(workers.runtime, "_current", hub)
    handle_event(event.position, event.event_id, batched=True)
    assert seen == []
    handle_event(event.position, event.event_id)  # as an older dispatcher queued it
    assert seen == [[event.event_id]]


class Crash(Exception):
    """Stands in for the process dying between publishing and checkpointing."""


def test_a_crash_between_publish_and_checkpoint_loses_nothing(
    hub: Hub, listener: Listener
) -> None:
    appended = _append(hub, 4)

    def die(_events: Sequence[RecordedEvent]) -> None:
        raise Crash

    with pytest.raises(Crash):
        Dispatcher(hub, before_checkpoint=die).run_once()
    assert load_checkpoint(hub.engine, CHECKPOINT) == 0

    more = _append(hub, 2)
    assert Dispatcher(hub).run_once() == 6

    ids = [m["id"] for m in listener.drain(until=10)]
    # The first four arrive twice (at least once), the rest once; nothing is missing.
    assert set(ids) == {e.event_id for e in appended + more}
    assert [ids.count(e.event_id) for e in appended] == [2, 2, 2, 2]
    positions = [m["position"] for m in listener.messages]
    assert positions[4:] == sorted(positions[4:])


def test_the_dispatcher_is_woken_by_the_commit_notification(
    make_hub: HubFactory, listener: Listener
) -> None:
    # With a one-minute poll, only the post-commit notification can deliver within the wait.
    hub = make_hub(dispatcher_poll_seconds=60.0)
    stop = threading.Event()
    runner = threading.Thread(target=Dispatcher(hub).run, args=(stop,))
    runner.start()
    try:
        time.sleep(0.5)  # let it subscribe and finish its first (empty) round
        appended = _append(hub, 1)
        messages = listener.drain(until=1, timeout=10)
        assert [m["id"] for m in messages] == [appended[0].event_id]
    finally:
        stop.set()
        runner.join(timeout=5)
    assert not runner.is_alive()


def test_only_one_dispatcher_works_at_a_time(hub: Hub, make_hub: HubFactory) -> None:
    from workers.dispatcher import Lease

    first, second = Lease(hub, ttl=5), Lease(make_hub(), ttl=5)
    assert first.hold() and first.hold()
    assert not second.hold()
    first.release()
    assert second.hold()


def test_the_commit_notification_names_the_new_position(hub: Hub) -> None:
    pubsub = hub.redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(APPENDED_CHANNEL)
    time.sleep(0.1)
    [event] = _append(hub, 1)
    deadline = time.monotonic() + 5
    message = None
    while message is None and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
    pubsub.close()
    assert message is not None and int(message["data"]) == event.position
