"""What every schedule shares: jobs at an instant of the hub's clock, kept or re-armed.

A scheduled job lives only in Redis. Redis restarted without its data, or embedded mode
restarted (its stand-in for Redis is in memory), loses every one of them, so each schedule
also registers a start-up pass (:func:`workers.reactions.on_start`) that re-arms, from the read
models, the jobs of every record still waiting for one. Job ids are deterministic, so a job
still waiting in Redis is left as it is (:func:`armed`), and a job armed twice by two workers
starting together does its work once: every scheduled command is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from hub.bootstrap import Hub

_LONDON = ZoneInfo("Europe/London")


def start_of_london_day(day: date) -> datetime:
    """The instant ``day`` begins in England and Wales, in UTC: when a change dated ``day``
    (a merger's effect, a termination, a transfer of governance) takes effect."""
    return datetime.combine(day, time(0, 0), tzinfo=_LONDON).astimezone(UTC)


def schedule_at(
    hub: Hub, when: datetime, func: Callable[..., Any], job_id: str | None, *,
    unless_armed: bool = False, **kwargs: Any,
) -> int:
    """Run ``func(**kwargs)`` once ``when`` has come by the hub's clock (at once if it has).

    With ``unless_armed``, not if the job ``job_id`` is already waiting or running (a worker
    starting re-arms only what Redis lost). How many jobs were scheduled: 0 or 1.
    """
    if unless_armed and job_id is not None and armed(hub, job_id):
        return 0
    delay = when - hub.clock()
    if delay <= timedelta(0):
        hub.queue.enqueue(func, job_id=job_id, kwargs=kwargs)
    else:
        hub.queue.enqueue_in(delay, func, job_id=job_id, kwargs=kwargs)
    return 1


def release_at(
    hub: Hub, when: datetime, func: Callable[..., Any], job_id: str, *,
    unless_armed: bool = False, **kwargs: Any,
) -> int:
    """Have RQ release ``func(**kwargs)`` at ``when`` by its own clock; the job then checks the
    hub's clock itself (:func:`not_yet`). ``unless_armed`` and the count as :func:`schedule_at`.
    """
    if unless_armed and armed(hub, job_id):
        return 0
    hub.queue.enqueue_at(when.astimezone(UTC), func, kwargs=kwargs, job_id=job_id)
    return 1


def due(hub: Hub, when: datetime, func: Callable[..., Any], **kwargs: Any) -> bool:
    """True when ``when`` has come by the hub's clock; otherwise run ``func`` again then."""
    if hub.clock() >= when:
        return True
    schedule_at(hub, when, func, None, **kwargs)
    return False


def unschedule(hub: Hub, job_id: str) -> None:
    """Remove a scheduled job that no longer applies (it would do nothing if it ran)."""
    hub.queue.scheduled_job_registry.remove(job_id)
    with suppress(NoSuchJobError):
        Job.fetch(job_id, connection=hub.redis).delete()


WAITING_OR_RUNNING = frozenset(
    {JobStatus.SCHEDULED, JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.STARTED}
)


def armed(hub: Hub, job_id: str) -> bool:
    """True if the job ``job_id`` is waiting to run, or running.

    A job that finished or failed is not: arming it again runs it again, which does its work
    if the first run could not (its command is idempotent).
    """
    try:
        return Job.fetch(job_id, connection=hub.redis).get_status() in WAITING_OR_RUNNING
    except NoSuchJobError:
        return False


def not_yet(hub: Hub, when: datetime, job: Callable[..., Any], **kwargs: Any) -> bool:
    """True (and the job scheduled again for ``when``) if the hub's clock has not reached it.

    RQ's scheduler runs on its own host's clock; a job it releases a moment before the hub's
    clock reaches the job's time must not be lost to a "not yet" decision.
    """
    if hub.clock() >= when:
        return False
    retry_id = f"{job_id_for(job, kwargs)}-again-{uuid.uuid4().hex[:8]}"
    release_at(hub, when, job, retry_id, **kwargs)
    return True


def job_id_for(job: Callable[..., Any], kwargs: dict[str, Any]) -> str:
    """A deterministic RQ job id for ``job`` run with ``kwargs``."""
    parts = "-".join(str(kwargs[name]) for name in sorted(kwargs) if kwargs[name] is not None)
    return f"{job.__name__}-{parts}"
