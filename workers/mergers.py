"""Merger schedule: on the effective date, the made agreement takes effect.

A made agreement whose date has already passed takes effect at once. The job checks the date
on the hub's clock and carries out the effect through idempotent commands
(:func:`hub.handlers.mergers.take_merger_effect`), so a second worker, a duplicate job or a
re-run does nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from hub.bootstrap import Hub
from hub.domain.mergers import LONDON
from hub.events.envelope import RecordedEvent
from hub.handlers.mergers import take_merger_effect
from workers.meetings import due, schedule_at
from workers.reactions import on
from workers.runtime import current_hub

log = logging.getLogger("hub.jobs.mergers")


def effective_at(day: date) -> datetime:
    """The instant a merger takes effect: the start of its effective date in England."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def effect_job_id(merger_id: str, day: date) -> str:
    """The job id of a merger's effect on ``day``."""
    return f"merger-effect-{merger_id}-{day.isoformat()}"


@on("merger.made")
def _made(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    day = date.fromisoformat(d["effective_date"])
    schedule_at(
        hub, effective_at(day), take_effect, effect_job_id(d["merger_id"], day),
        merger_id=d["merger_id"], effective_date=d["effective_date"],
    )


def take_effect(merger_id: str, effective_date: str) -> bool:
    """Job: carry out the made agreement on its effective date; True once it is in effect."""
    hub, day = current_hub(), date.fromisoformat(effective_date)
    if not due(hub, effective_at(day), take_effect, merger_id=merger_id,
               effective_date=effective_date):
        return False
    done = take_merger_effect(hub, merger_id, day)
    log.info("event=merger_effect merger=%s date=%s in_effect=%s", merger_id, day, done)
    return done
