"""Reminders and overdue marking through real RQ scheduling, with the hub on a fake clock.

The hub's clock is set in the past, so RQ's scheduler (on the real clock) releases every
scheduled job at once; each job then checks the hub's clock and, if its time has not come,
schedules itself again. Moving the fake clock past each deadline and running two workers side
by side shows every reminder and the overdue mark happen exactly once, on time, and never for
a due date that has moved or a report already submitted.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from rq import Queue

from hub.access.policy import Actor
from hub.attachments import AttachmentStore
from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint
from hub.handlers import reports as handlers
from tests.clocks import HandClock
from tests.conftest import DemoCopy, HubFactory
from workers.dispatcher import CHECKPOINT, Dispatcher
from workers.reports import run_deadline
from workers.runtime import use_hub
from workers.worker import ThreadWorker

START = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)  # a Monday in GMT, long before the real now
DUE = date(2025, 3, 13)
OPCC = Actor(
    user_id="u1", organisation_id="leicestershire-opcc", area_ids=frozenset({"leicestershire"})
)
CITY = Actor(
    user_id="u2", organisation_id="leicester-city-council", area_ids=frozenset({"leicestershire"})
)


@pytest.fixture
def clocked(make_hub: HubFactory, demo_copy: DemoCopy) -> tuple[Hub, HandClock]:
    hub = make_hub(database_url=demo_copy(records=False, at=START))
    clock = HandClock(START)
    hub.clock = clock  # before the store is first built, so the store keeps this clock too
    # The directory's events need no background work: start dispatching after them.
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    use_hub(hub)
    return hub, clock


def work(hub: Hub, rounds: int = 2, workers: int = 2) -> None:
    """Dispatch new events, then run ``workers`` RQ burst workers side by side, ``rounds`` times.

    Each burst first moves due scheduled jobs onto the queue (RQ's scheduler, in-process).
    """
    for _ in range(rounds):
        while Dispatcher(hub).run_once():
            pass
        threads = [
            threading.Thread(
                target=lambda: ThreadWorker([hub.queue], connection=hub.redis).work(
                    burst=True, with_scheduler=True, logging_level="WARNING"
                )
            )
            for _ in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    assert hub.queue.failed_job_registry.count == 0, hub.queue.failed_job_registry.get_job_ids()


def deadlines(hub: Hub, request_id: str) -> Counter[tuple[str, str, int | None]]:
    """How often each reminder and overdue mark happened, by (kind, due date, days before)."""
    return Counter(
        (e.type.split(".")[1], e.data["due_on"], e.data.get("days_before"))
        for e in handlers.report_history(hub, request_id)
        if e.type in {"report_request.reminder_sent", "report_request.marked_overdue"}
    )


def require(hub: Hub, due_on: date = DUE) -> str:
    return handlers.require_report(
        hub, OPCC, csp_id="safer-leicester", kind="informal", title="t", matters="m",
        due_on=due_on,
    ).id


def test_reminders_and_the_overdue_mark_fire_once_each_on_time_with_two_workers(
    clocked: tuple[Hub, HandClock],
) -> None:
    hub, clock = clocked
    key = require(hub)
    work(hub)
    assert deadlines(hub, key) == {}, "nothing is due yet"

    clock.now = datetime(2025, 3, 6, 9, 0, 1, tzinfo=UTC)  # 7 days before, 09:00 London
    work(hub)
    clock.now = datetime(2025, 3, 12, 9, 0, 1, tzinfo=UTC)  # 1 day before
    work(hub)
    assert deadlines(hub, key) == {("reminder_sent", "2025-03-13", 7): 1,
                                   ("reminder_sent", "2025-03-13", 1): 1}
    row = handlers.get_report_request(hub, key, workspace_ids=None)
    assert (row["reminders_sent"], row["overdue"]) == (2, False)

    clock.now = datetime(2025, 3, 13, 23, 59, tzinfo=UTC)  # still the due date
    work(hub)
    assert not handlers.get_report_request(hub, key, workspace_ids=None)["overdue"]
    clock.now = datetime(2025, 3, 14, 0, 0, 1, tzinfo=UTC)  # the due date has passed
    work(hub, rounds=3)
    assert deadlines(hub, key) == {("reminder_sent", "2025-03-13", 7): 1,
                                   ("reminder_sent", "2025-03-13", 1): 1,
                                   ("marked_overdue", "2025-03-13", None): 1}
    assert handlers.get_report_request(hub, key, workspace_ids=None)["overdue"]

    # At-least-once delivery: the dispatcher hands every event over again, and extra copies of
    # the overdue job race each other on two workers. Nothing happens twice.
    first = handlers.report_history(hub, key)[0].position
    save_checkpoint(hub.engine, CHECKPOINT, first - 1)
    queue: Queue = hub.queue
    for copy in range(4):
        queue.enqueue(run_deadline, kwargs={"request_id": key, "due_on": DUE.isoformat()},
                      job_id=f"duplicate-overdue-{copy}")
    work(hub, rounds=2)
    assert sum(deadlines(hub, key).values()) == 3


def test_the_jobs_race_safely_when_they_all_fire_together(
    clocked: tuple[Hub, HandClock],
) -> None:
    hub, clock = clocked
    key = require(hub)
    clock.now = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)
    queue: Queue = hub.queue
    for copy in range(6):
        queue.enqueue(run_deadline, kwargs={"request_id": key, "due_on": DUE.isoformat()},
                      job_id=f"racing-overdue-{copy}")
    work(hub, rounds=1, workers=3)
    assert deadlines(hub, key)[("marked_overdue", "2025-03-13", None)] == 1


def test_a_granted_extension_moves_the_reminders_and_the_old_jobs_do_nothing(
    clocked: tuple[Hub, HandClock],
) -> None:
    hub, clock = clocked
    key = require(hub)
    work(hub)
    new_due = DUE + timedelta(days=14)
    handlers.request_extension(hub, CITY, key, requested_due_on=new_due, reason="Leave")
    handlers.grant_extension(hub, OPCC, key)
    work(hub)
    # The original date's jobs would fire now; they must do nothing.
    queue: Queue = hub.queue
    queue.enqueue(run_deadline, kwargs={"request_id": key, "due_on": DUE.isoformat()},
                  job_id="left-behind-overdue")
    clock.now = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
    work(hub)
    assert deadlines(hub, key) == {}
    clock.now = datetime(2025, 3, 20, 9, 0, 1, tzinfo=UTC)  # 7 days before the new date
    work(hub)
    assert deadlines(hub, key) == {("reminder_sent", "2025-03-27", 7): 1}
    clock.now = datetime(2025, 3, 26, 9, 0, 1, tzinfo=UTC)  # 1 day before the new date
    work(hub)
    clock.now = datetime(2025, 3, 28, 0, 0, 1, tzinfo=UTC)  # the new date has passed
    work(hub, rounds=3)
    assert deadlines(hub, key) == {("reminder_sent", "2025-03-27", 7): 1,
                                   ("reminder_sent", "2025-03-27", 1): 1,
                                   ("marked_overdue", "2025-03-27", None): 1}


def test_jobs_for_a_report_already_submitted_do_nothing(clocked: tuple[Hub, HandClock]) -> None:
    hub, clock = clocked
    key = require(hub)
    work(hub)
    clock.now = datetime(2025, 3, 6, 9, 0, 1, tzinfo=UTC)
    work(hub)
    handlers.submit_report(hub, CITY, key, text="Report", attachments=AttachmentStore(Path(".")))
    clock.now = datetime(2025, 3, 20, 0, 0, tzinfo=UTC)  # past the last reminder and the due date
    work(hub, rounds=3)
    assert deadlines(hub, key) == {("reminder_sent", "2025-03-13", 7): 1}
    row = handlers.get_report_request(hub, key, workspace_ids=None)
    assert (row["status"], row["overdue"]) == ("submitted", False)
