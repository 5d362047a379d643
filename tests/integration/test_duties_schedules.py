"""A criminal justice arrangement's review falls due by a scheduled RQ job, exactly once.

As in the report schedules test, the hub runs on a fake clock set in the past, so RQ releases
the job at once and the job waits (by scheduling itself again) until the hub's clock reaches
the start of the review date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.demo.load import load_demo
from hub.domain.duties import CJ_ARRANGEMENT
from hub.events import StreamRef
from hub.events.checkpoints import save_checkpoint
from hub.handlers import duties as handlers
from tests.clocks import HandClock
from tests.conftest import HubFactory
from tests.integration.test_reports_schedules import work
from workers.dispatcher import CHECKPOINT
from workers.duties import run_review_due
from workers.runtime import use_hub

START = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
REVIEW_ON = date(2025, 6, 2)  # in British Summer Time: due from 23:00 UTC on 1 June
LEICS = frozenset({"leicestershire"})
OPCC = Actor(user_id="u1", organisation_id="leicestershire-opcc", area_ids=LEICS)
POLICE = Actor(user_id="u2", organisation_id="leicestershire-police", area_ids=LEICS)
CPS = Actor(user_id="u3", organisation_id="cps-east-midlands", area_ids=LEICS)


def review_events(hub: Hub, key: str) -> list[str]:
    events = hub.store.read_stream(StreamRef.of(CJ_ARRANGEMENT.stream_type, key).id)
    return [e.data["review_on"] for e in events if e.type == "cj_arrangement.review_fell_due"]


def test_the_review_falls_due_once_on_its_date_with_two_workers(make_hub: HubFactory) -> None:
    hub = make_hub()
    clock = HandClock(START)
    hub.clock = clock
    load_demo(hub, progress=False, records=False)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    use_hub(hub)

    key = handlers.draft_arrangement(
        hub, OPCC, title="LCJB terms", terms="Meet quarterly", review_on=REVIEW_ON,
        party_ids=["leicestershire-police", "cps-east-midlands"],
    ).id
    handlers.agree_arrangement(hub, POLICE, key, signatory="ACC Justice")
    handlers.agree_arrangement(hub, CPS, key, signatory="Chief Crown Prosecutor")
    work(hub)
    clock.now = datetime(2025, 6, 1, 22, 59, tzinfo=UTC)  # 23:59 on 1 June in London
    work(hub)
    assert review_events(hub, key) == []

    clock.now = datetime(2025, 6, 1, 23, 0, 1, tzinfo=UTC)  # 00:00:01 on 2 June in London
    for copy in range(3):  # duplicates racing the scheduled job
        hub.queue.enqueue(
            run_review_due, kwargs={"arrangement_id": key, "review_on": REVIEW_ON.isoformat()},
            job_id=f"duplicate-review-{copy}",
        )
    work(hub, rounds=3)
    assert review_events(hub, key) == ["2025-06-02"]

    handlers.review_arrangement(
        hub, OPCC, key, outcome="Working well", next_review_on=date(2026, 6, 1)
    )
    clock.now = datetime(2026, 6, 1, 0, 0, 1, tzinfo=UTC)  # the next review date (01:00 BST)
    work(hub, rounds=3)
    assert review_events(hub, key) == ["2025-06-02", "2026-06-01"]
