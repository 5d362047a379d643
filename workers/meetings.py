"""Meeting schedules: a reminder a day before, "held" after the end, action reminders.

Each job carries what it was scheduled for (the start, the end, the due date), and the
decider ignores a job whose meeting has moved, been cancelled or finished, so a stale job
does nothing. Rescheduling and cancelling also remove the superseded jobs from the queue.
Delays are measured on the hub's clock (``hub.clock``), the time authority of every command.
A worker starting re-arms the jobs of every scheduled meeting and open action
(:func:`resume_meetings`).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.db import aware
from hub.domain.meetings import LONDON, MEETING, SCHEDULED
from hub.events.envelope import RecordedEvent
from hub.handlers import meetings as handlers
from hub.projections.meetings import actions, meetings
from hub.service import load
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import due, schedule_at, unschedule

log = logging.getLogger("hub.jobs.meetings")

REMINDER_LEAD = timedelta(days=1)
ACTION_REMINDER_TIME = time(9, 0)
"""Action reminders go out at 09:00 in London on the day before the action falls due."""


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


def _schedule_meeting(
    hub: Hub, meeting_id: str, starts_at: datetime, ends_at: datetime, *,
    remind: bool = True, resuming: bool = False,
) -> int:
    """Schedule a meeting's reminder (if ``remind``) and its "held"; how many jobs."""
    count = 0
    if remind:
        count += schedule_at(hub, starts_at - REMINDER_LEAD, send_reminder,
                             reminder_job_id(meeting_id, starts_at), unless_armed=resuming,
                             meeting_id=meeting_id, starts_at=starts_at.isoformat())
    return count + schedule_at(hub, ends_at, mark_held, held_job_id(meeting_id, ends_at),
                               unless_armed=resuming, meeting_id=meeting_id,
                               ends_at=ends_at.isoformat())


def _schedule_action(
    hub: Hub, meeting_id: str, action_id: str, due_on: date, *, resuming: bool = False
) -> int:
    """Schedule the reminder of an action due on ``due_on``; how many jobs."""
    return schedule_at(hub, action_reminder_at(due_on), send_action_reminder,
                       action_reminder_job_id(meeting_id, action_id, due_on),
                       unless_armed=resuming, meeting_id=meeting_id, action_id=action_id,
                       due_on=due_on.isoformat())


@on_start
def resume_meetings(hub: Hub) -> int:
    """Re-arm the jobs Redis lost of every scheduled meeting and every open action.

    A reminder already sent for the meeting's start, or one for a meeting already started, is
    not re-armed; a meeting that ended while nothing ran is marked held at once.
    """
    now = hub.clock()
    with hub.engine.connect() as conn:
        scheduled = conn.execute(
            select(meetings.c.meeting_id, meetings.c.starts_at, meetings.c.ends_at,
                   meetings.c.reminded_for).where(meetings.c.status == SCHEDULED)
        ).all()
        open_actions = conn.execute(
            select(actions.c.meeting_id, actions.c.action_id, actions.c.due_on)
            .where(actions.c.status == "open", actions.c.reminded.is_(False))
        ).all()
    count = 0
    for meeting_id, starts, ends, reminded in scheduled:
        starts_at, ends_at = aware(starts).astimezone(UTC), aware(ends).astimezone(UTC)
        remind = starts_at > now and (reminded is None or aware(reminded) != starts_at)
        count += _schedule_meeting(hub, meeting_id, starts_at, ends_at, remind=remind,
                                   resuming=True)
    for meeting_id, action_id, due_on in open_actions:
        count += _schedule_action(hub, meeting_id, action_id, due_on, resuming=True)
    return count


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
    _schedule_action(hub, d["meeting_id"], d["action_id"], date.fromisoformat(d["due_on"]))


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
