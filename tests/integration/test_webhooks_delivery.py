"""Webhook delivery on SQLite and PostgreSQL with real Redis, RQ jobs and a real receiver.

The receiver listens on 127.0.0.1 (allow-listed for these tests) and verifies every delivery
with the ``standardwebhooks`` library. The hub's clock is a test clock starting at the real
time, so signatures stay fresh while the test moves time on by hand.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

import workers.runtime
from hub.bootstrap import Hub
from hub.events import NewEvent, RecordedEvent, StreamRef
from hub.events.checkpoints import save_checkpoint, unfinished_batches
from hub.events.cloudevents import to_cloudevent
from hub.events.store import utc_now
from hub.webhooks import delivery, fanout, log, metrics
from hub.webhooks.config import WebhookConfig
from hub.webhooks.endpoints import Endpoints, EndpointSpec
from hub.webhooks.tables import attempts_table, endpoints_table, messages_table
from schemas.events import directory as ev
from tests.clocks import HandClock
from tests.integration.test_webhooks_receiver import Receiver, running
from workers.dispatcher import CHECKPOINT, Dispatcher
from workers.jobs import resume_batches
from workers.worker import HubWorker, run_worker

CITY = "leicester-city-council"
OPCC = "leicestershire-opcc"
CITY_CSP = "csp-safer-leicester"
BOARD = "leicestershire-rutland-strategy-board"
BLABY_CSP = "csp-blaby-csp"
WELSH_CSP = "csp-carmarthenshire-csp"
_streams = itertools.count(1)


@pytest.fixture
def clock() -> HandClock:
    return HandClock(datetime.now(UTC))


@pytest.fixture
def hub(demo_hub: Hub, clock: HandClock, monkeypatch: pytest.MonkeyPatch) -> Hub:
    demo_hub.clock = clock
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_HTTP", "1")
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("HUB_WEBHOOK_BACKOFF", "0,5,300")
    monkeypatch.setenv("HUB_PUBLIC_URL", "https://hub.example.org")
    monkeypatch.setattr(workers.runtime, "_current", demo_hub)
    return demo_hub


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as started:
        yield started


def _config() -> WebhookConfig:
    return WebhookConfig.from_env()


def add_endpoint(
    hub: Hub, receiver: Receiver, organisation: str = CITY, types: tuple[str, ...] = ("*",),
    scope: list[str] | None = None,
) -> Any:
    row, secret = Endpoints(hub, _config()).add(
        organisation, "test", EndpointSpec(receiver.url, "test", types, scope, handshake=False)
    )
    receiver.secrets.append(secret)
    return row


def append(hub: Hub, *workspaces: str) -> RecordedEvent:
    """A directory event visible in ``workspaces``."""
    key = f"hooks-{next(_streams)}"
    data = ev.WorkspaceMemberAdded(workspace_id=key, organisation_id="test-partner")
    [event] = hub.store.append(
        StreamRef.of("workspace", key), 0, [NewEvent(data, tuple(workspaces))]
    ).events
    return event


def run_jobs(hub: Hub) -> None:
    """Work the queue empty in this thread (jobs due now; scheduled ones stay scheduled)."""
    HubWorker([hub.queue], connection=hub.redis).work(burst=True)


def messages_of(hub: Hub, endpoint_id: str) -> list[Any]:
    with hub.engine.connect() as conn:
        return list(conn.execute(
            select(messages_table).where(messages_table.c.endpoint_id == endpoint_id)
            .order_by(messages_table.c.created_at)
        ))


def attempts_of(hub: Hub, message_id: str) -> list[Any]:
    return log.attempts_of(hub, [message_id])[message_id]


def endpoint_row(hub: Hub, endpoint_id: str) -> Any:
    with hub.engine.connect() as conn:
        return conn.execute(
            select(endpoints_table).where(endpoints_table.c.endpoint_id == endpoint_id)
        ).one()


def counters(hub: Hub) -> dict[str, int]:
    counted = cast(dict[bytes, bytes], hub.redis.hgetall(metrics.KEY))  # not decoded
    return {k.decode(): int(v) for k, v in counted.items()}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_dispatched_event_is_delivered_signed_as_a_cloudevent(
    hub: Hub, receiver: Receiver
) -> None:
    endpoint = add_endpoint(hub, receiver)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())  # past the demo data
    event = append(hub, CITY_CSP)
    assert Dispatcher(hub).run_once() == 1
    run_jobs(hub)  # the event's job fans out; the delivery job it queues runs in the same burst
    assert receiver.processed == [event.event_id]
    delivered = receiver.deliveries[0]
    assert delivered.headers["webhook-id"] == event.event_id
    assert delivered.headers["content-type"] == "application/cloudevents+json; charset=utf-8"
    assert delivered.headers["webhook-signature"].startswith("v1,")
    sent = to_cloudevent(event, hub.cursors, "https://hub.example.org")
    assert json.loads(delivered.body) == sent
    assert sent["position"] == hub.cursors.of(event.position) != str(event.position)
    assert delivered.event.get_dataschema() == (
        "https://hub.example.org/schemas/events/workspace.member_added.v1.json"
    )
    assert delivered.event.get_extension("position") == hub.cursors.of(event.position)
    [message] = messages_of(hub, endpoint.endpoint_id)
    assert message.status == "delivered" and message.attempts == 1
    [made] = attempts_of(hub, message.message_id)
    assert made.outcome == "delivered" and made.status_code == 204 and made.latency_ms >= 0
    assert counters(hub)["delivered"] == 1


def test_a_dispatched_batch_goes_out_in_one_job_with_an_attempt_logged_for_each(
    hub: Hub, receiver: Receiver
) -> None:
    endpoint = add_endpoint(hub, receiver)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    events = [append(hub, CITY_CSP) for _ in range(3)]
    assert Dispatcher(hub).run_once() == 3
    HubWorker([hub.queue], connection=hub.redis).work(burst=True, max_jobs=1)  # fan-out
    [job] = [hub.queue.fetch_job(j) for j in hub.queue.job_ids if j.startswith("webhook-")]
    assert job is not None and job.kwargs == {"attempts": [
        [fanout.message_id(endpoint.endpoint_id, e.event_id), 1] for e in events
    ]}
    run_jobs(hub)
    assert receiver.processed == [e.event_id for e in events]
    assert [d.headers["webhook-id"] for d in receiver.deliveries] == receiver.processed
    messages = messages_of(hub, endpoint.endpoint_id)
    assert [(m.status, m.attempts) for m in messages] == [("delivered", 1)] * 3
    logged = log.attempts_of(hub, [m.message_id for m in messages])
    assert [[(a.number, a.outcome, a.status_code) for a in logged[m.message_id]]
            for m in messages] == [[(1, "delivered", 204)]] * 3
    assert counters(hub)["delivered"] == 3


def test_a_failure_within_a_group_is_retried_on_its_own(hub: Hub, clock: HandClock) -> None:
    with running(fail_first=1) as receiver:
        endpoint = add_endpoint(hub, receiver)
        events = [append(hub, CITY_CSP) for _ in range(3)]
        created = fanout.fan_out_many(hub, _config(), events)
        attempts = [(m, 1) for m in created]
        outcomes = delivery.attempt_many(hub, _config(), attempts)
        assert [outcomes[m] for m in created] == ["failed", "delivered", "delivered"]
        # A duplicate of the job (RQ, or the sweep, queued it again) sends nothing.
        assert set(delivery.attempt_many(hub, _config(), attempts).values()) == {"stale"}
        assert len(receiver.deliveries) == 3
    rows = {m.message_id: m for m in messages_of(hub, endpoint.endpoint_id)}
    first = rows[created[0]]
    assert first.status == "pending" and first.attempts == 1
    assert _aware(first.next_attempt_at) == clock.now + timedelta(seconds=5)
    assert delivery.job_id(created[0], 2) in ScheduledJobRegistry(queue=hub.queue).get_job_ids()
    assert [rows[m].status for m in created[1:]] == ["delivered", "delivered"]
    # The successes after the failure ended the endpoint's failing streak.
    assert endpoint_row(hub, endpoint.endpoint_id).failing_since is None
    assert counters(hub) == {"retried": 1, "delivered": 2}


def test_a_group_still_sending_renews_its_lease_so_the_sweep_leaves_it_alone(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real time here: the lease is 2 + 5 s and 16 POSTs of half a second take 8 s, so without
    # renewal the sweep (running all along, as another worker's would) takes the group over.
    monkeypatch.setattr(hub, "clock", utc_now)
    monkeypatch.setenv("HUB_WEBHOOK_TIMEOUT_SECONDS", "2")
    swept: list[tuple[int, int]] = []
    stop = threading.Event()

    def sweeping() -> None:
        while not stop.wait(0.25):
            swept.append(delivery.sweep(hub, _config()))

    with running(delay=0.5) as receiver:
        add_endpoint(hub, receiver)
        events = [append(hub, CITY_CSP) for _ in range(16)]
        created = fanout.fan_out_many(hub, _config(), events)
        sweeper = threading.Thread(target=sweeping)
        sweeper.start()
        try:
            outcomes = delivery.attempt_many(hub, _config(), [(m, 1) for m in created])
        finally:
            stop.set()
            sweeper.join()
    assert set(outcomes.values()) == {"delivered"}
    assert len(swept) > 20 and set(swept) == {(0, 0)}
    assert [[a.outcome for a in attempts_of(hub, m)] for m in created] == [["delivered"]] * 16
    assert [d.headers["webhook-id"] for d in receiver.deliveries] == [e.event_id for e in events]


def test_fan_out_is_idempotent_and_only_for_matching_endpoints(
    hub: Hub, receiver: Receiver
) -> None:
    everything = add_endpoint(hub, receiver)
    reports_only = add_endpoint(hub, receiver, types=("report_request.*",))
    office = add_endpoint(hub, receiver, organisation=OPCC, types=("workspace.*",))
    event = append(hub, CITY_CSP)
    first = fanout.fan_out(hub, _config(), event)
    assert sorted(first) == sorted(
        fanout.message_id(e.endpoint_id, event.event_id) for e in (everything, office)
    )
    assert fanout.fan_out(hub, _config(), event) == []
    assert len(messages_of(hub, everything.endpoint_id)) == 1
    assert messages_of(hub, reports_only.endpoint_id) == []
    assert len(hub.queue.job_ids) == 2 + 1  # two first attempts, and the sweep armed once


def test_events_of_another_area_or_outside_the_scope_reach_no_endpoint(
    hub: Hub, receiver: Receiver
) -> None:
    unscoped = add_endpoint(hub, receiver)
    scoped = add_endpoint(hub, receiver, scope=[BOARD])
    welsh = append(hub, "area-dyfed-powys", WELSH_CSP)
    blaby = append(hub, BLABY_CSP)
    city = append(hub, CITY_CSP)
    board = append(hub, BOARD)
    created = {e.event_id: fanout.fan_out(hub, _config(), e) for e in (welsh, blaby, city, board)}
    assert created[welsh.event_id] == [] and created[blaby.event_id] == []
    assert created[city.event_id] == [fanout.message_id(unscoped.endpoint_id, city.event_id)]
    assert sorted(created[board.event_id]) == sorted(
        fanout.message_id(e.endpoint_id, board.event_id) for e in (unscoped, scoped)
    )


def test_failures_follow_the_backoff_then_fail_and_a_redelivery_succeeds(
    hub: Hub, clock: HandClock
) -> None:
    with running(fail_first=3) as receiver:
        endpoint = add_endpoint(hub, receiver)
        event = append(hub, CITY_CSP)
        [message_id] = fanout.fan_out(hub, _config(), event)
        assert delivery.attempt(hub, _config(), message_id, 1) == "failed"
        [message] = messages_of(hub, endpoint.endpoint_id)
        assert message.status == "pending" and message.attempts == 1
        assert _aware(message.next_attempt_at) == clock.now + timedelta(seconds=5)
        scheduled = ScheduledJobRegistry(queue=hub.queue).get_job_ids()
        assert delivery.job_id(message_id, 2) in scheduled
        assert delivery.attempt(hub, _config(), message_id, 2) == "failed"
        assert _aware(messages_of(hub, endpoint.endpoint_id)[0].next_attempt_at) == (
            clock.now + timedelta(seconds=300)
        )
        assert delivery.attempt(hub, _config(), message_id, 2) == "stale"  # a duplicate job
        assert delivery.attempt(hub, _config(), message_id, 3) == "failed"
        [message] = messages_of(hub, endpoint.endpoint_id)
        assert message.status == "failed" and message.finished_at is not None
        assert counters(hub) == {"retried": 2, "failed": 1}

        log.redeliver(hub, _config(), endpoint.endpoint_id, message_id)
        run_jobs(hub)
        [message] = messages_of(hub, endpoint.endpoint_id)
        assert message.status == "delivered" and message.attempts == 4
    assert [a.outcome for a in attempts_of(hub, message_id)] == ["failed"] * 3 + ["delivered"]
    assert {d.headers["webhook-id"] for d in receiver.deliveries} == {event.event_id}
    assert receiver.processed == [event.event_id]


def test_a_429_is_retried_no_sooner_than_its_retry_after(hub: Hub, clock: HandClock) -> None:
    with running(status=429, response_headers={"Retry-After": "120"}) as receiver:
        endpoint = add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        delivery.attempt(hub, _config(), message_id, 1)
    assert _aware(messages_of(hub, endpoint.endpoint_id)[0].next_attempt_at) == (
        clock.now + timedelta(seconds=120)
    )


def test_410_gone_disables_the_endpoint_and_says_why(hub: Hub) -> None:
    with running(status=410) as receiver:
        endpoint = add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        delivery.attempt(hub, _config(), message_id, 1)
    row = endpoint_row(hub, endpoint.endpoint_id)
    assert row.state == "disabled" and "410 Gone" in row.disabled_reason
    assert delivery.attempt(hub, _config(), message_id, 2) == "held"
    assert counters(hub)["disabled"] == 1


def test_an_endpoint_failing_for_five_days_is_disabled_and_says_why(
    hub: Hub, clock: HandClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_WEBHOOK_BACKOFF", "0,36000")
    with running(status=500) as receiver:
        endpoint = add_endpoint(hub, receiver)

        def fail_one() -> None:
            [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
            delivery.attempt(hub, _config(), message_id, 1)

        fail_one()
        first_failure = clock.now
        clock.advance(days=4, hours=23)
        fail_one()
        assert endpoint_row(hub, endpoint.endpoint_id).state == "active"
        clock.advance(hours=1)
        fail_one()
    row = endpoint_row(hub, endpoint.endpoint_id)
    assert row.state == "disabled"
    assert _aware(row.failing_since) == first_failure
    # Days ahead, the receiver refuses the signature's timestamp: a 401, failing all the same.
    assert "every delivery since" in row.disabled_reason
    assert "the last: the receiver answered 401" in row.disabled_reason
    assert fanout.fan_out(hub, _config(), append(hub, CITY_CSP)) == []


def test_a_success_ends_the_failing_streak(hub: Hub, clock: HandClock) -> None:
    with running(fail_first=1) as receiver:
        endpoint = add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        assert delivery.attempt(hub, _config(), message_id, 1) == "failed"
        assert endpoint_row(hub, endpoint.endpoint_id).failing_since is not None
        assert delivery.attempt(hub, _config(), message_id, 2) == "delivered"
        assert endpoint_row(hub, endpoint.endpoint_id).failing_since is None
    clock.advance(days=6)
    with running(status=500) as broken:
        with hub.engine.begin() as conn:
            conn.execute(update(endpoints_table).values(url=broken.url))
        [later] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        assert delivery.attempt(hub, _config(), later, 1) == "failed"
    row = endpoint_row(hub, endpoint.endpoint_id)
    assert row.state == "active" and _aware(row.failing_since) == clock.now


def test_redirects_are_not_followed(hub: Hub) -> None:
    with running(status=302, response_headers={"Location": "http://127.0.0.1:1/"}) as receiver:
        endpoint = add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        assert delivery.attempt(hub, _config(), message_id, 1) == "failed"
    [made] = attempts_of(hub, message_id)
    assert made.status_code == 302 and made.error == "the receiver answered 302"
    assert len(receiver.deliveries) == 1
    assert messages_of(hub, endpoint.endpoint_id)[0].status == "pending"


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_WEBHOOK_TIMEOUT_SECONDS", "0.5")
    with running(stall_first=threading.Event()) as receiver:
        add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        assert delivery.attempt(hub, _config(), message_id, 1) == "failed"
    [made] = attempts_of(hub, message_id)
    assert made.status_code is None and made.error == "no answer within 0.5 seconds"


def test_the_message_log_keeps_the_first_2_kb_of_the_answer(hub: Hub) -> None:
    with running(status=200, response_body=b"x" * 5000) as receiver:
        add_endpoint(hub, receiver)
        [message_id] = fanout.fan_out(hub, _config(), append(hub, CITY_CSP))
        run_jobs(hub)
    [made] = attempts_of(hub, message_id)
    assert made.outcome == "delivered" and made.response_body == "x" * 2048


def test_the_sweep_recovers_an_attempt_whose_worker_died(
    hub: Hub, receiver: Receiver, clock: HandClock
) -> None:
    endpoint = add_endpoint(hub, receiver)
    event = append(hub, CITY_CSP)
    [message_id] = fanout.fan_out(hub, _config(), event)
    hub.redis.flushdb()  # the first attempt's job is gone with its worker
    with hub.engine.begin() as conn:  # what a worker killed mid-request leaves behind
        conn.execute(
            update(messages_table).where(messages_table.c.message_id == message_id)
            .values(status="sending", attempts=1, lease_until=clock.now + _config().lease)
        )
    assert delivery.sweep(hub, _config()) == (0, 0)  # the lease has not lapsed yet
    clock.advance(seconds=16)
    assert delivery.sweep(hub, _config()) == (1, 0)
    assert delivery.sweep(hub, _config()) == (0, 0)
    assert delivery.job_id(message_id, 2) in hub.queue.job_ids
    run_jobs(hub)
    [message] = messages_of(hub, endpoint.endpoint_id)
    assert message.status == "delivered" and message.attempts == 2
    assert [a.outcome for a in attempts_of(hub, message_id)] == ["abandoned", "delivered"]
    assert receiver.processed == [event.event_id]


def test_a_worker_starting_resumes_the_sweep_that_redis_lost_with_its_jobs(
    hub: Hub, receiver: Receiver, clock: HandClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_WEBHOOK_SWEEP_SECONDS", "10")
    add_endpoint(hub, receiver)
    assert not delivery.resume_sweep(hub, _config())  # nothing unfinished: nothing armed
    assert hub.queue.job_ids == []
    event = append(hub, CITY_CSP)
    fanout.fan_out(hub, _config(), event)
    hub.redis.flushdb()  # restarted without its data: the attempt's job and the sweep are gone
    clock.advance(seconds=51)
    run_worker(hub, burst=True)  # no new event comes; the worker starting is all there is
    assert receiver.processed == [event.event_id]


def dispatch_one(hub: Hub, receiver: Receiver) -> RecordedEvent:
    """An event for the receiver's endpoint, dispatched: its batch recorded, its job queued."""
    add_endpoint(hub, receiver)
    save_checkpoint(hub.engine, CHECKPOINT, hub.store.head_position())
    event = append(hub, CITY_CSP)
    assert Dispatcher(hub).run_once() == 1
    assert unfinished_batches(hub.engine) == [(event.position - 1, event.position)]
    return event


def test_a_worker_starting_fans_out_a_batch_whose_job_redis_lost(
    hub: Hub, receiver: Receiver
) -> None:
    event = dispatch_one(hub, receiver)
    hub.redis.flushdb()  # restarted without its data: the fan-out job is gone
    run_jobs(hub)  # a worker that only works its queue finds nothing to do
    assert receiver.processed == []
    run_worker(hub, burst=True)  # a worker starting runs the batch the database still holds
    assert receiver.processed == [event.event_id]
    assert unfinished_batches(hub.engine) == []


def test_a_batch_whose_job_is_waiting_is_left_to_it_and_forgotten_once_run(
    hub: Hub, receiver: Receiver
) -> None:
    event = dispatch_one(hub, receiver)
    assert resume_batches(hub) == 0  # its job is queued: a worker starting leaves it be
    assert receiver.processed == []
    run_jobs(hub)
    assert receiver.processed == [event.event_id]
    assert unfinished_batches(hub.engine) == []


def test_a_sweep_run_started_before_its_time_still_leaves_the_next_run_scheduled(
    hub: Hub, clock: HandClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # RQ scores scheduled jobs in whole seconds, so the run due at x.5 s can start at x.476 s
    # (as it did on CI). Its next run must not be scheduled under its own job id: that job's
    # result is discarded when it ends, and the chain with it.
    monkeypatch.setenv("HUB_WEBHOOK_SWEEP_SECONDS", "0.5")
    due_ms = (math.floor(clock.now.timestamp()) + 1) * 1000 + 500
    clock.now = datetime.fromtimestamp((due_ms - 24) / 1000, UTC)
    hub.queue.enqueue(delivery.SWEEP_JOB, due_ms=due_ms, job_id=f"webhooks-sweep-{due_ms}",
                      result_ttl=0)
    run_jobs(hub)
    [following] = ScheduledJobRegistry(queue=hub.queue).get_job_ids()
    assert following == f"webhooks-sweep-{due_ms + 500}"
    assert Job.fetch(following, connection=hub.redis).kwargs == {"due_ms": due_ms + 500}


def test_the_sweep_requeues_a_message_whose_job_was_lost(
    hub: Hub, receiver: Receiver, clock: HandClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_WEBHOOK_SWEEP_SECONDS", "10")
    add_endpoint(hub, receiver)
    event = append(hub, CITY_CSP)
    fanout.fan_out(hub, _config(), event)
    hub.redis.flushdb()  # say Redis lost its data, or the fan-out died before queueing
    clock.advance(seconds=delivery.OVERDUE_SWEEPS * 10 - 1)
    assert delivery.sweep(hub, _config()) == (0, 0)  # not yet: its job may just be queued late
    clock.advance(seconds=2)
    assert delivery.sweep(hub, _config()) == (0, 1)
    run_jobs(hub)
    assert receiver.processed == [event.event_id]


def test_a_disabled_endpoint_holds_its_messages_until_enabled(
    hub: Hub, receiver: Receiver
) -> None:
    endpoint = add_endpoint(hub, receiver)
    endpoints = Endpoints(hub, _config())
    event = append(hub, CITY_CSP)
    [message_id] = fanout.fan_out(hub, _config(), event)
    endpoints.disable(CITY, endpoint.endpoint_id, "Disabled by a test.")
    run_jobs(hub)
    assert receiver.deliveries == []
    assert messages_of(hub, endpoint.endpoint_id)[0].status == "pending"
    assert fanout.fan_out(hub, _config(), append(hub, CITY_CSP)) == []
    endpoints.enable(CITY, endpoint.endpoint_id)
    run_jobs(hub)
    assert receiver.processed == [event.event_id]
    assert endpoint_row(hub, endpoint.endpoint_id).disabled_reason is None
    assert messages_of(hub, endpoint.endpoint_id)[0].message_id == message_id


def test_replay_sends_again_everything_since_a_time(
    hub: Hub, receiver: Receiver, clock: HandClock
) -> None:
    endpoint = add_endpoint(hub, receiver, types=("workspace.*",))
    endpoints = Endpoints(hub, _config())
    since = clock.now - timedelta(seconds=1)
    before = append(hub, CITY_CSP)
    fanout.fan_out(hub, _config(), before)
    run_jobs(hub)
    endpoints.disable(CITY, endpoint.endpoint_id, "partner outage")
    during = append(hub, CITY_CSP)
    fanout.fan_out(hub, _config(), during)
    elsewhere = append(hub, BLABY_CSP)
    endpoints.enable(CITY, endpoint.endpoint_id)
    assert log.replay(hub, _config(), endpoint_row(hub, endpoint.endpoint_id), since) == 2
    run_jobs(hub)
    ids = [d.headers["webhook-id"] for d in receiver.deliveries]
    assert ids == [before.event_id, before.event_id, during.event_id]
    assert elsewhere.event_id not in ids


def test_secrets_are_never_read_by_the_listing_queries(hub: Hub, receiver: Receiver) -> None:
    add_endpoint(hub, receiver)
    [secret] = receiver.secrets
    listed = Endpoints(hub, _config()).of(CITY)
    assert secret not in json.dumps([list(map(str, row)) for row in listed])
    with hub.engine.connect() as conn:
        assert conn.execute(select(attempts_table)).all() == []
