"""Merger schedule: on the effective date, the made agreement takes effect; on its date, an
agreed termination takes effect.

A made agreement whose date has already passed takes effect at once. The job checks the date
on the hub's clock and carries out the effect through idempotent commands
(:func:`hub.handlers.mergers.take_merger_effect`), so a second worker, a duplicate job or a
re-run does nothing twice. A worker starting re-arms the job of every made agreement
(:func:`resume_mergers`) and of every terminated one that took effect
(:func:`resume_terminations`).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.domain.mergers import MADE, TERMINATED
from hub.events.envelope import RecordedEvent
from hub.handlers.mergers import take_merger_effect, take_termination_effect
from hub.projections.mergers import mergers
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import due, schedule_at, start_of_london_day

log = logging.getLogger("hub.jobs.mergers")


def effect_job_id(merger_id: str, day: date) -> str:
    """The job id of a merger's effect on ``day``."""
    return f"merger-effect-{merger_id}-{day.isoformat()}"


@on("merger.made")
def _made(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    _schedule(hub, d["merger_id"], date.fromisoformat(d["effective_date"]))


@on_start
def resume_mergers(hub: Hub) -> int:
    """Re-arm the effect Redis lost of every made agreement (at once if its date has come)."""
    with hub.engine.connect() as conn:
        made = conn.execute(
            select(mergers.c.merger_id, mergers.c.effective_date)
            .where(mergers.c.status == MADE)
        ).all()
    return sum(_schedule(hub, merger_id, day, resuming=True) for merger_id, day in made)


def _schedule(hub: Hub, merger_id: str, day: date, *, resuming: bool = False) -> int:
    """Schedule the effect (when ``resuming``, unless Redis holds it); how many jobs."""
    return schedule_at(hub, start_of_london_day(day), take_effect, effect_job_id(merger_id, day),
                       unless_armed=resuming, merger_id=merger_id,
                       effective_date=day.isoformat())


def take_effect(merger_id: str, effective_date: str) -> bool:
    """Job: carry out the made agreement on its effective date; True once it is in effect."""
    hub, day = current_hub(), date.fromisoformat(effective_date)
    if not due(hub, start_of_london_day(day), take_effect, merger_id=merger_id,
               effective_date=effective_date):
        return False
    done = take_merger_effect(hub, merger_id, day)
    log.info("event=merger_effect merger=%s date=%s in_effect=%s", merger_id, day, done)
    return done


def termination_job_id(merger_id: str, day: date) -> str:
    """The job id of a termination's effect on ``day``."""
    return f"merger-termination-{merger_id}-{day.isoformat()}"


@on("merger.terminated")
def _terminated(hub: Hub, event: RecordedEvent) -> None:
    d = event.data
    _schedule_termination(hub, d["merger_id"], date.fromisoformat(d["ends_on"]))


@on_start
def resume_terminations(hub: Hub) -> int:
    """Re-arm the termination Redis lost of every terminated agreement that took effect."""
    with hub.engine.connect() as conn:
        ending = conn.execute(
            select(mergers.c.merger_id, mergers.c.ends_on).where(
                (mergers.c.status == TERMINATED) & mergers.c.took_effect_on.is_not(None)
            )
        ).all()
    return sum(
        _schedule_termination(hub, merger_id, day, resuming=True) for merger_id, day in ending
    )


def _schedule_termination(hub: Hub, merger_id: str, day: date, *, resuming: bool = False) -> int:
    return schedule_at(hub, start_of_london_day(day), end_agreement,
                       termination_job_id(merger_id, day), unless_armed=resuming,
                       merger_id=merger_id, ends_on=day.isoformat())


def end_agreement(merger_id: str, ends_on: str) -> bool:
    """Job: carry out the agreed termination on its date; True once it has taken effect."""
    hub, day = current_hub(), date.fromisoformat(ends_on)
    if not due(hub, start_of_london_day(day), end_agreement, merger_id=merger_id, ends_on=ends_on):
        return False
    done = take_termination_effect(hub, merger_id, day)
    log.info("event=merger_termination merger=%s date=%s in_effect=%s", merger_id, day, done)
    return done
