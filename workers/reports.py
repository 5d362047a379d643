"""Scheduled work of report requests: reminders before the due date, and the overdue mark.

When a request is required, or a granted extension moves its due date, the dispatcher's
per-event job runs :func:`schedule_deadlines`. It schedules one RQ job per reminder (7 and 1
days before) and one for the overdue check, each with a job id naming the request and the due
date, so a repeated reaction schedules nothing twice; a moved due date's old jobs are
cancelled. Each job issues its command as the hub with an idempotency key, and the command
carries the due date it was scheduled for: the decider ignores it once that date is no longer
current, once the report is submitted, or once it has already happened. A worker starting
re-arms the jobs of every request still awaiting its report (:func:`resume_deadlines`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.domain.reports import (
    AWAITING_SUBMISSION,
    REMINDER_DAYS,
    REPORT_REQUEST,
    deadline_commands,
    overdue_at,
    reminder_at,
)
from hub.events.envelope import RecordedEvent
from hub.projections.reports import report_requests
from hub.service import handle_as_hub
from schemas.commands import Command
from schemas.commands.reports import MarkReportOverdue, SendReportReminder
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import job_id_for, not_yet, release_at, unschedule

log = logging.getLogger("hub.jobs.reports")


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
    _schedule(hub, request_id, due_on)
    log.info("event=deadlines_scheduled request_id=%s due_on=%s", request_id, due_on)


@on_start
def resume_deadlines(hub: Hub) -> int:
    """Re-arm the deadline jobs Redis lost of every request still awaiting its report."""
    with hub.engine.connect() as conn:
        waiting = conn.execute(
            select(report_requests.c.request_id, report_requests.c.due_on).where(
                report_requests.c.status.in_([str(s) for s in AWAITING_SUBMISSION]),
                report_requests.c.overdue.is_(False),
            )
        ).all()
    return sum(_schedule(hub, request_id, due_on, resuming=True) for request_id, due_on in waiting)


def _schedule(hub: Hub, request_id: str, due_on: date, *, resuming: bool = False) -> int:
    """Schedule a due date's jobs (when ``resuming``, those Redis does not hold); how many."""
    count = 0
    for when, command in deadline_commands(request_id, due_on, hub.clock()):
        kwargs = _deadline_kwargs(command)
        count += release_at(hub, when, run_deadline, job_id_for(run_deadline, kwargs),
                            unless_armed=resuming, **kwargs)
    return count


def _cancel(hub: Hub, request_id: str, due_on: date) -> None:
    # Only tidiness: a job left behind carries the old due date, which the decider ignores.
    commands: list[MarkReportOverdue | SendReportReminder] = [
        SendReportReminder(request_id=request_id, due_on=due_on, days_before=days)
        for days in REMINDER_DAYS
    ]
    commands.append(MarkReportOverdue(request_id=request_id, due_on=due_on))
    for command in commands:
        unschedule(hub, job_id_for(run_deadline, _deadline_kwargs(command)))


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
    result = handle_as_hub(
        hub, REPORT_REQUEST, request_id, command, f"report_request:{request_id}:{kind}:{due_on}"
    )
    outcome = "done" if result.events and not result.replayed else "nothing to do"
    log.info(
        "event=report_deadline request_id=%s kind=%s due_on=%s outcome=%s",
        request_id, kind, due_on, outcome,
    )
    return outcome
