"""Scheduled work of report requests: reminders before the due date, and the overdue mark.

When a request is required, or a granted extension moves its due date, the dispatcher's
per-event job runs :func:`schedule_deadlines`. It schedules one RQ job per reminder (7 and 1
days before) and one for the overdue check, each with a job id naming the request and the due
date, so a repeated reaction schedules nothing twice; a moved due date's old jobs are
cancelled. Each job issues its command as the hub with an idempotency key, and the command
carries the due date it was scheduled for: the decider ignores it once that date is no longer
current, once the report is submitted, or once it has already happened.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from rq.exceptions import NoSuchJobError
from rq.job import Job

from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.domain.record import RecordType
from hub.domain.reports import (
    REMINDER_DAYS,
    REPORT_REQUEST,
    deadline_commands,
    overdue_at,
    reminder_at,
)
from hub.events import AppendResult, ConcurrencyConflict
from hub.events.envelope import RecordedEvent
from hub.service import handle
from schemas.commands import Command
from schemas.commands.reports import MarkReportOverdue, SendReportReminder
from workers.reactions import on
from workers.runtime import current_hub

log = logging.getLogger("hub.jobs.reports")


def issue_as_hub(
    hub: Hub, record: RecordType[Any], key: str, command: Command, idempotency_key: str
) -> AppendResult:
    """Issue a scheduled command as the hub; after a concurrent change, decide once more."""
    try:
        return handle(hub, record, key, command, SYSTEM, idempotency_key=idempotency_key)
    except ConcurrencyConflict:
        return handle(hub, record, key, command, SYSTEM, idempotency_key=idempotency_key)


def not_yet(hub: Hub, when: datetime, job: Callable[..., Any], **kwargs: Any) -> bool:
    """True (and the job scheduled again for ``when``) if the hub's clock has not reached it.

    RQ's scheduler runs on its own host's clock; a job it releases a moment before the hub's
    clock reaches the job's time must not be lost to a "not yet" decision.
    """
    if hub.clock() >= when:
        return False
    retry_id = f"{job_id_for(job, kwargs)}-again-{uuid.uuid4().hex[:8]}"
    hub.queue.enqueue_at(when.astimezone(UTC), job, kwargs=kwargs, job_id=retry_id)
    return True


def job_id_for(job: Callable[..., Any], kwargs: dict[str, Any]) -> str:
    """A deterministic RQ job id for ``job`` run with ``kwargs``."""
    parts = "-".join(str(kwargs[name]) for name in sorted(kwargs) if kwargs[name] is not None)
    return f"{job.__name__}-{parts}"


def _deadline_kwargs(command: MarkReportOverdue | SendReportReminder) -> dict[str, Any]:
    days = command.days_before if isinstance(command, SendReportReminder) else None
    return {
        "request_id": command.request_id,
        "due_on": command.due_on.isoformat(),
        "days_before": days,
    }


@on("report_request.required", "report_request.extension_granted")
def schedule_deadlines(hub: Hub, event: RecordedEvent) -> None:
    """Schedule the reminders and the overdue check for the request's (new) due date."""
    data = event.data
    request_id = data["request_id"]
    if "previous_due_on" in data:
        _cancel(hub, request_id, date.fromisoformat(data["previous_due_on"]))
    due_on = date.fromisoformat(data["due_on"])
    for when, command in deadline_commands(request_id, due_on, hub.clock()):
        kwargs = _deadline_kwargs(command)
        hub.queue.enqueue_at(
            when.astimezone(UTC), run_deadline, kwargs=kwargs,
            job_id=job_id_for(run_deadline, kwargs),
        )
    log.info("event=deadlines_scheduled request_id=%s due_on=%s", request_id, due_on)


def _cancel(hub: Hub, request_id: str, due_on: date) -> None:
    # Only tidiness: a job left behind carries the old due date, which the decider ignores.
    commands: list[MarkReportOverdue | SendReportReminder] = [
        SendReportReminder(request_id=request_id, due_on=due_on, days_before=days)
        for days in REMINDER_DAYS
    ]
    commands.append(MarkReportOverdue(request_id=request_id, due_on=due_on))
    for command in commands:
        job_id = job_id_for(run_deadline, _deadline_kwargs(command))
        with contextlib.suppress(NoSuchJobError):
            Job.fetch(job_id, connection=hub.redis).delete()


def run_deadline(request_id: str, due_on: str, days_before: int | None = None) -> str:
    """The RQ job: send one reminder (``days_before`` given) or mark the request overdue."""
    hub = current_hub()
    due = date.fromisoformat(due_on)
    when = reminder_at(due, days_before) if days_before else overdue_at(due)
    kwargs = {"request_id": request_id, "due_on": due_on, "days_before": days_before}
    if not_yet(hub, when, run_deadline, **kwargs):
        return "rescheduled"
    command: Command
    if days_before:
        command = SendReportReminder(request_id=request_id, due_on=due, days_before=days_before)
        kind = f"reminder-{days_before}"
    else:
        command = MarkReportOverdue(request_id=request_id, due_on=due)
        kind = "overdue"
    result = issue_as_hub(
        hub, REPORT_REQUEST, request_id, command, f"report_request:{request_id}:{kind}:{due_on}"
    )
    outcome = "done" if result.events and not result.replayed else "nothing to do"
    log.info(
        "event=report_deadline request_id=%s kind=%s due_on=%s outcome=%s",
        request_id, kind, due_on, outcome,
    )
    return outcome
