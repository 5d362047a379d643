"""Delivering a message: claim an attempt, send it, record what happened, schedule the next.

Each attempt is an RQ job (``workers.webhooks.deliver``) naming the message and the attempt
number it means to make. It first *claims* the attempt in the database (status ``pending`` →
``sending``, ``attempts`` n-1 → n, with a lease), so a duplicate job, a job for an attempt
already made, or a job for a disabled endpoint does nothing. After the request it records the
attempt and either finishes the message (delivered, or failed once the backoff schedule is used
up) or puts it back to ``pending`` and schedules attempt n+1 with ``enqueue_at``.

**A worker killed mid-attempt** leaves the message ``sending`` with a lease that lapses
``timeout + 5 s`` after the claim. The sweep (``workers.webhooks.sweep``, a job that schedules
its own next run every ``HUB_WEBHOOK_SWEEP_SECONDS``) records such an attempt as abandoned and
schedules the next one, with the same ``webhook-id``; receivers de-duplicate on it. The sweep
also re-queues ``pending`` messages well past their time (five sweep intervals), whose job was
lost (e.g. a crash between creating a message and queueing it). Queueing any attempt re-arms
the sweep chain should it have lapsed (a Redis key each sweep refreshes), so recovery does not
rest on any single job surviving. RQ's own abandoned-job handling is not relied on: it waits
for the job's heartbeat to expire and for a worker's maintenance round (every 10 minutes).

The sweep's scheduled runs, like retries, need an RQ scheduler: a worker killed with SIGKILL
leaves its scheduler child running (it keeps scheduling), but if the whole process group dies,
the scheduler lock lingers for up to 61 s and a new worker only retries taking it at its next
maintenance round.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from rq import Queue
from sqlalchemy import Connection, insert, select, update

from hub.bootstrap import Hub
from hub.domain.errors import DomainError
from hub.webhooks import metrics, payloads, transport
from hub.webhooks.config import WebhookConfig
from hub.webhooks.errors import EndpointNotValidated
from hub.webhooks.guard import check_url
from hub.webhooks.tables import (
    attempts_table,
    aware,
    endpoints_table,
    messages_table,
    secrets_table,
)

log = logging.getLogger("hub.webhooks")

DELIVER_JOB = "workers.webhooks.deliver"
SWEEP_JOB = "workers.webhooks.sweep"
SWEEP_KEY = "hub:webhooks:sweep-armed"
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
ABANDONED = "abandoned"
MAX_RETRY_AFTER = 86400.0
SWEEP_BATCH = 1000


def job_id(message_id: str, number: int) -> str:
    """The RQ job id of attempt ``number`` of a message (the same however often it is queued)."""
    return f"webhook-{message_id}-{number}"


def enqueue(
    hub: Hub, config: WebhookConfig, attempts: Iterable[tuple[str, int, datetime | None]]
) -> None:
    """Queue attempts ``(message_id, number, when)``: at once when ``when`` is None or past.

    Whatever queues an attempt also makes sure the sweep is running to recover it.
    """
    attempts = list(attempts)
    if not attempts:
        return
    queue: Queue = hub.queue
    now = hub.clock()
    options = {"job_timeout": math.ceil(config.lease.total_seconds()), "result_ttl": 0}
    immediate = []
    for message_id, number, when in attempts:
        if when is None or when <= now:
            immediate.append(
                Queue.prepare_data(
                    DELIVER_JOB, kwargs={"message_id": message_id, "number": number},
                    job_id=job_id(message_id, number), timeout=options["job_timeout"],
                    result_ttl=0, description=f"webhook {message_id} attempt {number}",
                )
            )
        else:
            queue.enqueue_at(
                when, DELIVER_JOB, message_id=message_id, number=number,
                job_id=job_id(message_id, number), **options,
            )
    for start in range(0, len(immediate), 500):
        queue.enqueue_many(immediate[start:start + 500])
    arm_sweep(hub, config)


def attempt(
    hub: Hub, config: WebhookConfig, message_id: str, number: int, *, force: bool = False
) -> str:
    """Make attempt ``number`` of a message; returns what became of it (for logs and tests).

    ``force`` sends even to a disabled endpoint (a test message an admin asked for).
    """
    claimed = _claim(hub, config, message_id, number, force=force)
    if isinstance(claimed, str):
        return claimed
    message, signing_secrets, body = claimed
    started_at = hub.clock()
    try:
        check_url(message.url, config)
    except DomainError as refused:
        answer = transport.Answer(None, 0, error=f"refused: {refused.message}")
    else:
        headers = payloads.headers(
            message.event_id, int(started_at.timestamp()), body, signing_secrets, config.origin
        )
        answer = transport.request(config, "POST", message.url, headers, body)
    return _record(hub, config, message, number, started_at, answer)


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


def schedule_next_sweep(hub: Hub, config: WebhookConfig) -> None:
    """Keep the chain alive: refresh its Redis key and schedule the next run.

    Runs are aligned to multiples of the interval and named by them, so chains started twice
    by a race merge into one.
    """
    every = config.sweep_every
    hub.redis.set(SWEEP_KEY, "1", ex=math.ceil(3 * every))
    due = (math.floor(hub.clock().timestamp() / every) + 1) * every
    when = datetime.fromtimestamp(due, tz=hub.clock().tzinfo)
    hub.queue.enqueue_at(when, SWEEP_JOB, job_id=f"webhooks-sweep-{int(due * 1000)}",
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
                   < now - timedelta(seconds=5 * config.sweep_every))
            )
            .limit(SWEEP_BATCH)
        ).all()
    recovered = 0
    for message in stuck:
        answer = transport.Answer(
            None, 0, error="the worker stopped during this attempt; the receiver may have it"
        )
        if _record(hub, config, message, message.attempts, aware(message.lease_until), answer,
                   abandoned=True) != "stale":
            recovered += 1
    enqueue(hub, config, [(m.message_id, m.attempts + 1, None) for m in overdue])
    if stuck or overdue:
        log.warning("event=webhook_sweep abandoned=%d requeued=%d", recovered, len(overdue))
    return recovered, len(overdue)


def _claim(
    hub: Hub, config: WebhookConfig, message_id: str, number: int, *, force: bool
) -> str | tuple[Any, list[str], bytes]:
    now = hub.clock()
    with hub.engine.begin() as conn:
        _lazy_commit(conn)
        message = conn.execute(
            select(messages_table, endpoints_table.c.url,
                   endpoints_table.c.state.label("endpoint_state"))
            .join(endpoints_table, endpoints_table.c.endpoint_id == messages_table.c.endpoint_id)
            .where(messages_table.c.message_id == message_id)
        ).first()
        if message is None or message.status != PENDING or message.attempts != number - 1:
            return "stale"
        if message.endpoint_state != "active" and not force:
            return "held"
        claimed = conn.execute(
            update(messages_table)
            .where((messages_table.c.message_id == message_id)
                   & (messages_table.c.status == PENDING)
                   & (messages_table.c.attempts == number - 1))
            .values(status=SENDING, attempts=number, lease_until=now + config.lease)
        ).rowcount
        if not claimed:
            return "stale"
        signing_secrets = _live_secrets(conn, message.endpoint_id, now)
        body = _body(hub, conn, config, message)
    return message, signing_secrets, body


def _lazy_commit(conn: Connection) -> None:
    # Claims and attempt records may be lost if PostgreSQL itself crashes (never corrupted):
    # the sweep then sends the message again, which receivers de-duplicate. Not waiting for
    # the WAL flush halves the cost of a delivery. Message rows are written durably.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")


def _live_secrets(conn: Connection, endpoint_id: str, now: datetime) -> list[str]:
    rows = conn.execute(
        select(secrets_table.c.secret, secrets_table.c.expires_at)
        .where(secrets_table.c.endpoint_id == endpoint_id)
        .order_by(secrets_table.c.created_at.desc())
    ).all()
    return [r.secret for r in rows if r.expires_at is None or aware(r.expires_at) > now]


def _body(hub: Hub, conn: Connection, config: WebhookConfig, message: Any) -> bytes:
    if message.position is None:
        return payloads.test_body(message.message_id, message.endpoint_id,
                                  aware(message.created_at) or hub.clock())
    [event] = hub.store.read_all_on(conn, message.position - 1, 1)
    return payloads.event_body(event, config.public_url)


def _record(
    hub: Hub, config: WebhookConfig, message: Any, number: int, started_at: datetime | None,
    answer: transport.Answer, *, abandoned: bool = False,
) -> str:
    now = hub.clock()
    outcome = DELIVERED if answer.ok else (ABANDONED if abandoned else FAILED)
    later: list[tuple[str, int, datetime | None]] | None = None
    with hub.engine.begin() as conn:
        _lazy_commit(conn)
        if abandoned:
            # Only the sweep that wins the lease records the abandoned attempt.
            taken = conn.execute(
                update(messages_table)
                .where((messages_table.c.message_id == message.message_id)
                       & (messages_table.c.status == SENDING)
                       & (messages_table.c.attempts == number)
                       & (messages_table.c.lease_until < now))
                .values(lease_until=now + config.lease)
            ).rowcount
            if not taken:
                return "stale"
        conn.execute(
            insert(attempts_table).values(
                message_id=message.message_id, endpoint_id=message.endpoint_id, number=number,
                started_at=started_at or now, latency_ms=None if abandoned else answer.latency_ms,
                status_code=answer.status_code, outcome=outcome,
                error=(answer.error or _status_error(answer))[:500] or None,
                response_body=answer.body,
            )
        )
        if answer.ok:
            _delivered(conn, message, now)
        else:
            later = _failed(conn, config, message, number, now, answer, at_once=abandoned)
            if not abandoned:
                _endpoint_failing(hub, conn, config, message.endpoint_id, now, answer)
    if answer.ok:
        metrics.count(hub.redis, metrics.DELIVERED)
    elif later:
        metrics.count(hub.redis, metrics.RETRIED)
        enqueue(hub, config, later)
    elif later == []:
        metrics.count(hub.redis, metrics.FAILED)
    log.info(
        "event=webhook_attempt message=%s endpoint=%s number=%d outcome=%s status=%s ms=%s",
        message.message_id, message.endpoint_id, number, outcome, answer.status_code,
        answer.latency_ms,
    )
    return outcome


def _delivered(conn: Connection, message: Any, now: datetime) -> None:
    conn.execute(
        update(messages_table)
        .where((messages_table.c.message_id == message.message_id)
               & (messages_table.c.status != DELIVERED))
        .values(status=DELIVERED, finished_at=now, lease_until=None, next_attempt_at=None)
    )
    conn.execute(
        update(endpoints_table)
        .where((endpoints_table.c.endpoint_id == message.endpoint_id)
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
            "the receiver has not passed the validation handshake, so nothing may be sent to it"
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
