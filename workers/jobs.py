"""RQ jobs. Each is small and idempotent; each looks its inputs up afresh from the database."""

from __future__ import annotations

import logging

import workers.schedules  # noqa: F401  (registers every reaction)
from hub.bootstrap import Hub
from hub.events.checkpoints import finish_batch, unfinished_batches
from workers.reactions import batch_reactions, on_start, reactions_for
from workers.runtime import current_hub
from workers.scheduling import armed

log = logging.getLogger("hub.jobs")


def handle_event(position: int, event_id: str, batched: bool = False) -> int:
    """Run every reaction registered for the event at ``position``; return how many ran.

    ``batched``: the dispatcher also queued the event's batch job (:func:`handle_batch`). Jobs
    queued before batch jobs existed carry no such flag, so they run the batch reactions (the
    webhook fan-out) for their event too, lest an upgrade with jobs in the queue lose it.
    """
    hub = current_hub()
    page = hub.store.read_all(position - 1, 1)
    if not page or page[0].event_id != event_id:
        log.error("event=job_event_missing position=%d event_id=%s", position, event_id)
        return 0
    event = page[0]
    reactions = reactions_for(event.type)
    for reaction in reactions:
        reaction(hub, event)
    if not batched:
        for batch_reaction in batch_reactions():
            batch_reaction(hub, [event])
    log.debug(
        "event=handled type=%s position=%d reactions=%d", event.type, position, len(reactions)
    )
    return len(reactions)


def batch_job_id(after: int, until: int) -> str:
    """The job id of the batch of events after ``after`` up to ``until``."""
    return f"events-{after}-{until}"


def handle_batch(after: int, until: int) -> int:
    """Run every batch reaction over the events after ``after`` up to ``until``; how many."""
    return _run_batch(current_hub(), after, until)


@on_start
def resume_batches(hub: Hub) -> int:
    """Run the batches whose job Redis lost (or which failed); how many ran.

    A batch whose job is waiting or running is left to it. Should a job run its batch a second
    time, nothing is done twice: the webhook fan-out adds no message twice.
    """
    done = 0
    for after, until in unfinished_batches(hub.engine):
        if armed(hub, batch_job_id(after, until)):
            continue
        try:
            _run_batch(hub, after, until)
        except Exception:
            # Left recorded for the next start; one batch failing must not hold up the others.
            log.exception("event=batch_resume_failed after=%d until=%d", after, until)
        else:
            done += 1
    return done


def _run_batch(hub: Hub, after: int, until: int) -> int:
    events = [e for e in hub.store.read_all(after, until - after) if e.position <= until]
    for reaction in batch_reactions():
        reaction(hub, events)
    finish_batch(hub.engine, after, until)
    log.debug("event=handled_batch after=%d until=%d events=%d", after, until, len(events))
    return len(events)
