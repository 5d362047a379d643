"""A worker starting re-arms the scheduled jobs Redis lost, on real Redis and RQ.

Scheduled jobs live only in Redis: Redis restarted without its data, or embedded mode
restarted (its Redis stand-in is in memory), loses them all. Each test loads the demo, runs
every reaction its events call for, then empties the test's Redis database, as such a restart
would, and starts a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rq.job import Job
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.demo.load import load_demo
from hub.projections.duties import arrangements
from hub.projections.meetings import actions, meetings
from hub.projections.mergers import mergers
from hub.projections.reports import report_requests
from tests.clocks import ShiftedClock
from tests.integration.test_meetings_schedules import isolated, react, scheduled
from workers import reactions
from workers.reactions import start_reactions
from workers.runtime import use_hub
from workers.worker import ThreadWorker, run_worker

PREFIXES = ("run_deadline-", "run_review_due-", "meeting-reminder-", "meeting-held-",
            "meeting-action-reminder-", "merger-effect-")
"""The job ids of every record type's schedule: reports, duties, meetings, mergers."""


def settle(hub: Hub) -> None:
    """React until the log stops growing: jobs that ran may have recorded events of their own."""
    while True:
        head = hub.store.head_position()
        react(hub)
        if hub.store.head_position() == head:
            return


def demo_hub(make_hub: Callable[..., Hub], redis_url: str, clock: ShiftedClock) -> Hub:
    """A hub on ``clock`` with its own Redis database and queue, the demo loaded and reacted to."""
    hub = isolated(make_hub, redis_url)
    hub.redis.flushdb()  # the database may hold an earlier test's jobs, under the same ids
    hub.clock = clock
    load_demo(hub, progress=False)
    use_hub(hub)
    settle(hub)
    return hub


HOURLY = "uploads-expire-"


def _of_records(jobs: dict[str, datetime]) -> dict[str, datetime]:
    return {job_id: when for job_id, when in jobs.items() if not job_id.startswith(HOURLY)}


def test_a_worker_starting_rearms_every_job_redis_lost_and_no_other(
    make_hub: Callable[..., Hub], redis_url: str,
) -> None:
    clock = ShiftedClock(datetime.now(UTC))
    hub = demo_hub(make_hub, redis_url, clock)
    before = scheduled(hub)
    assert {prefix for prefix in PREFIXES if any(j.startswith(prefix) for j in before)} == set(
        PREFIXES
    ), "the demo should leave every kind of scheduled job"
    jobs = {job_id: Job.fetch(job_id, connection=hub.redis) for job_id in before}

    hub.redis.flushdb()
    head = hub.store.head_position()
    run_worker(hub, burst=True)

    # The upload expiry is an hourly chain of its own, armed by every start (not by records).
    assert any(job_id.startswith(HOURLY) for job_id in scheduled(hub))
    after = _of_records(scheduled(hub))
    assert hub.store.head_position() == head, "nothing was due: nothing should have happened"
    assert set(after) <= set(before)
    for job_id, when in after.items():
        assert abs(when - before[job_id]) <= timedelta(seconds=2), job_id
    # A job the reactions left but the worker did not re-arm must be one that does nothing:
    # run each at its time by the hub's clock and look for events.
    left_out = sorted(set(before) - set(after), key=before.__getitem__)
    assert left_out, "the demo should leave some jobs that no longer apply"
    for job_id in left_out:
        clock.set(before[job_id] + timedelta(seconds=1))
        head = hub.store.head_position()
        outcome = jobs[job_id].func(**jobs[job_id].kwargs)
        assert hub.store.head_position() == head, f"{job_id} did something: {outcome}"

    # A second start finds every job in place and schedules nothing more.
    clock.set(datetime.now(UTC))
    assert [reaction(hub) for reaction in start_reactions()] == [0] * len(start_reactions())
    assert _of_records(scheduled(hub)).keys() == after.keys()


def open_records(hub: Hub) -> dict[str, list[Any]]:
    """What the demo's schedules act on that has not yet happened, by the read models."""
    with hub.engine.connect() as conn:
        def ids(query: Any) -> list[Any]:
            return sorted(conn.execute(query).scalars())

        return {
            "reports not yet overdue": ids(
                select(report_requests.c.request_id).where(
                    report_requests.c.status.in_(
                        ["required", "acknowledged", "extension_requested"]
                    ),
                    report_requests.c.overdue.is_(False),
                )
            ),
            "meetings not yet held": ids(
                select(meetings.c.meeting_id).where(meetings.c.status == "scheduled")
            ),
            "open actions not yet reminded": ids(
                select(actions.c.action_id).where(
                    actions.c.status == "open", actions.c.reminded.is_(False)
                )
            ),
            "arrangements not yet due for review": ids(
                select(arrangements.c.arrangement_id).where(arrangements.c.status == "in_force")
            ),
        }


def test_what_fell_due_while_redis_was_empty_happens_when_a_worker_starts(
    make_hub: Callable[..., Hub], redis_url: str,
) -> None:
    # The demo is dated as early as it loads, so that its dates (a year ahead at most, but for
    # the made merger's) have passed by the real clock too: RQ releases a report's or a
    # review's job by the real clock.
    clock = ShiftedClock(datetime(2025, 1, 16, 9, 0, tzinfo=UTC))
    hub = demo_hub(make_hub, redis_url, clock)
    waiting = open_records(hub)
    assert all(waiting.values()), waiting

    hub.redis.flushdb()
    clock.set(datetime.now(UTC) - timedelta(minutes=1))
    # A worker that only works its queue, as before workers re-armed anything: nothing happens.
    ThreadWorker([hub.queue], connection=hub.redis).work(burst=True, with_scheduler=True,
                                                         logging_level="WARNING")
    assert open_records(hub) == waiting

    run_worker(hub, burst=True)
    settle(hub)
    assert open_records(hub) == {kind: [] for kind in waiting}
    # The made merger's date is years ahead: its effect is armed for then.
    with hub.engine.connect() as conn:
        made = conn.execute(select(mergers.c.merger_id).where(mergers.c.status == "made")).all()
    assert made
    assert all(any(j.startswith(f"merger-effect-{m}-") for j in scheduled(hub)) for (m,) in made)


def test_a_start_reaction_that_fails_is_logged_and_the_others_still_run(
    make_hub: Callable[..., Hub], redis_url: str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = isolated(make_hub, redis_url)
    hub.redis.flushdb()
    load_demo(hub, progress=False)  # and Redis holds none of its jobs

    def broken(hub: Hub) -> int:
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(reactions, "_STARTS", [broken, *start_reactions()])
    with caplog.at_level(logging.INFO, logger="hub.worker"):
        run_worker(hub, burst=True)
    failed = [r for r in caplog.records if "event=resume_failed" in r.getMessage()]
    assert len(failed) == 1 and "broken" in failed[0].getMessage()
    assert failed[0].exc_info is not None
    assert any(job_id.startswith("meeting-held-") for job_id in scheduled(hub))
