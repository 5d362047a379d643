"""A made merger takes effect on its date, once, with real Redis, RQ and two workers.

The hub's clock is a fake one running a few seconds before the effective date (real time
shifted), so RQ's real-time scheduler fires the job when the hub's date comes. Duplicate jobs
and two concurrent workers must still change the directory exactly once.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.demo import mergers as demo_mergers
from hub.demo.load import load_demo
from hub.domain.mergers import MERGER
from hub.events.checkpoints import save_checkpoint
from hub.handlers import mergers as h
from hub.projections.directory import csps, members, workspaces
from hub.projections.mergers import get_merger, list_mergers
from hub.service import handle, load
from tests.clocks import ShiftedClock
from tests.unit.test_mergers import committed_schema_accepts
from workers import mergers as jobs
from workers.dispatcher import CHECKPOINT, Dispatcher
from workers.worker import run_thread_worker

OFFICE = "leicestershire-opcc"
CONSTITUENTS = ("melton-csp", "harborough-csp")
SIGN: dict[str, Any] = {
    "signatory": "Chris Lane", "signatory_role": "Chief Executive",
    "signed_on": date(2031, 3, 1), "document_title": "Combination agreement",
    "document_reference": "https://example.org/agreement.pdf",
}
EFFECTIVE = date(2031, 4, 1)
MIDNIGHT = datetime(2031, 3, 31, 23, 0, tzinfo=UTC)  # 00:00 BST on 1 April 2031
LEAD = timedelta(seconds=6)


def actor(organisation_id: str) -> Actor:
    """A user of a Leicestershire organisation."""
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({"leicestershire"}))


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


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
    """A hub on a fake clock, the demo's directory loaded and already dispatched.

    The directory alone: the workers these tests start would re-arm the demo records'
    schedules (a made merger among them), and their jobs are not what the tests count.
    """
    hub = isolated(make_hub, redis_url)
    clock = ShiftedClock(datetime(2031, 3, 1, 12, 0, tzinfo=UTC))
    hub.clock = clock
    load_demo(hub, progress=False, records=False)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    yield hub, clock


def combined_of(merger_id: str) -> str:
    """The combined CSP's id: made by the hub from the proposed name and the merger's id."""
    return f"melton-and-harborough-csp-{merger_id[:8]}"


def make_agreement(hub: Hub, effective: date) -> str:
    """Propose Melton and Harborough's merger and have every party sign it."""
    merger_id = h.propose_merger(
        hub, actor(OFFICE), csp_ids=list(CONSTITUENTS), purposes=["reducing_reoffending"],
        proposed_name="Melton and Harborough CSP", effective_date=effective,
    ).id
    for party in get_merger(hub.engine, SYSTEM, merger_id)["parties"]:
        organisation = party["organisation_id"]
        h.consent_to_merger(hub, actor(organisation), merger_id, revision=1, **SIGN)
    assert get_merger(hub.engine, SYSTEM, merger_id)["status"] == "made"
    return merger_id


def dispatch_all(hub: Hub) -> None:
    """Hand every new event to the queue, as the dispatcher process would."""
    dispatcher = Dispatcher(hub)
    while dispatcher.run_once():
        pass


def effect_events(hub: Hub, after: int) -> Counter[tuple[str, str]]:
    """How many times each change of the effect was recorded after position ``after``."""
    counts: Counter[tuple[str, str]] = Counter()
    for event in hub.store.iter_all(after):
        record = event.type.split(".", 1)[0]
        key = {"csp": "csp_id", "workspace": "workspace_id"}.get(record)
        counts[(event.type, event.data[key] if key else "")] += 1
        committed_schema_accepts(event.type, event.data)
    return counts


def test_a_merger_takes_effect_once_on_its_date_even_with_two_workers(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    merger_id = make_agreement(hub, EFFECTIVE)
    made_at = hub.store.head_position()
    clock.set(MIDNIGHT - LEAD)
    dispatch_all(hub)
    # A duplicate schedule and an early run, as a re-delivered event or a re-run would make.
    hub.queue.enqueue(jobs.take_effect, merger_id=merger_id, effective_date=EFFECTIVE.isoformat())
    hub.queue.enqueue_in(LEAD, jobs.take_effect, merger_id=merger_id,
                         effective_date=EFFECTIVE.isoformat())

    stop = threading.Event()
    workers = [threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(2)
        assert clock() < MIDNIGHT
        assert load(hub, MERGER, merger_id).state.status == "made", "took effect early"
        assert wait_for(lambda: load(hub, MERGER, merger_id).state.status == "in_effect")
        dispatch_all(hub)
        # Every job ran, but the hourly upload expiry a worker arms as it starts.
        assert wait_for(lambda: len(hub.queue) == 0 and not [
            job for job in hub.queue.scheduled_job_registry.get_job_ids()
            if not job.startswith("uploads-expire-")
        ] and hub.queue.started_job_registry.count == 0)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=15)
    runs = [hub.queue.fetch_job(j) for j in hub.queue.finished_job_registry.get_job_ids()]
    effect_runs = [j for j in runs if j is not None and (j.func_name or "").endswith("take_effect")]
    assert len(effect_runs) >= 3, "the duplicates and the early run should all have run"

    counts = effect_events(hub, made_at)
    assert counts == Counter({
        ("merger.took_effect", ""): 1,
        ("csp.registered", combined_of(merger_id)): 1,
        ("workspace.created", f"csp-{combined_of(merger_id)}"): 1,
        ("csp.ended", "melton-csp"): 1,
        ("csp.ended", "harborough-csp"): 1,
        ("workspace.closed", "csp-melton-csp"): 1,
        ("workspace.closed", "csp-harborough-csp"): 1,
    })
    assert get_merger(hub.engine, SYSTEM, merger_id)["took_effect_on"] == "2031-04-01"


def test_a_merger_whose_date_has_passed_takes_effect_at_once(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, _clock = clocked
    merger_id = make_agreement(hub, date(2031, 2, 1))
    made_at = hub.store.head_position()
    dispatch_all(hub)
    stop = threading.Event()
    worker = threading.Thread(target=run_thread_worker, args=(hub, stop, 0.05))
    worker.start()
    try:
        assert wait_for(lambda: load(hub, MERGER, merger_id).state.status == "in_effect")
    finally:
        stop.set()
        worker.join(timeout=15)
    combined_id = combined_of(merger_id)
    with hub.engine.connect() as conn:
        combined = conn.execute(select(csps).where(csps.c.csp_id == combined_id)).one()
        ended: dict[str, str] = dict(conn.execute(
            select(csps.c.csp_id, csps.c.succeeded_by).where(csps.c.csp_id.in_(CONSTITUENTS))
        ).all())
        spaces = {r.workspace_id: r for r in conn.execute(select(workspaces))}
        joined = set(conn.execute(select(members.c.organisation_id).where(
            members.c.workspace_id == f"csp-{combined_id}")).scalars())
    assert combined.valid_from == date(2031, 2, 1)
    assert combined.merged_from == list(CONSTITUENTS)
    assert set(combined.responsible_authorities) == {
        "melton-council", "harborough-council", "leicestershire-county-council",
        "leicestershire-police", "llr-combined-fire-authority", "llr-icb",
        "probation-east-midlands",
    }
    assert ended == dict.fromkeys(CONSTITUENTS, combined_id)
    assert spaces[f"csp-{combined_id}"].linked_from == [f"csp-{c}" for c in CONSTITUENTS]
    assert all(spaces[f"csp-{c}"].closed for c in CONSTITUENTS)
    assert spaces["csp-melton-csp"].merged_into == f"csp-{combined_id}"
    assert joined == set(combined.responsible_authorities) | {OFFICE}
    assert h.take_merger_effect(hub, merger_id, date(2031, 2, 1))
    assert sum(effect_events(hub, made_at).values()) == 7


def test_the_north_yorkshire_merger_of_2014_replays_to_one_partnership(hub: Hub) -> None:
    # The demo loader replays it (with the directory of the time) without any worker.
    load_demo(hub, progress=False)

    def replay() -> int:
        appended, seen = 0, Counter[str]()
        for record, key, command, who in demo_mergers.demo_commands():
            stream = f"{record.stream_type}-{key}"
            seen[stream] += 1
            result = handle(hub, record, key, command, who,
                            idempotency_key=f"demo:{stream}:{seen[stream]}")
            appended += 0 if result.replayed else len(result.events)
        return appended

    assert replay() == 0
    row = get_merger(hub.engine, SYSTEM, demo_mergers.NY_MERGER)
    # In effect from 2015 until its combined CSP ended by law on 31 March 2023.
    assert (row["status"], row["parties_total"], row["took_effect_on"], row["csp_ended_on"]) == (
        "ended_with_csp", 18, "2015-04-01", "2023-03-31",
    )
    with hub.engine.connect() as conn:
        rows = {r.csp_id: r for r in conn.execute(
            select(csps).where(csps.c.area_id == "north-yorkshire"))}
    districts = [c.csp_id for c in demo_mergers.NY_DISTRICTS]
    assert rows["north-yorkshire-csp"].merged_from == districts
    assert all(rows[c].valid_to == date(2015, 3, 31) for c in districts)
    assert rows["safer-york-partnership"].valid_to is None
    states = {m["merger_id"]: (m["status"], m["blocked"])
              for m in list_mergers(hub.engine, SYSTEM) if m["area_id"] == "leicestershire"}
    assert sorted(states.values()) == [
        ("made", False), ("proposed", False), ("proposed", True), ("withdrawn", False),
    ]
    for event in hub.store.iter_all():
        if event.stream_type == "merger":
            committed_schema_accepts(event.type, event.data)

