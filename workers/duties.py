"""Scheduled work of the duty register: a criminal justice arrangement's review falling due.

When an arrangement comes into force, or a review sets the next review date, the dispatcher's
per-event job runs :func:`schedule_review`, which schedules one RQ job for the start of that
date (Europe/London). The job issues ``MarkArrangementReviewDue`` as the hub with an
idempotency key; the command carries the review date it was scheduled for, so the decider
ignores it if the date has since moved or the arrangement is no longer in force. A worker
starting re-arms the job of every arrangement in force (:func:`resume_reviews`).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.domain.duties import CJ_ARRANGEMENT, ArrangementStatus, review_due_at
from hub.events.envelope import RecordedEvent
from hub.projections.duties import arrangements
from hub.service import handle_as_hub
from schemas.commands.duties import MarkArrangementReviewDue
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import job_id_for, not_yet, release_at

log = logging.getLogger("hub.jobs.duties")


@on("cj_arrangement.came_into_force", "cj_arrangement.reviewed")
def schedule_review(hub: Hub, event: RecordedEvent) -> None:
    """Schedule the review-due mark for the arrangement's review date."""
    data = event.data
    review_on = data.get("next_review_on") or data["review_on"]
    _schedule(hub, data["arrangement_id"], date.fromisoformat(review_on))
    log.info(
        "event=review_scheduled arrangement_id=%s review_on=%s", data["arrangement_id"], review_on
    )


@on_start
def resume_reviews(hub: Hub) -> int:
    """Re-arm the review-due job Redis lost of every arrangement in force."""
    with hub.engine.connect() as conn:
        in_force = conn.execute(
            select(arrangements.c.arrangement_id, arrangements.c.review_on)
            .where(arrangements.c.status == str(ArrangementStatus.IN_FORCE))
        ).all()
    return sum(_schedule(hub, arrangement_id, review_on, resuming=True)
               for arrangement_id, review_on in in_force)


def _schedule(hub: Hub, arrangement_id: str, review_on: date, *, resuming: bool = False) -> int:
    """Schedule the review-due job (when ``resuming``, unless Redis holds it); how many."""
    kwargs = {"arrangement_id": arrangement_id, "review_on": review_on.isoformat()}
    return release_at(hub, review_due_at(review_on), run_review_due,
                      job_id_for(run_review_due, kwargs), unless_armed=resuming, **kwargs)


def run_review_due(arrangement_id: str, review_on: str) -> str:
    """The RQ job: mark the arrangement's review as due."""
    hub = current_hub()
    day = date.fromisoformat(review_on)
    if not_yet(hub, review_due_at(day), run_review_due,
               arrangement_id=arrangement_id, review_on=review_on):
        return "rescheduled"
    command = MarkArrangementReviewDue(arrangement_id=arrangement_id, review_on=day)
    key = f"cj_arrangement:{arrangement_id}:review_due:{review_on}"
    result = handle_as_hub(hub, CJ_ARRANGEMENT, arrangement_id, command, key)
    outcome = "done" if result.events and not result.replayed else "nothing to do"
    log.info(
        "event=review_due arrangement_id=%s review_on=%s outcome=%s",
        arrangement_id, review_on, outcome,
    )
    return outcome
