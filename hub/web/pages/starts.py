"""The records a person may start, as links: only what their organisation may do.

The access policy says who may issue each creating command; a link is offered for a command
the caller's organisation could issue, and none for one it would be refused (a council is not
offered "Ask for a report"). Viewers start nothing.
"""

from __future__ import annotations

from sqlalchemy import Engine

from hub.access.policy import Actor, Who, rules
from hub.i18n import N_
from hub.queries.directory import holds_policing_body
from schemas.commands import duties, meetings, mergers, reports
from schemas.commands.base import Command

STARTS: tuple[tuple[type[Command], str, str], ...] = (
    (reports.RequireReport, N_("Ask for a report"), "/records/report-requests/new"),
    (meetings.ConveneMeeting, N_("Convene a meeting"), "/records/meetings/new"),
    (mergers.ProposeMerger, N_("Propose a merger of partnerships"), "/records/mergers/new"),
    (duties.RecordDecision, N_("Record a decision"), "/records/regard-decisions/new"),
    (duties.RecordPlan, N_("Record a police and crime plan"),
     "/records/police-crime-plans/new"),
    (duties.DraftArrangement, N_("Draft a criminal justice arrangement"),
     "/records/cj-arrangements/new"),
    (duties.RegisterPriority, N_("Register a relevant priority"), "/records/priorities/new"),
    (duties.RecordStrategyRegard, N_("Record regard to the police and crime plan"),
     "/records/reciprocal-regards/new"),
)
"""Each creating command, its start link's words (translated where shown) and its form."""
FOR_EVERY_ORGANISATION = frozenset({meetings.ConveneMeeting})
"""Records every organisation may start, the policing body's office included: the office
convenes reg 14A meetings, and any member of a workspace a voluntary one."""


def starts_for(engine: Engine, actor: Actor) -> list[tuple[str, str]]:
    """(text, path) of each record the actor's organisation may start; the text is English,
    for the page to translate (``| translate``)."""
    if not actor.organisation_id or actor.role == "viewer":
        return []
    office = holds_policing_body(engine, actor)
    allowed = {Who.POLICING_BODY} if office else {Who.ORGANISATION_ITSELF}
    return [(text, path) for command, text, path in STARTS
            if rules()[command].who in allowed or command in FOR_EVERY_ORGANISATION]
