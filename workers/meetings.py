"""Meeting schedules: a reminder a day before, "held" after the end, action reminders.

Each job carries what it was scheduled for (the start, the end, the due date), and the
decider ignores a job whose meeting has moved, been cancelled or finished, so a stale job
does nothing. Rescheduling and cancelling also remove the superseded jobs from the queue.
Delays are measured on the hub's clock (``hub.clock``), the time authority of every command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rq.exceptions import NoSuchJobError
from rq.job import Job

from hub.bootstrap import Hub
from hub.domain.meetings import LONDON, MEETING
from hub.events.envelope import RecordedEvent
from hub.handlers import meetings as handlers
from hub.service import load
from workers.reactions import on
from workers.runtime import current_hub

log = logging.getLogger("hub.jobs.meetings")

REMINDER_LEAD = timedelta(days=1)
ACTION_REMINDER_TIME = time(9, 0)
"""Action reminders go out at 09:00 in London on the day before the action falls due."""


def schedule_at(
    hub: Hub, when: datetime, func: Callable[..., Any], job_id: str | None, **kwargs: Any
) -> None:
    """Run ``func(**kwargs)`` once ``when`` has come by the hub's clock (at once if it has)."""
    delay = when - hub.clock()
    if delay <= timedelta(0):
        hub.queue.enqueue(func, job_id=job_id, kwargs=kwargs)
    else:
        hub.queue.enqueue_in(delay, func, job_id=job_id, kwargs=kwargs)


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


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def reminder_job_id(meeting_id: str, starts_at: datetime) -> str:
    """The job id of the reminder for a meeting starting at ``starts_at``."""
    return f"meeting-reminder-{meeting_id}-{_stamp(starts_at)}"


def held_job_id(meeting_id: str, ends_at: datetime) -> str:
    """The job id of the automatic "held" for a meeting ending at ``ends_at``."""
    return f"meeting-held-{meeting_id}-{_stamp(ends_at)}"


def action_reminder_job_id(meeting_id: str, action_id: str, due_on: date) -> str:
    """The job id of the reminder of an action due on ``due_on``."""
    return f"meeting-action-reminder-{meeting_id}-{action_id}-{due_on.isoformat()}"


def action_reminder_at(due_on: date) -> datetime:
    """When an action's reminder goes out: 09:00 in London the day before it falls due."""
    local = datetime.combine(due_on - timedelta(days=1), ACTION_REMINDER_TIME, tzinfo=LONDON)
    return local.astimezone(UTC)


def _schedule_meeting(hub: Hub, meeting_id: str, starts_at: datetime, ends_at: datetime) -> None:
    schedule_at(
        hub, starts_at - REMINDER_LEAD, send_reminder, reminder_job_id(meeting_id, starts_at),
        meeting_id=meeting_id, starts_at=starts_at.isoformat(),
    )
    schedule_at(
        hub, ends_at, mark_held, held_job_id(meeting_id, ends_at),
        meeting_id=meeting_id, ends_at=ends_at.isoformat(),
    )


def _instant(raw: str) -> datetime:
    return datetime.fromisoformat(raw).astimezone(UTC)


@on("meeting.convened")
def _convened(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    _schedule_meeting(hub, d["meeting_id"], _instant(d["starts_at"]), _instant(d["ends_at"]))


@on("meeting.rescheduled")
def _rescheduled(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    unschedule(hub, reminder_job_id(d["meeting_id"], _instant(d["previous_starts_at"])))
    unschedule(hub, held_job_id(d["meeting_id"], _instant(d["previous_ends_at"])))
    _schedule_meeting(hub, d["meeting_id"], _instant(d["starts_at"]), _instant(d["ends_at"]))


@on("meeting.cancelled")
def _cancelled(hub: Hub, event: RecordedEvent) -> None:
    meeting = load(hub, MEETING, event.data["meeting_id"]).state
    if meeting.starts_at is not None and meeting.ends_at is not None:
        unschedule(hub, reminder_job_id(meeting.meeting_id, meeting.starts_at))
        unschedule(hub, held_job_id(meeting.meeting_id, meeting.ends_at))


@on("meeting.action_assigned")
def _action_assigned(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    due_on = date.fromisoformat(d["due_on"])
    schedule_at(
        hub, action_reminder_at(due_on), send_action_reminder,
        action_reminder_job_id(d["meeting_id"], d["action_id"], due_on),
        meeting_id=d["meeting_id"], action_id=d["action_id"], due_on=d["due_on"],
    )


@on("meeting.action_completed")
def _action_completed(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    action = load(hub, MEETING, d["meeting_id"]).state.actions.get(d["action_id"])
    if action is not None:
        unschedule(hub, action_reminder_job_id(d["meeting_id"], d["action_id"], action.due_on))


# -- jobs --------------------------------------------------------------------------------------


def send_reminder(meeting_id: str, starts_at: str) -> bool:
    """Job: remind the invitees a day before the meeting starting at ``starts_at``."""
    hub, start = current_hub(), _instant(starts_at)
    if not due(hub, start - REMINDER_LEAD, send_reminder, meeting_id=meeting_id,
               starts_at=starts_at):
        return False
    sent = handlers.send_meeting_reminder(hub, meeting_id, start)
    log.info("event=meeting_reminder meeting=%s starts_at=%s sent=%s", meeting_id, starts_at, sent)
    return sent


def mark_held(meeting_id: str, ends_at: str) -> bool:
    """Job: record the meeting held once the end it was scheduled for has passed."""
    hub, end = current_hub(), _instant(ends_at)
    if not due(hub, end, mark_held, meeting_id=meeting_id, ends_at=ends_at):
        return False
    return handlers.mark_meeting_held(hub, meeting_id, end)


def send_action_reminder(meeting_id: str, action_id: str, due_on: str) -> bool:
    """Job: remind an action's owner the day before it falls due."""
    hub, day = current_hub(), date.fromisoformat(due_on)
    if not due(hub, action_reminder_at(day), send_action_reminder, meeting_id=meeting_id,
               action_id=action_id, due_on=due_on):
        return False
    return handlers.send_action_reminder(hub, meeting_id, action_id, day)
