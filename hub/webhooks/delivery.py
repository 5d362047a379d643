"""Delivering messages: claim attempts, send them, record what happened, schedule the next.

Attempts due now are queued in RQ jobs of up to :data:`JOB_ATTEMPTS`
(``workers.webhooks.deliver_many``, each a list of ``(message, attempt number)``); a retry
due later is a scheduled job of its own (``workers.webhooks.deliver``). A job works through
its attempts :data:`CLAIM_AT_ONCE` at a time: it first *claims* them in one statement
(status ``pending`` → ``sending``, ``attempts`` n-1 → n, with a lease), so a duplicate job, a
job for an attempt already made, or a job for a disabled endpoint does nothing; it sends them
one after another on the process's keep-alive connections; then it records every attempt of the
group in one transaction and either finishes each message (delivered, or failed once the
backoff schedule is used up) or puts it back to ``pending`` and schedules attempt n+1 with
``enqueue_at``. Claiming, signing and recording a group at a time is what lets one worker keep
pace with a plain HTTP client (``bench/webhooks.py``): one RQ job and one database round trip
per message cost several times the POST itself.

**A worker killed mid-attempt** leaves its claimed messages ``sending`` with a lease that lapses
``timeout + 5 s`` after the claim (a group still sending renews its lease before it runs short).
The sweep (``workers.webhooks.sweep``, a job that schedules its own next run every
``HUB_WEBHOOK_SWEEP_SECONDS``) records such an attempt as abandoned and schedules the next one,
with the same ``webhook-id``; receivers de-duplicate on it. So a kill costs each message of the
group one attempt, recorded as "the receiver may have it", never the message. The sweep also
re-queues ``pending`` messages well past their time (:data:`OVERDUE_SWEEPS` sweep intervals),
whose job was lost (e.g. a crash between creating a message and queueing it). Queueing any
attempt re-arms the sweep chain should it have lapsed (a Redis key each sweep refreshes), and
so does a worker starting (or re-arming after Redis lost its data) while any message is
unfinished, so recovery does not rest on any single job
surviving, nor on Redis keeping its scheduled jobs. RQ's own abandoned-job handling is not
relied on: it waits for the job's heartbeat to expire and for a worker's maintenance round
(every 10 minutes).

The sweep's scheduled runs, like retries, need an RQ scheduler. It runs in a thread of each
worker (:mod:`workers.upkeep`), so it dies with its worker, and a worker restarted on the same
host takes over a dead one's scheduler lock at once (from another host: once the lock lapses,
within 61 s).
"""

from __future__ import annotations

import logging
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from rq import Queue
from sqlalchemy import Connection, insert, select, tuple_, update

from hub.bootstrap import Hub
from hub.db import aware
from hub.domain.errors import N_, DomainError
from hub.webhooks import metrics, payloads, transport
from hub.webhooks.config import WebhookConfig
from hub.webhooks.errors import EndpointNotValidated
from hub.webhooks.guard import check_url
from hub.webhooks.tables import (
    attempts_table,
    endpoints_table,
    messages_table,
    secrets_table,
)

log = logging.getLogger("hub.webhooks")

DELIVER_JOB = "workers.webhooks.deliver"
DELIVER_MANY_JOB = "workers.webhooks.deliver_many"
SWEEP_JOB = "workers.webhooks.sweep"
SWEEP_KEY = "hub:webhooks:sweep-armed"
OVERDUE_SWEEPS = 2
"""How many sweep intervals past its time a pending message's job is presumed lost. Two, not
one, so that a job merely waiting in a busy queue is seldom doubled; a doubled one does no
harm, since an attempt is claimed before it is made."""
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
ABANDONED = "abandoned"
MAX_RETRY_AFTER = 86400.0
SWEEP_BATCH = 1000
JOB_ATTEMPTS = 100
"""Attempts queued in one delivery job: enough to make RQ's own cost per job (a few ms, dozens
of Redis commands) small beside the POSTs, few enough that a busy endpoint's backlog is spread
over every worker."""
CLAIM_AT_ONCE = 50
"""Attempts claimed, and then recorded, together: at most this many messages get an abandoned
attempt when a worker dies mid-group."""

Attempt = tuple[str, int]
"""A message id and the attempt number to make."""


def job_id(message_id: str, number: int) -> str:
    """The RQ job id of attempt ``number`` of a message (the same however often it is queued)."""
    return f"webhook-{message_id}-{number}"


def enqueue(
    hub: Hub, config: WebhookConfig, attempts: Iterable[tuple[str, int, datetime | None]]
) -> None:
    """Queue attempts ``(message_id, number, when)``: at once when ``when`` is None or past.

    Attempts due now go out in jobs of up to :data:`JOB_ATTEMPTS`, in the order given (callers
    pass one endpoint's messages together). Whatever queues an attempt also makes sure the
    sweep is running to recover it.
    """
    attempts = list(attempts)
    if not attempts:
        return
    queue: Queue = hub.queue
    now = hub.clock()
    timeout = math.ceil(config.lease.total_seconds())
    due: list[Attempt] = []
    for message_id, number, when in attempts:
        if when is None or when <= now:
            due.append((message_id, number))
        else:
            queue.enqueue_at(
                when, DELIVER_JOB, message_id=message_id, number=number,
                job_id=job_id(message_id, number), job_timeout=timeout, result_ttl=0,
            )
    jobs = []
    for start in range(0, len(due), JOB_ATTEMPTS):
        group = due[start:start + JOB_ATTEMPTS]
        first = job_id(*group[0])
        jobs.append(
            Queue.prepare_data(
                DELIVER_MANY_JOB, kwargs={"attempts": [list(a) for a in group]},
                job_id=first if len(group) == 1 else f"{first}-and-{len(group) - 1}",
                # RQ stops a job that outlives its timeout, and each attempt may take the whole
                # of the attempt timeout.
                timeout=timeout * len(group), result_ttl=0,
                description=f"webhook {group[0][0]} attempt {group[0][1]}"
                + (f" and {len(group) - 1} more" if len(group) > 1 else ""),
            )
        )
    if jobs:
        queue.enqueue_many(jobs)
    arm_sweep(hub, config)


def attempt(
    hub: Hub, config: WebhookConfig, message_id: str, number: int, *, force: bool = False
) -> str:
    """Make attempt ``number`` of a message; returns what became of it (for logs and tests).

    ``force`` sends even to a disabled endpoint (a test message an admin asked for).
    """
    return attempt_many(hub, config, [(message_id, number)], force=force)[message_id]


def attempt_many(
    hub: Hub, config: WebhookConfig, attempts: Sequence[Attempt], *, force: bool = False
) -> dict[str, str]:
    """Make each attempt ``(message_id, number)``; what became of each, by message id.

    An attempt is ``delivered``, ``failed``, ``stale`` (made already, or the message moved on)
    or ``held`` (its endpoint is disabled and ``force`` is not set).
    """
    outcomes: dict[str, str] = {}
    for start in range(0, len(attempts), CLAIM_AT_ONCE):
        group = _claim(hub, config, attempts[start:start + CLAIM_AT_ONCE], force=force)
        outcomes.update(group.skipped)
        sent = []
        for n, message in enumerate(group.messages):
            group.keep_leased(hub, config, n)
            sent.append(_send(hub, config, group, message))
        outcomes.update(_record(hub, config, sent))
    return outcomes


def resume(hub: Hub, config: WebhookConfig, endpoint_id: str) -> int:
    """Queue the waiting messages of an endpoint at once, each with a fresh backoff round."""
    now = hub.clock()
    with hub.engine.begin() as conn:
        conn.execute(
            update(messages_table)
            .where((messages_table.c.endpoint_id == endpoint_id)
                   & (messages_table.c.status == PENDING))
            .values(step=0, next_attempt_at=now)
        )
        waiting = conn.execute(
            select(messages_table.c.message_id, messages_table.c.attempts).where(
                (messages_table.c.endpoint_id == endpoint_id)
                & (messages_table.c.status == PENDING)
            )
        ).all()
    enqueue(hub, config, [(m.message_id, m.attempts + 1, None) for m in waiting])
    return len(waiting)


def arm_sweep(hub: Hub, config: WebhookConfig) -> None:
    """Start the sweep chain unless it is running (cheap: one Redis call)."""
    if hub.redis.set(SWEEP_KEY, "1", nx=True, ex=math.ceil(3 * config.sweep_every)):
        hub.queue.enqueue(SWEEP_JOB, job_id=f"webhooks-sweep-now-{int(hub.clock().timestamp())}",
                          result_ttl=0)


def resume_sweep(hub: Hub, config: WebhookConfig) -> bool:
    """Arm the sweep if any message is unfinished; a worker calls this as it starts.

    Redis may have lost the chain with its scheduled jobs (see the module's notes), and with no
    new event to queue an attempt nothing else would re-arm it.
    """
    with hub.engine.connect() as conn:
        unfinished = conn.execute(
            select(messages_table.c.message_id)
            .where(messages_table.c.status.in_((PENDING, SENDING))).limit(1)
        ).first()
    if unfinished is not None:
        arm_sweep(hub, config)
    return unfinished is not None


def schedule_next_sweep(hub: Hub, config: WebhookConfig, after_ms: int | None = None) -> None:
    """Keep the chain alive: refresh its Redis key and schedule the next run.

    Runs are aligned to multiples of the interval and named by them (in whole milliseconds, so
    no rounding can name two runs alike), so chains started twice by a race merge into one.
    ``after_ms`` is the run now going: RQ scores scheduled jobs in whole seconds, so a run due
    at x.5 s may start at x.0, before its own time by the clock. The next run must still come
    after it: scheduled under the running job's own id, it would be deleted with that job's
    result (``result_ttl=0``) and the chain would end.
    """
    every = config.sweep_every
    hub.redis.set(SWEEP_KEY, "1", ex=math.ceil(3 * every))
    now = hub.clock()
    every_ms = max(1, round(every * 1000))
    due_ms = (max(math.floor(now.timestamp() * 1000), after_ms or 0) // every_ms + 1) * every_ms
    when = datetime.fromtimestamp(due_ms / 1000, tz=now.tzinfo)
    hub.queue.enqueue_at(when, SWEEP_JOB, due_ms=due_ms, job_id=f"webhooks-sweep-{due_ms}",
                         result_ttl=0)


def sweep(hub: Hub, config: WebhookConfig) -> tuple[int, int]:
    """Recover abandoned attempts and lost jobs; returns how many of each."""
    now = hub.clock()
    with hub.engine.connect() as conn:
        stuck = conn.execute(
            select(messages_table)
            .where((messages_table.c.status == SENDING) & (messages_table.c.lease_until < now))
            .limit(SWEEP_BATCH)
        ).all()
        overdue = conn.execute(
            select(messages_table.c.message_id, messages_table.c.attempts)
            .join(endpoints_table, endpoints_table.c.endpoint_id == messages_table.c.endpoint_id)
            .where(
                (messages_table.c.status == PENDING)
                & (endpoints_table.c.state == "active")
                & (messages_table.c.next_attempt_at
                   < now - timedelta(seconds=OVERDUE_SWEEPS * config.sweep_every))
            )
            .limit(SWEEP_BATCH)
        ).all()
    answer = transport.Answer(
        None, 0, error="the worker stopped during this attempt; the receiver may have it"
    )
    outcomes = _record(
        hub, config, [_Sent(m, m.attempts, aware(m.lease_until), answer) for m in stuck],
        abandoned=True,
    )
    recovered = sum(1 for outcome in outcomes.values() if outcome != "stale")
    enqueue(hub, config, [(m.message_id, m.attempts + 1, None) for m in overdue])
    if stuck or overdue:
        log.warning("event=webhook_sweep abandoned=%d requeued=%d", recovered, len(overdue))
    return recovered, len(overdue)


LEASE_RENEWAL = timedelta(seconds=4)
"""How long after a claim (or renewal) a group still sending renews its lease: the lease is
``timeout + 5 s``, so at least ``timeout + 1 s`` is left for the attempt about to start."""


@dataclass
class _Group:
    """Attempts claimed together, and what sending them needs."""

    messages: list[Any]
    """The claimed message rows, in the order asked for; ``attempts`` is the number being made."""
    skipped: dict[str, str]
    """What became of the attempts that were not claimed (``stale`` or ``held``)."""
    urls: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, list[str]] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)
    lease_until: datetime | None = None

    def keep_leased(self, hub: Hub, config: WebhookConfig, sent: int) -> None:
        """Renew the group's lease before attempt ``sent`` when it could lapse during it.

        Every message of the group is renewed, sent or not: none is recorded until the group
        is done, and the sweep must not take over an attempt whose answer is in hand.
        """
        now = hub.clock()
        if self.lease_until is None or self.lease_until - now > config.lease - LEASE_RENEWAL:
            return
        self.lease_until = now + config.lease
        with hub.engine.begin() as conn:
            _lazy_commit(conn)
            conn.execute(
                update(messages_table)
                .where(messages_table.c.message_id.in_([m.message_id for m in self.messages])
                       & (messages_table.c.status == SENDING))
                .values(lease_until=self.lease_until)
            )
        log.info("event=webhook_lease_renewed messages=%d sent=%d", len(self.messages), sent)


@dataclass(frozen=True)
class _Sent:
    """One attempt made (or given up on by the sweep), to be recorded."""

    message: Any
    number: int
    started_at: datetime
    answer: transport.Answer


def _claim(
    hub: Hub, config: WebhookConfig, attempts: Sequence[Attempt], *, force: bool
) -> _Group:
    now = hub.clock()
    lease_until = now + config.lease
    order = {message_id: n for n, (message_id, _) in enumerate(attempts)}
    claimable = (
        tuple_(messages_table.c.message_id, messages_table.c.attempts).in_(
            [(message_id, number - 1) for message_id, number in attempts]
        )
        & (messages_table.c.status == PENDING)
    )
    if not force:
        claimable &= messages_table.c.endpoint_id.in_(
            select(endpoints_table.c.endpoint_id).where(endpoints_table.c.state == "active")
        )
    with hub.engine.begin() as conn:
        _lazy_commit(conn)
        claimed = sorted(
            conn.execute(
                update(messages_table).where(claimable)
                .values(status=SENDING, attempts=messages_table.c.attempts + 1,
                        lease_until=lease_until)
                .returning(*messages_table.c)
            ).all(),
            key=lambda m: order[m.message_id],
        )
        group = _Group(claimed, _why_not_claimed(conn, attempts, claimed))
        if not claimed:
            return group
        group.lease_until = lease_until
        _endpoints_of(conn, group, now)
        _bodies_of(hub, conn, config, group)
    return group


def _why_not_claimed(
    conn: Connection, attempts: Sequence[Attempt], claimed: list[Any]
) -> dict[str, str]:
    taken = {m.message_id for m in claimed}
    rest = {message_id: number for message_id, number in attempts if message_id not in taken}
    if not rest:
        return {}
    found = {
        row.message_id: row
        for row in conn.execute(
            select(messages_table.c.message_id, messages_table.c.status,
                   messages_table.c.attempts, endpoints_table.c.state)
            .join(endpoints_table,
                  endpoints_table.c.endpoint_id == messages_table.c.endpoint_id)
            .where(messages_table.c.message_id.in_(list(rest)))
        )
    }
    outcomes = {}
    for message_id, number in rest.items():
        row = found.get(message_id)
        if row is None or row.status != PENDING or row.attempts != number - 1:
            outcomes[message_id] = "stale"
        else:  # claimable but for its endpoint (or claimed by a racing job meanwhile)
            outcomes[message_id] = "held" if row.state != "active" else "stale"
    return outcomes


def _endpoints_of(conn: Connection, group: _Group, now: datetime) -> None:
    """Each endpoint's URL and live signing secrets (newest first), read once per group."""
    endpoint_ids = list({m.endpoint_id for m in group.messages})
    for row in conn.execute(
        select(endpoints_table.c.endpoint_id, endpoints_table.c.url, secrets_table.c.secret,
               secrets_table.c.expires_at)
        .outerjoin(secrets_table, secrets_table.c.endpoint_id == endpoints_table.c.endpoint_id)
        .where(endpoints_table.c.endpoint_id.in_(endpoint_ids))
        .order_by(secrets_table.c.created_at.desc())
    ):
        group.urls[row.endpoint_id] = row.url
        live = group.secrets.setdefault(row.endpoint_id, [])
        if row.secret is not None and (row.expires_at is None or aware(row.expires_at) > now):
            live.append(row.secret)


def _bodies_of(hub: Hub, conn: Connection, config: WebhookConfig, group: _Group) -> None:
    """Each message's body: its event read from the log (one query per group) as a CloudEvent."""
    positions = {m.position for m in group.messages if m.position is not None}
    events = {event.position: event for event in hub.store.read_positions_on(conn, positions)}
    for message in group.messages:
        group.bodies[message.message_id] = (
            payloads.test_body(message.message_id, message.endpoint_id,
                               aware(message.created_at) or hub.clock())
            if message.position is None
            else payloads.event_body(events[message.position], hub.cursors,
                                      config.public_url)
        )


def _lazy_commit(conn: Connection) -> None:
    # Claims and attempt records may be lost if PostgreSQL itself crashes (never corrupted):
    # the sweep then sends the message again, which receivers de-duplicate. Not waiting for
    # the WAL flush halves the cost of a delivery. Message rows are written durably.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")


def _send(hub: Hub, config: WebhookConfig, group: _Group, message: Any) -> _Sent:
    started_at = hub.clock()
    url = group.urls[message.endpoint_id]
    try:
        check_url(url, config)
    except DomainError as refused:
        answer = transport.Answer(None, 0, error=f"refused: {refused.message}")
    else:
        body = group.bodies[message.message_id]
        headers = payloads.headers(
            message.event_id, int(started_at.timestamp()), body,
            group.secrets[message.endpoint_id], config.origin,
        )
        answer = transport.request(config, "POST", url, headers, body)
    return _Sent(message, message.attempts, started_at, answer)


def _record(
    hub: Hub, config: WebhookConfig, sent: Sequence[_Sent], *, abandoned: bool = False
) -> dict[str, str]:
    """Record each attempt and move its message on, all in one transaction; the outcomes."""
    if not sent:
        return {}
    now = hub.clock()
    outcomes: dict[str, str] = {}
    later: list[tuple[str, int, datetime | None]] = []
    counts: Counter[str] = Counter()
    with hub.engine.begin() as conn:
        _lazy_commit(conn)
        if abandoned:
            sent = [s for s in sent if _take_abandoned(conn, config, s, now, outcomes)]
            if not sent:
                return outcomes
        conn.execute(insert(attempts_table), [_attempt_row(s, now, abandoned) for s in sent])
        _delivered(conn, [s.message.message_id for s in sent if s.answer.ok], now)
        streak_ended: set[str] = set()
        for s in sent:
            endpoint_id = s.message.endpoint_id
            if s.answer.ok:
                outcomes[s.message.message_id] = DELIVERED
                counts[metrics.DELIVERED] += 1
                if endpoint_id not in streak_ended:
                    _streak_ended(conn, endpoint_id)
                    streak_ended.add(endpoint_id)
                continue
            outcomes[s.message.message_id] = ABANDONED if abandoned else FAILED
            streak_ended.discard(endpoint_id)
            following = _failed(conn, config, s.message, s.number, now, s.answer,
                                at_once=abandoned)
            if following:
                counts[metrics.RETRIED] += 1
                later.extend(following)
            elif following == []:
                counts[metrics.FAILED] += 1
            if not abandoned:
                _endpoint_failing(hub, conn, config, endpoint_id, now, s.answer)
    for name, amount in counts.items():
        metrics.count(hub.redis, name, amount)
    enqueue(hub, config, later)
    for s in sent:
        log.info(
            "event=webhook_attempt message=%s endpoint=%s number=%d outcome=%s status=%s ms=%s",
            s.message.message_id, s.message.endpoint_id, s.number,
            outcomes[s.message.message_id], s.answer.status_code, s.answer.latency_ms,
        )
    return outcomes


def _take_abandoned(
    conn: Connection, config: WebhookConfig, s: _Sent, now: datetime, outcomes: dict[str, str]
) -> bool:
    # Only the sweep that wins the lease records the abandoned attempt.
    taken = conn.execute(
        update(messages_table)
        .where((messages_table.c.message_id == s.message.message_id)
               & (messages_table.c.status == SENDING)
               & (messages_table.c.attempts == s.number)
               & (messages_table.c.lease_until < now))
        .values(lease_until=now + config.lease)
    ).rowcount
    if not taken:
        outcomes[s.message.message_id] = "stale"
    return bool(taken)


def _attempt_row(s: _Sent, now: datetime, abandoned: bool) -> dict[str, Any]:
    answer = s.answer
    return {
        "message_id": s.message.message_id, "endpoint_id": s.message.endpoint_id,
        "number": s.number, "started_at": s.started_at or now,
        "latency_ms": None if abandoned else answer.latency_ms,
        "status_code": answer.status_code,
        "outcome": DELIVERED if answer.ok else (ABANDONED if abandoned else FAILED),
        "error": (answer.error or _status_error(answer))[:500] or None,
        "response_body": answer.body,
    }


def _delivered(conn: Connection, message_ids: list[str], now: datetime) -> None:
    if message_ids:
        conn.execute(
            update(messages_table)
            .where(messages_table.c.message_id.in_(message_ids)
                   & (messages_table.c.status != DELIVERED))
            .values(status=DELIVERED, finished_at=now, lease_until=None, next_attempt_at=None)
        )


def _streak_ended(conn: Connection, endpoint_id: str) -> None:
    conn.execute(
        update(endpoints_table)
        .where((endpoints_table.c.endpoint_id == endpoint_id)
               & endpoints_table.c.failing_since.is_not(None))
        .values(failing_since=None)
    )


def _failed(
    conn: Connection, config: WebhookConfig, message: Any, number: int, now: datetime,
    answer: transport.Answer, *, at_once: bool,
) -> list[tuple[str, int, datetime | None]] | None:
    """The next attempt to queue; [] when the message has now failed; None if it moved on.

    ``at_once``: an abandoned attempt is retried without waiting (its lease was wait enough).
    """
    step = message.step + 1
    allowed = 1 if message.position is None else config.attempts
    if step >= allowed:
        values: dict[str, Any] = {"status": FAILED, "finished_at": now, "next_attempt_at": None}
    else:
        delay = 0.0 if at_once else max(config.backoff[step], _retry_after(answer, now))
        values = {"status": PENDING, "next_attempt_at": now + timedelta(seconds=delay)}
    moved = conn.execute(
        update(messages_table)
        .where((messages_table.c.message_id == message.message_id)
               & (messages_table.c.status == SENDING)
               & (messages_table.c.attempts == number))
        .values(step=step, lease_until=None, **values)
    ).rowcount
    if not moved:
        return None
    if values["status"] == FAILED:
        return []
    return [(message.message_id, number + 1, values["next_attempt_at"])]


def _endpoint_failing(
    hub: Hub, conn: Connection, config: WebhookConfig, endpoint_id: str, now: datetime,
    answer: transport.Answer,
) -> None:
    conn.execute(
        update(endpoints_table)
        .where((endpoints_table.c.endpoint_id == endpoint_id)
               & endpoints_table.c.failing_since.is_(None))
        .values(failing_since=now)
    )
    since = aware(conn.execute(
        select(endpoints_table.c.failing_since).where(endpoints_table.c.endpoint_id == endpoint_id)
    ).scalar())
    last = answer.error or _status_error(answer)
    if answer.status_code == 410:
        reason = (f"Disabled automatically on {now:%d %B %Y at %H:%M} UTC: the receiver answered "
                  "410 Gone, which means it has been retired.")
    elif since is not None and now - since >= config.disable_after:
        reason = (f"Disabled automatically on {now:%d %B %Y at %H:%M} UTC: every delivery since "
                  f"{since:%d %B %Y at %H:%M} UTC failed (the last: {last}).")
    else:
        return
    disabled = conn.execute(
        update(endpoints_table)
        .where((endpoints_table.c.endpoint_id == endpoint_id)
               & (endpoints_table.c.state == "active"))
        .values(state="disabled", disabled_at=now, disabled_reason=reason[:500])
    ).rowcount
    if disabled:
        metrics.count(hub.redis, metrics.DISABLED)
        log.warning("event=webhook_endpoint_disabled endpoint=%s reason=%r", endpoint_id, reason)


def _status_error(answer: transport.Answer) -> str:
    if answer.status_code is None or answer.ok:
        return ""
    return f"the receiver answered {answer.status_code}"


def _retry_after(answer: transport.Answer, now: datetime) -> float:
    """Seconds a 429 or 503 asks the hub to wait (the CloudEvents webhook spec says obey it)."""
    if answer.status_code not in (429, 503) or not answer.headers:
        return 0.0
    raw = answer.headers.get("retry-after", "").strip()
    if raw.isdigit():
        return min(float(raw), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return 0.0
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def send_test(hub: Hub, config: WebhookConfig, endpoint: Any) -> tuple[str, Any]:
    """Send a ``webhook.test`` message now, in this process; returns its id and its attempt.

    It gets one attempt (it is a check, not something to retry for a day), and goes to a
    disabled endpoint too, so an admin can try a fix before enabling it.
    """
    if endpoint.handshake_required and endpoint.validated_at is None:
        raise EndpointNotValidated(
            N_("the receiver has not passed the validation handshake, so nothing may be sent to it")
        )
    message_id, now = str(uuid.uuid4()), hub.clock()
    with hub.engine.begin() as conn:
        conn.execute(
            insert(messages_table).values(
                message_id=message_id, endpoint_id=endpoint.endpoint_id, event_id=message_id,
                position=None, event_type=payloads.TEST_TYPE, status=PENDING, attempts=0, step=0,
                next_attempt_at=now, created_at=now,
            )
        )
    attempt(hub, config, message_id, 1, force=True)
    with hub.engine.connect() as conn:
        made = conn.execute(
            select(attempts_table).where(attempts_table.c.message_id == message_id)
        ).first()
    return message_id, made
