"""Meeting schedules on real Redis and RQ: reminders, the automatic "held", action reminders.

A reschedule moves the jobs, a cancel removes them, and a job for a superseded time does
nothing even if it runs. With a fake clock running a little before a meeting, a worker sends
the reminder and marks the meeting held after its end, once each.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from rq.exceptions import NoSuchJobError

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.demo.load import load_demo
from hub.domain.meetings import LONDON
from hub.events.checkpoints import save_checkpoint
from hub.handlers import meetings as h
from hub.projections.meetings import get_meeting
from tests.clocks import ShiftedClock
from tests.unit.test_meetings import committed_schema_accepts
from workers import meetings as jobs
from workers.dispatcher import CHECKPOINT, Dispatcher
from workers.runtime import use_hub
from workers.worker import ThreadWorker, run_thread_worker

OFFICE = "leicestershire-opcc"
START = datetime(2027, 1, 14, 10, 0)  # wall-clock, London (GMT)
START_AT = datetime(2027, 1, 14, 10, 0, tzinfo=UTC)
END_AT = START_AT + timedelta(hours=2)


def office() -> Actor:
    """A user of the Leicestershire office."""
    return Actor(user_id="u-office", organisation_id=OFFICE, area_ids=frozenset({"leicestershire"}))


def isolated(make_hub: Callable[..., Hub], redis_url: str) -> Hub:
    """A hub with an RQ queue of its own, in a Redis database other than the shared one.

    Test runs on one machine share the test Redis server; their fixtures empty database 0 and
    their workers take jobs from the queue "hub". Another database and a queue named for this
    test keep those flushes and workers away from this test's scheduled jobs.
    """
    database = os.getpid() % 15 + 1
    return make_hub(redis_url=f"{redis_url.rsplit('/', 1)[0]}/{database}",
                    queue_name=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def clocked(make_hub: Callable[..., Hub], redis_url: str) -> Iterator[tuple[Hub, ShiftedClock]]:
    """A hub on a fake clock in November 2026, its demo loaded and dispatched."""
    hub = isolated(make_hub, redis_url)
    clock = ShiftedClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    hub.clock = clock
    load_demo(hub, progress=False)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    use_hub(hub)
    yield hub, clock


def react(hub: Hub) -> None:
    """Dispatch new events and run their reactions, as the dispatcher and a worker would."""
    dispatcher = Dispatcher(hub)
    while dispatcher.run_once():
        pass
    # A thread worker installs no signal handlers, so pytest keeps its own.
    ThreadWorker([hub.queue], connection=hub.redis).work(burst=True, logging_level="WARNING")


def scheduled(hub: Hub) -> dict[str, datetime]:
    """Scheduled job ids and when RQ will run them."""
    registry = hub.queue.scheduled_job_registry
    times: dict[str, datetime] = {}
    for job_id in registry.get_job_ids():
        try:
            times[job_id] = registry.get_scheduled_time(job_id)
        except NoSuchJobError:
            # A worker cancelled it since the listing (seen once in a fresh clone's run).
            continue
    return times


def convene(hub: Hub, start: datetime, end: datetime) -> str:
    """The office convenes a reg 14A meeting at wall-clock ``start`` to ``end``."""
    return h.convene_meeting(
        hub, office(), kind="reg_14a", title="Serious violence", purpose="Needs assessment",
        starts_local=start, ends_local=end, place="Force HQ",
        invitations=[{"organisation_id": "leicester-city-council", "required": True}],
    ).id


def test_reminders_are_scheduled_moved_by_a_reschedule_and_removed_by_a_cancel(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    meeting_id = convene(hub, START, START + timedelta(hours=2))
    react(hub)
    reminder = jobs.reminder_job_id(meeting_id, START_AT)
    held = jobs.held_job_id(meeting_id, END_AT)
    jobs_now = scheduled(hub)
    assert set(jobs_now) == {reminder, held}
    # RQ runs on real time: the reminder is due a day before the start by the hub's clock.
    due_in = jobs_now[reminder] - datetime.now(UTC)
    expected = START_AT - timedelta(days=1) - clock()
    assert abs(due_in - expected) < timedelta(minutes=1)

    h.reschedule_meeting(hub, office(), meeting_id, starts_local=datetime(2027, 7, 14, 10),
                         ends_local=datetime(2027, 7, 14, 12))
    react(hub)
    moved_start = datetime(2027, 7, 14, 9, 0, tzinfo=UTC)
    assert set(scheduled(hub)) == {
        jobs.reminder_job_id(meeting_id, moved_start),
        jobs.held_job_id(meeting_id, moved_start + timedelta(hours=2)),
    }

    # The superseded reminder does nothing, even if it runs once its time has come.
    clock.set(START_AT - timedelta(hours=12))
    assert jobs.send_reminder(meeting_id, START_AT.isoformat()) is False
    assert not any(e.type == "meeting.reminder_sent" for e in hub.store.iter_all())

    h.cancel_meeting(hub, office(), meeting_id, reason="Purdah")
    react(hub)
    assert scheduled(hub) == {}
    clock.set(moved_start - timedelta(hours=12))
    assert jobs.send_reminder(meeting_id, moved_start.isoformat()) is False
    assert get_meeting(hub.engine, SYSTEM, meeting_id)["reminded_for"] is None


def test_an_early_job_waits_for_the_hubs_clock(clocked: tuple[Hub, ShiftedClock]) -> None:
    hub, _clock = clocked
    meeting_id = convene(hub, START, START + timedelta(hours=2))
    assert jobs.mark_held(meeting_id, END_AT.isoformat()) is False
    assert get_meeting(hub.engine, SYSTEM, meeting_id)["status"] == "scheduled"
    rescheduled = [j for j in scheduled(hub) if not j.startswith("meeting-")]
    assert len(rescheduled) == 1, "the early job should have put itself back for its time"


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_reminds_before_the_meeting_and_marks_it_held_after_it(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    clock.set(datetime(2027, 1, 14, 12, 0, tzinfo=UTC))
    local_now = clock().astimezone(LONDON).replace(tzinfo=None, microsecond=0)
    start, end = local_now + timedelta(seconds=3), local_now + timedelta(seconds=6)
    meeting_id = convene(hub, start, end)

    stop = threading.Event()
    threads = [
        threading.Thread(target=Dispatcher(hub).run, args=(stop,)),
        threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05)),
    ]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: get_meeting(hub.engine, SYSTEM, meeting_id)["status"] == "held")
        row = get_meeting(hub.engine, SYSTEM, meeting_id)
        assert row["held_automatically"] is True and row["reminded_for"] is not None

        soon = h.assign_meeting_action(
            hub, office(), meeting_id, description="Report back",
            owner_organisation_id="leicester-city-council", due_on=date(2027, 1, 15),
        ).id
        later = h.assign_meeting_action(
            hub, office(), meeting_id, description="Strategy",
            owner_organisation_id="leicester-city-council", due_on=date(2027, 3, 1),
        ).id
        later_job = jobs.action_reminder_job_id(meeting_id, later, date(2027, 3, 1))
        assert wait_for(lambda: any(
            a["action_id"] == soon and a["reminded"]
            for a in get_meeting(hub.engine, SYSTEM, meeting_id)["actions"]
        ))
        assert wait_for(lambda: later_job in scheduled(hub))
        h.complete_meeting_action(
            hub, Actor(user_id="u-city", organisation_id="leicester-city-council",
                       area_ids=frozenset({"leicestershire"})),
            meeting_id, later, note="Drafted early",
        )
        assert wait_for(lambda: later_job not in scheduled(hub))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    kinds = [e.type for e in hub.store.iter_all() if e.stream_id == f"meeting-{meeting_id}"]
    assert kinds.count("meeting.reminder_sent") == 1
    assert kinds.count("meeting.held") == 1
    assert kinds.count("meeting.action_reminder_sent") == 1
    for event in hub.store.iter_all():
        if event.stream_type == "meeting":
            committed_schema_accepts(event.type, event.data)
