"""What needs an organisation's attention: the dashboard's questions, one query each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, or_, select

from hub.projections.duties import decisions
from hub.projections.meetings import actions, invitations, meetings
from hub.projections.mergers import merger_parties, mergers
from hub.projections.reports import report_authorities, report_requests

TO_ANSWER = ("required", "acknowledged", "extension_requested", "returned")
TO_REVIEW = ("submitted", "extension_requested")


def _rows(engine: Engine, query: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def needs_of(engine: Engine, organisation_id: str, today: date) -> dict[str, list[dict[str, Any]]]:
    """Everything waiting on ``organisation_id``, by kind, soonest first."""
    return {
        "requests_to_answer": _rows(engine, (
            select(report_requests)
            .join(report_authorities,
                  report_authorities.c.request_id == report_requests.c.request_id)
            .where(report_authorities.c.organisation_id == organisation_id,
                   report_requests.c.status.in_(TO_ANSWER))
            .order_by(report_requests.c.due_on)
        )),
        "requests_to_review": _rows(engine, (
            select(report_requests)
            .where(report_requests.c.requester_id == organisation_id,
                   report_requests.c.status.in_(TO_REVIEW))
            .order_by(report_requests.c.due_on)
        )),
        "decisions_with_gaps": _rows(engine, (
            select(decisions)
            .where(decisions.c.policing_body_id == organisation_id,
                   decisions.c.finalised.is_(False), decisions.c.unconsidered > 0)
            .order_by(decisions.c.decided_on)
        )),
        "consents_to_give": _rows(engine, (
            select(mergers.c.merger_id, mergers.c.proposed_name, mergers.c.effective_date)
            .join(merger_parties, merger_parties.c.merger_id == mergers.c.merger_id)
            .where(merger_parties.c.organisation_id == organisation_id,
                   merger_parties.c.word.is_(None), mergers.c.status == "proposed")
            .order_by(mergers.c.effective_date)
        )),
        "invitations": _rows(engine, (
            select(meetings.c.meeting_id, meetings.c.title, meetings.c.starts_at)
            .join(invitations, invitations.c.meeting_id == meetings.c.meeting_id)
            .where(invitations.c.organisation_id == organisation_id,
                   invitations.c.response.is_(None), meetings.c.status == "scheduled")
            .order_by(meetings.c.starts_at)
        )),
        "actions_due": _rows(engine, (
            select(actions)
            .where(and_(actions.c.owner_organisation_id == organisation_id,
                        actions.c.status != "done"))
            .order_by(actions.c.due_on)
        )),
    }


def upcoming_meetings(
    engine: Engine, organisation_id: str, now: datetime, limit: int = 5
) -> list[dict[str, Any]]:
    """The next scheduled meetings ``organisation_id`` convened or is invited to, soonest
    first, whatever it answered."""
    invited = select(invitations.c.meeting_id).where(
        invitations.c.organisation_id == organisation_id
    )
    return _rows(engine, (
        select(meetings.c.meeting_id, meetings.c.title, meetings.c.starts_at, meetings.c.place)
        .where(meetings.c.status == "scheduled", meetings.c.starts_at >= now,
               or_(meetings.c.convenor_id == organisation_id,
                   meetings.c.meeting_id.in_(invited)))
        .order_by(meetings.c.starts_at)
        .limit(limit)
    ))
