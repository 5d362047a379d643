"""Directory change schedule: organisations end, and CSPs arise by law, on the change's London
date.

Until then nothing changes (:mod:`hub.domain.reorganisation`). The job checks the date on the
hub's clock and carries out the change (:func:`~hub.handlers.reorganisation.take_change_effect`),
whose every command is keyed once, so a duplicate job or a re-run does nothing twice. A worker
starting re-arms the job of every change not yet in force (:func:`resume_changes`), as
:mod:`workers.governance` does for a transfer of governance.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent
from hub.handlers.reorganisation import take_change_effect
from hub.projections.directory import changes
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import due, schedule_at, start_of_london_day

log = logging.getLogger("hub.jobs.reorganisation")


def change_job_id(change_id: str, day: date) -> str:
    """The job id of a directory change on ``day``."""
    return f"directory-change-{change_id}-{day.isoformat()}"


@on("directory_change.recorded")
def _recorded(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    _schedule(hub, d["change_id"], date.fromisoformat(d["on_date"]))


@on_start
def resume_changes(hub: Hub) -> int:
    """Re-arm the job Redis lost of every change not yet in force (at once if its date has
    come)."""
    with hub.engine.connect() as conn:
        pending = conn.execute(
            select(changes.c.change_id, changes.c.on_date).where(~changes.c.took_effect)
        ).all()
    return sum(_schedule(hub, change_id, day, resuming=True) for change_id, day in pending)


def _schedule(hub: Hub, change_id: str, day: date, *, resuming: bool = False) -> int:
    """Schedule the change (when ``resuming``, unless Redis holds it); how many jobs."""
    return schedule_at(hub, start_of_london_day(day), carry_out, change_job_id(change_id, day),
                       unless_armed=resuming, change_id=change_id, on_date=day.isoformat())


def carry_out(change_id: str, on_date: str) -> bool:
    """Job: carry out the change dated ``on_date``; True once it has taken effect."""
    hub, day = current_hub(), date.fromisoformat(on_date)
    if not due(hub, start_of_london_day(day), carry_out, change_id=change_id, on_date=on_date):
        return False
    done = take_change_effect(hub, change_id, day)
    log.info("event=directory_change_in_force change=%s date=%s done=%s", change_id, day, done)
    return done
