"""Governance schedule: a recorded transfer of an area's PCC functions comes into force on its
London date.

Until then the sitting body keeps every power (DOMAIN.md, "Policing body"). The job checks the
date on the hub's clock and issues an idempotent command
(:class:`~schemas.commands.directory.BringGovernanceIntoEffect`), so a duplicate job or a
re-run does nothing twice. A worker starting re-arms the job of every transfer still pending
(:func:`resume_governance`).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.domain import directory
from hub.events.envelope import RecordedEvent
from hub.projections.directory import areas, terms
from hub.service import handle_as_hub
from schemas.commands.directory import BringGovernanceIntoEffect
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import due, schedule_at, start_of_london_day

log = logging.getLogger("hub.jobs.governance")


def switch_job_id(area_id: str, day: date) -> str:
    """The job id of an area's governance switch on ``day``."""
    return f"governance-switch-{area_id}-{day.isoformat()}"


@on("police_area.governance_transferred")
def _transferred(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    _schedule(hub, d["area_id"], date.fromisoformat(d["on_date"]))


@on_start
def resume_governance(hub: Hub) -> int:
    """Re-arm the switch Redis lost of every transfer still pending (at once if its date has
    come): a term that starts after the one the area's holder began."""
    with hub.engine.connect() as conn:
        pending = conn.execute(
            select(terms.c.area_id, terms.c.starts_on)
            .join(areas, areas.c.area_id == terms.c.area_id)
            # A holder with no start date (the City of London) has no dated term: any term
            # recorded for the area is a transfer to come.
            .where(areas.c.policing_body_since.is_(None)
                   | (terms.c.starts_on > areas.c.policing_body_since))
        ).all()
    return sum(_schedule(hub, area_id, day, resuming=True) for area_id, day in pending)


def _schedule(hub: Hub, area_id: str, day: date, *, resuming: bool = False) -> int:
    """Schedule the switch (when ``resuming``, unless Redis holds it); how many jobs."""
    return schedule_at(hub, start_of_london_day(day), bring_into_effect,
                       switch_job_id(area_id, day), unless_armed=resuming, area_id=area_id,
                       on_date=day.isoformat())


def bring_into_effect(area_id: str, on_date: str) -> bool:
    """Job: bring the transfer dated ``on_date`` into force; True once it has been recorded."""
    hub, day = current_hub(), date.fromisoformat(on_date)
    if not due(hub, start_of_london_day(day), bring_into_effect, area_id=area_id, on_date=on_date):
        return False
    command = BringGovernanceIntoEffect(area_id=area_id, on_date=day)
    handle_as_hub(hub, directory.POLICE_AREA, area_id, command,
                  f"governance:{area_id}:in-force:{on_date}")
    log.info("event=governance_in_force area=%s date=%s", area_id, day)
    return True
