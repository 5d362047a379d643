"""What an event means to whom: the notices it gives, each for a set of organisations.

One function per event type reads what it needs from the read models (a report request's
title, a meeting's time) and says, in plain English, what happened, what is asked of the
reader and where the record is. Whom it is for is the record's own people: the authorities a
report is required of, the office that required it, a meeting's invitees, a merger's parties.
Whether each of them may see the record is checked apart (:mod:`hub.mail.recipients`).

*Statutory* notices (a formal requirement under s.7 CDA, a reg 14A summons) go whatever a
reader's preferences say.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from sqlalchemy import Connection, select
from sqlalchemy.exc import NoResultFound

from hub.db import aware
from hub.domain.meetings import LONDON
from hub.events.envelope import RecordedEvent
from hub.i18n import N_, _, babel_locale
from hub.projections.directory import organisations
from hub.projections.meetings import actions, invitations, meetings
from hub.projections.mergers import merger_parties, mergers
from hub.projections.reports import report_requests

log = logging.getLogger("hub.mail")


class Kind:
    """The kinds of message a reader can choose about (see :data:`KINDS`)."""

    REPORT_REQUIRED = "report_required"
    REPORT_DEADLINE = "report_deadline"
    REPORT_PROGRESS = "report_progress"
    MERGER = "merger"
    MEETING_INVITATION = "meeting_invitation"
    MEETING_PAPERS = "meeting_papers"
    MEETING_ACTIONS = "meeting_actions"


KINDS: dict[str, str] = {
    Kind.REPORT_REQUIRED: N_("Reports required of your organisation"),
    Kind.REPORT_DEADLINE: N_("Report reminders and overdue reports"),
    Kind.REPORT_PROGRESS: N_("Extensions, submissions, returns and acceptances"),
    Kind.MERGER: N_("Partnership merger consents and agreements"),
    Kind.MEETING_INVITATION: N_("Meeting invitations, changes and cancellations"),
    Kind.MEETING_PAPERS: N_("Meeting papers and approved minutes"),
    Kind.MEETING_ACTIONS: N_("Meeting actions assigned and falling due"),
}
"""Each kind of message and how the preferences page names it (translated where shown)."""


@dataclass(frozen=True)
class Notice:
    """What one event tells a set of organisations."""

    kind: str
    organisation_ids: tuple[str, ...]
    subject: str
    heading: str
    paragraphs: tuple[str, ...]
    path: str
    """The record's page, from the hub's address."""
    link_text: str
    facts: tuple[tuple[str, str], ...] = ()
    statutory: bool = False
    calendar: str | None = None
    """``REQUEST`` or ``CANCEL``: the message carries the meeting as an iMIP invitation."""
    meeting_id: str | None = None


Builder = Callable[[Connection, RecordedEvent], list[Notice]]
_BUILDERS: dict[str, Builder] = {}


def notice(*event_types: str) -> Callable[[Builder], Builder]:
    """Register the builder of the notices of ``event_types``."""

    def register(fn: Builder) -> Builder:
        for name in event_types:
            _BUILDERS[name] = fn
        return fn

    return register


def event_types() -> list[str]:
    """Every event type that gives notices."""
    return sorted(_BUILDERS)


def notices_for(conn: Connection, event: RecordedEvent) -> list[Notice]:
    """The notices ``event`` gives (none for most events, and none when the read models hold
    no such record: there is nothing true to tell anyone about it)."""
    builder = _BUILDERS.get(event.type)
    if builder is None:
        return []
    try:
        return builder(conn, event)
    except NoResultFound:
        log.warning("event=mail_record_missing type=%s position=%d", event.type, event.position)
        return []


def day(value: date | str) -> str:
    """A date as people write it: 12 January 2027."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(value, "d MMMM y", locale=babel_locale())


def london(value: datetime | str) -> str:
    """An instant in London time as people write it: Tuesday 12 January 2027, 10:00."""
    value = datetime.fromisoformat(value) if isinstance(value, str) else aware(value)
    return format_datetime(value, "EEEE d MMMM y, HH:mm", tzinfo=LONDON, locale=babel_locale())


def _reason(event: RecordedEvent) -> str:
    return _("The reason given: %(reason)s") % {"reason": event.data["reason"]}


def names(conn: Connection, ids: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Organisations' names by id (an unknown id names itself)."""
    found: dict[str, str] = dict(conn.execute(
        select(organisations.c.organisation_id, organisations.c.name)
        .where(organisations.c.organisation_id.in_(list(ids)))
    ).all())
    return {i: found.get(i, i) for i in ids}


# -- report requests ---------------------------------------------------------------------------


def _request(conn: Connection, request_id: str) -> Any:
    return conn.execute(
        select(report_requests).where(report_requests.c.request_id == request_id)
    ).one()


@notice("report_request.required")
def _required(conn: Connection, event: RecordedEvent) -> list[Notice]:
    d = event.data
    office = names(conn, [d["by_organisation"]])[d["by_organisation"]]
    formal = d["kind"] == "formal"
    basis = (
        _("This is a formal requirement under section 7 of the Crime and Disorder Act 1998: "
          "your organisation must provide the report.")
        if formal else _("This is an informal request: no law requires the report.")
    )
    words = {"title": d["title"], "office": office}
    return [Notice(
        kind=Kind.REPORT_REQUIRED, organisation_ids=tuple(d["addressed"]),
        subject=(_("Report required: %(title)s") if formal
                 else _("Report requested: %(title)s")) % words,
        heading=(_("%(office)s requires a report") if formal
                 else _("%(office)s asks for a report")) % words,
        paragraphs=(basis, _("What the report is to cover:\n%(matters)s") % d),
        facts=((_("Report"), d["title"]), (_("Due"), day(d["due_on"])), (_("From"), office)),
        path=f"/reports/{d['request_id']}", link_text=_("Open the report request"),
        statutory=formal,
    )]


def _to_authorities(
    conn: Connection, event: RecordedEvent, kind: str, subject: str, heading: str,
    *paragraphs: str,
) -> list[Notice]:
    row = _request(conn, event.data["request_id"])
    return [Notice(
        kind=kind, organisation_ids=tuple(row.addressed),
        subject=_("%(what)s: %(title)s") % {"what": subject, "title": row.title},
        heading=heading, paragraphs=paragraphs,
        facts=((_("Report"), row.title), (_("Due"), day(row.due_on))),
        path=f"/reports/{row.request_id}", link_text=_("Open the report request"),
    )]


@notice("report_request.authorities_succeeded")
def _passed_on(conn: Connection, event: RecordedEvent) -> list[Notice]:
    d = event.data
    row = _request(conn, d["request_id"])
    successors = dict.fromkeys(o for s in d["successions"] for o in s["successor_ids"])
    return [Notice(
        kind=Kind.REPORT_REQUIRED, organisation_ids=tuple(successors),
        subject=_("Report request passed to you: %(title)s") % {"title": row.title},
        heading=_("A report request has passed to your organisation"),
        paragraphs=(_("The organisation it was made to has ended, and your organisation has "
                      "taken over its functions, so the request is now yours to answer."),),
        facts=((_("Report"), row.title), (_("Due"), day(row.due_on))),
        path=f"/reports/{row.request_id}", link_text=_("Open the report request"),
        statutory=row.kind == "formal",
    )]


@notice("report_request.reminder_sent")
def _reminder(conn: Connection, event: RecordedEvent) -> list[Notice]:
    due = day(event.data["due_on"])
    return _to_authorities(conn, event, Kind.REPORT_DEADLINE, _("Report due soon"),
                           _("A report is due on %(due)s") % {"due": due},
                           _("The report has not been submitted yet."))


@notice("report_request.marked_overdue")
def _overdue(conn: Connection, event: RecordedEvent) -> list[Notice]:
    due = day(event.data["due_on"])
    return _to_authorities(conn, event, Kind.REPORT_DEADLINE, _("Report overdue"),
                           _("A report is overdue"),
                           _("The report was due on %(due)s and has not been submitted.")
                           % {"due": due})


@notice("report_request.extension_granted")
def _granted(conn: Connection, event: RecordedEvent) -> list[Notice]:
    d = event.data
    return _to_authorities(conn, event, Kind.REPORT_PROGRESS, _("Extension granted"),
                           _("Your extension was granted"),
                           _("The report is now due on %(due)s, not %(previous)s.")
                           % {"due": day(d["due_on"]), "previous": day(d["previous_due_on"])})


@notice("report_request.extension_refused")
def _refused(conn: Connection, event: RecordedEvent) -> list[Notice]:
    return _to_authorities(conn, event, Kind.REPORT_PROGRESS, _("Extension refused"),
                           _("Your extension was refused"), _reason(event))


@notice("report_request.returned")
def _returned(conn: Connection, event: RecordedEvent) -> list[Notice]:
    return _to_authorities(conn, event, Kind.REPORT_PROGRESS, _("Report returned"),
                           _("Your report was returned for changes"), _reason(event))


@notice("report_request.accepted")
def _accepted(conn: Connection, event: RecordedEvent) -> list[Notice]:
    return _to_authorities(conn, event, Kind.REPORT_PROGRESS, _("Report accepted"),
                           _("Your report was accepted"))


@notice("report_request.submitted", "report_request.resubmitted")
def _submitted(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row = _request(conn, event.data["request_id"])
    by = event.data.get("by_organisation") or row.submitted_by or ""
    who = names(conn, [by])[by] if by else _("The authority")
    again = event.type.endswith("resubmitted")
    words = {"title": row.title, "who": who}
    return [Notice(
        kind=Kind.REPORT_PROGRESS, organisation_ids=(row.requester_id,),
        subject=(_("Report resubmitted: %(title)s") if again
                 else _("Report received: %(title)s")) % words,
        heading=(_("%(who)s resubmitted a report") if again
                 else _("%(who)s submitted a report")) % words,
        paragraphs=(_("Read it and accept it, or return it with your reasons."),),
        facts=((_("Report"), row.title), (_("Due"), day(row.due_on))),
        path=f"/reports/{row.request_id}", link_text=_("Read the report"),
    )]


# -- mergers -----------------------------------------------------------------------------------


def _merger(conn: Connection, merger_id: str) -> tuple[Any, list[str]]:
    row = conn.execute(select(mergers).where(mergers.c.merger_id == merger_id)).one()
    parties = conn.execute(
        select(merger_parties.c.organisation_id).where(merger_parties.c.merger_id == merger_id)
    ).scalars()
    return row, sorted({p for p in parties if p} | {row.proposer_id})


def _merger_notice(
    conn: Connection, event: RecordedEvent, subject: str, heading: str, *paragraphs: str
) -> list[Notice]:
    row, parties = _merger(conn, event.data["merger_id"])
    return [Notice(
        kind=Kind.MERGER, organisation_ids=tuple(parties),
        subject=_("%(what)s: %(title)s") % {"what": subject, "title": row.proposed_name},
        heading=heading, paragraphs=paragraphs,
        facts=((_("Proposed partnership"), row.proposed_name),
               (_("Takes effect"), day(row.effective_date))),
        path=f"/mergers/{row.merger_id}", link_text=_("Open the merger"),
    )]


@notice("merger.proposed", "merger.revised")
def _proposed(conn: Connection, event: RecordedEvent) -> list[Notice]:
    revised = event.type == "merger.revised"
    return _merger_notice(
        conn, event, _("Consent requested") if not revised else _("Merger proposal revised"),
        _("Your consent is asked to combine community safety partnerships"),
        _("Under section 5(1A) of the Crime and Disorder Act 1998, partnerships combine only "
          "with the consent of every party. Give or refuse your organisation's consent on the "
          "merger's page."),
    )


@notice("merger.consented", "merger.refused")
def _consent(conn: Connection, event: RecordedEvent) -> list[Notice]:
    party = event.data["party_id"]
    who = names(conn, [event.data["by_organisation"]])[event.data["by_organisation"]]
    if event.type == "merger.consented":
        return _merger_notice(conn, event, _("Consent given"),
                              _("%(who)s consented") % {"who": who},
                              _("Consent recorded for %(party)s.") % {"party": party})
    return _merger_notice(conn, event, _("Consent refused"),
                          _("%(who)s refused consent") % {"who": who}, _reason(event))


@notice("merger.made")
def _made(conn: Connection, event: RecordedEvent) -> list[Notice]:
    return _merger_notice(
        conn, event, _("Merger agreed"), _("Every party consented: the merger is agreed"),
        _("The combined partnership takes effect on %(date)s.")
        % {"date": day(event.data["effective_date"])},
    )


# -- meetings ----------------------------------------------------------------------------------


def _meeting(conn: Connection, meeting_id: str) -> tuple[Any, list[str]]:
    row = conn.execute(select(meetings).where(meetings.c.meeting_id == meeting_id)).one()
    invited = conn.execute(
        select(invitations.c.organisation_id).where(invitations.c.meeting_id == meeting_id)
        .order_by(invitations.c.organisation_id)
    ).scalars()
    return row, list(invited)


def _meeting_facts(row: Any) -> tuple[tuple[str, str], ...]:
    facts = [(_("Meeting"), row.title), (_("When"), london(row.starts_at))]
    if row.place:
        facts.append((_("Where"), row.place))
    if row.online_link:
        facts.append((_("Join online"), row.online_link))
    return tuple(facts)


def _summons(row: Any) -> str:
    if row.kind == "reg_14a":
        return _("This is a joint meeting under regulation 14A: the responsible authorities "
                 "invited are required to attend.")
    return _("This is a voluntary meeting.")


@notice("meeting.convened", "meeting.invitees_added", "meeting.rescheduled", "meeting.amended")
def _invitation(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row, invited = _meeting(conn, event.data["meeting_id"])
    if event.type == "meeting.invitees_added":
        # Only the organisations just invited: the others hold the invitation already, and
        # the meeting itself did not change.
        invited = [i["organisation_id"] for i in event.data["invitations"]]
    if row.status == "cancelled":
        # Run after the meeting was cancelled (a late or repeated job): the cancellation's
        # own message says the last word, and a REQUEST now would bring the meeting back.
        return []
    convenor = names(conn, [row.convenor_id])[row.convenor_id]
    words = {"title": row.title, "when": london(row.starts_at), "convenor": convenor}
    subject, heading = {
        "meeting.convened": (_("Invitation: %(title)s, %(when)s"),
                             _("%(convenor)s invites you to a meeting")),
        "meeting.invitees_added": (_("Invitation: %(title)s, %(when)s"),
                                   _("%(convenor)s invites you to a meeting")),
        "meeting.rescheduled": (_("Meeting moved: %(title)s, %(when)s"),
                                _("The meeting has moved")),
        "meeting.amended": (_("Meeting updated: %(title)s, %(when)s"),
                            _("The meeting's details have changed")),
    }[event.type]
    return [Notice(
        kind=Kind.MEETING_INVITATION, organisation_ids=tuple(invited),
        subject=subject % words, heading=heading % words,
        paragraphs=(row.purpose, _summons(row),
                    _("Say whether your organisation will attend on the meeting's page.")),
        facts=_meeting_facts(row), path=f"/meetings/{row.meeting_id}",
        link_text=_("Open the meeting"), statutory=row.kind == "reg_14a", calendar="REQUEST",
        meeting_id=row.meeting_id,
    )]


@notice("meeting.invitations_succeeded")
def _invitation_passed(conn: Connection, event: RecordedEvent) -> list[Notice]:
    # The successors get the invitation any new invitee gets, calendar REQUEST included, and
    # are told why it reaches them.
    row, _invited = _meeting(conn, event.data["meeting_id"])
    joined = tuple(i["organisation_id"] for i in event.data["invited"])
    if row.status == "cancelled" or not joined:
        return []
    words = {"title": row.title, "when": london(row.starts_at)}
    return [Notice(
        kind=Kind.MEETING_INVITATION, organisation_ids=joined,
        subject=_("Invitation passed to you: %(title)s, %(when)s") % words,
        heading=_("A meeting invitation has passed to your organisation"),
        paragraphs=(_("An organisation invited to this meeting has ended, and your "
                      "organisation has taken over its functions, so the invitation is now "
                      "yours."), row.purpose, _summons(row),
                    _("Say whether your organisation will attend on the meeting's page.")),
        facts=_meeting_facts(row), path=f"/meetings/{row.meeting_id}",
        link_text=_("Open the meeting"), statutory=row.kind == "reg_14a", calendar="REQUEST",
        meeting_id=row.meeting_id,
    )]


@notice("meeting.cancelled")
def _cancelled(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row, invited = _meeting(conn, event.data["meeting_id"])
    return [Notice(
        kind=Kind.MEETING_INVITATION, organisation_ids=tuple(invited),
        subject=_("Cancelled: %(title)s, %(when)s")
        % {"title": row.title, "when": london(row.starts_at)},
        heading=_("The meeting is cancelled"),
        paragraphs=(_reason(event),),
        facts=_meeting_facts(row), path=f"/meetings/{row.meeting_id}",
        link_text=_("Open the meeting"), statutory=row.kind == "reg_14a", calendar="CANCEL",
        meeting_id=row.meeting_id,
    )]


@notice("meeting.papers_published")
def _papers(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row, invited = _meeting(conn, event.data["meeting_id"])
    titles = "\n".join(f"- {p['title']}" for p in event.data["papers"])
    return [Notice(
        kind=Kind.MEETING_PAPERS, organisation_ids=tuple(invited),
        subject=_("Papers published: %(title)s") % {"title": row.title},
        heading=_("Papers for the meeting"),
        paragraphs=(_("Published:\n%(titles)s") % {"titles": titles},), facts=_meeting_facts(row),
        path=f"/meetings/{row.meeting_id}", link_text=_("Read the papers"),
    )]


@notice("meeting.minutes_approved")
def _minutes(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row, invited = _meeting(conn, event.data["meeting_id"])
    return [Notice(
        kind=Kind.MEETING_PAPERS, organisation_ids=tuple(invited),
        subject=_("Minutes approved: %(title)s") % {"title": row.title},
        heading=_("The minutes are approved"),
        paragraphs=(_("The approved minutes and the actions agreed are on the meeting's page."),),
        facts=_meeting_facts(row), path=f"/meetings/{row.meeting_id}",
        link_text=_("Read the minutes"),
    )]


def _action(conn: Connection, event: RecordedEvent) -> tuple[Any, Any]:
    row, _invited = _meeting(conn, event.data["meeting_id"])
    action = conn.execute(select(actions).where(
        (actions.c.meeting_id == row.meeting_id)
        & (actions.c.action_id == event.data["action_id"])
    )).one()
    return row, action


@notice("meeting.action_assigned", "meeting.action_reminder_sent",
        "meeting.action_owner_succeeded")
def _action_notice(conn: Connection, event: RecordedEvent) -> list[Notice]:
    row, action = _action(conn, event)
    words = {"title": row.title, "date": day(action.due_on)}
    subject, heading = {
        "meeting.action_assigned": (_("Action for your organisation: %(title)s"),
                                    _("An action is assigned to your organisation")),
        "meeting.action_reminder_sent": (_("Action due soon: %(title)s"),
                                         _("An action is due on %(date)s")),
        "meeting.action_owner_succeeded": (_("Action passed to you: %(title)s"),
                                           _("An action has passed to your organisation")),
    }[event.type]
    passed = (_("The organisation that owned this action has ended, and your organisation "
                "has taken over its functions, so the action is now yours."),)
    return [Notice(
        kind=Kind.MEETING_ACTIONS, organisation_ids=(action.owner_organisation_id,),
        subject=subject % words, heading=heading % words,
        paragraphs=(*(passed if event.type == "meeting.action_owner_succeeded" else ()),
                    action.description),
        facts=((_("Meeting"), row.title), (_("Due"), day(action.due_on))),
        path=f"/meetings/{row.meeting_id}#action-{action.action_id}",
        link_text=_("Open the action"),
    )]
