"""What a directory change would move: the directory as it stands, and the open records and
calendar feeds that pass to successors, each read once for the change's plan and its dry run."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from hub.domain import directory
from hub.domain.duties import Keeper, OpenDuty
from hub.domain.reorganisation import CspNow, MeetingNow, OrganisationNow, WorkspaceNow
from hub.feeds.tables import calendar_feeds
from hub.feeds.tokens import FeedKind
from hub.projections.directory import changes, csps, members, organisations, workspaces
from hub.projections.duties import priorities, strategy_regards
from hub.projections.meetings import actions, invitations, meeting_is_open, meetings
from hub.projections.mergers import mergers
from hub.projections.reports import FINISHED, report_requests


def ended_or_ending(
    conn: Connection, organisation_ids: Collection[str]
) -> tuple[set[str], set[str]]:
    """Of ``organisation_ids``: those in the directory, and those that have ended or that a
    change not yet in force will end."""
    rows = conn.execute(
        select(organisations.c.organisation_id, organisations.c.valid_to)
        .where(organisations.c.organisation_id.in_(sorted(organisation_ids)))
    ).all()
    ending = {
        s["organisation_id"]
        for ends in conn.execute(select(changes.c.ends).where(~changes.c.took_effect)).scalars()
        for s in ends
    }
    known = {r.organisation_id for r in rows}
    return known, {r.organisation_id for r in rows if r.valid_to is not None} | (ending & known)


def directory_now(
    conn: Connection, ending: Collection[str], arising: Collection[str] = ()
) -> tuple[list[CspNow], list[WorkspaceNow]]:
    """The open CSPs with a body that is ending among their authorities, and the open
    workspaces those bodies or CSPs are in.

    CSPs already ended into one of ``arising`` (and their workspaces closed into its) count as
    open: a change carried out in part (a worker stopped half way) is planned again as it
    was, and its keyed commands done already record nothing twice.
    """
    ending = set(ending)
    resumed = csps.c.succeeded_by.in_(sorted(arising))
    affected = [
        r for r in conn.execute(select(csps).where(csps.c.valid_to.is_(None) | resumed))
        if ending & set(r.responsible_authorities)
    ]
    spaces = set(conn.execute(
        select(members.c.workspace_id).where(members.c.organisation_id.in_(sorted(ending)))
    ).scalars()) | {directory.csp_workspace(r.csp_id) for r in affected}
    open_spaces = conn.execute(
        select(workspaces)
        .where(workspaces.c.workspace_id.in_(sorted(spaces)) & (
            ~workspaces.c.closed
            | workspaces.c.merged_into.in_([directory.csp_workspace(a) for a in arising])))
    ).all()
    member_rows = conn.execute(
        select(members.c.workspace_id, members.c.organisation_id)
        .where(members.c.workspace_id.in_([w.workspace_id for w in open_spaces]))
        .order_by(members.c.workspace_id, members.c.organisation_id)
    ).all()
    found_spaces = [
        WorkspaceNow(w.workspace_id, w.area_id, tuple(
            m.organisation_id for m in member_rows if m.workspace_id == w.workspace_id
        ), w.csp_id)
        for w in open_spaces
    ]
    found_csps = [
        CspNow(r.csp_id, tuple(dict.fromkeys([r.area_id, *r.other_area_ids])),
               tuple(r.responsible_authorities))
        for r in affected
    ]
    return found_csps, found_spaces


def organisations_now(conn: Connection, ids: Collection[str]) -> dict[str, OrganisationNow]:
    """The named organisations as the directory holds them."""
    return {
        r.organisation_id: OrganisationNow(r.organisation_id, r.name, r.kind, tuple(r.area_ids))
        for r in conn.execute(
            select(organisations).where(organisations.c.organisation_id.in_(sorted(ids)))
        )
    }


@dataclass(frozen=True)
class OpenRequest:
    """An open s.7 report request that an ending body is addressed in, or an ending CSP has."""

    request_id: str
    title: str
    csp_id: str
    addressed: tuple[str, ...]


@dataclass(frozen=True)
class OpenRecords:
    """The open records a change may pass on: read once, for its plan and for its dry run."""

    requests: list[OpenRequest]
    meetings: list[MeetingNow]
    duties: list[OpenDuty]

    @property
    def addressed(self) -> dict[str, list[str]]:
        """The authorities each open request is addressed to, by request id."""
        return {r.request_id: list(r.addressed) for r in self.requests}


def open_records(conn: Connection, ending: Collection[str], csp_ids: Collection[str]
                 ) -> OpenRecords:
    """The open report requests addressed to any of ``ending`` or made to any of ``csp_ids``;
    the open meetings that invite one of ``ending`` (while convened), give it an open action,
    or that it convened; and the open duty records (:func:`open_duties`) of either."""
    ending = sorted(ending)
    requests = [
        OpenRequest(r.request_id, r.title, r.csp_id, tuple(r.addressed))
        for r in conn.execute(
            select(report_requests.c.request_id, report_requests.c.title,
                   report_requests.c.csp_id, report_requests.c.addressed)
            .where(report_requests.c.status.not_in(FINISHED))
            .order_by(report_requests.c.request_id)
        )
        if r.csp_id in csp_ids or set(r.addressed) & set(ending)
    ]
    return OpenRecords(requests, _open_meetings(conn, ending), open_duties(conn, ending, csp_ids))


def _open_meetings(conn: Connection, ending: list[str]) -> list[MeetingNow]:
    """The open meetings that invite one of ``ending`` (while convened), give it an open
    action, or that it convened."""
    invited = conn.execute(
        select(invitations.c.meeting_id, invitations.c.organisation_id)
        .join(meetings, meetings.c.meeting_id == invitations.c.meeting_id)
        .where((meetings.c.status == "scheduled") & invitations.c.organisation_id.in_(ending))
        .order_by(invitations.c.meeting_id, invitations.c.organisation_id)
    ).all()
    owned = conn.execute(
        select(actions.c.meeting_id, actions.c.action_id, actions.c.owner_organisation_id)
        .where(actions.c.owner_organisation_id.in_(ending) & (actions.c.status == "open"))
        .order_by(actions.c.meeting_id, actions.c.action_id)
    ).all()
    convened = set(conn.execute(select(meetings.c.meeting_id).where(
        meetings.c.convened_by.in_(ending) & meeting_is_open())).scalars())
    ids = sorted({r.meeting_id for r in invited} | {r.meeting_id for r in owned} | convened)
    found = conn.execute(
        select(meetings.c.meeting_id, meetings.c.title, meetings.c.status,
               meetings.c.convened_by)
        .where(meetings.c.meeting_id.in_(ids)).order_by(meetings.c.meeting_id)
    ).all()
    return [
        MeetingNow(
            m.meeting_id, m.title, m.status == "scheduled",
            tuple(r.organisation_id for r in invited if r.meeting_id == m.meeting_id),
            tuple((r.action_id, r.owner_organisation_id) for r in owned
                  if r.meeting_id == m.meeting_id),
            m.convened_by if m.meeting_id in convened else None,
        )
        for m in found
    ]


def open_duties(
    conn: Connection, organisation_ids: Collection[str], csp_ids: Collection[str] = ()
) -> list[OpenDuty]:
    """The current priorities and unfinalised records of regard kept by any of
    ``organisation_ids`` or belonging to any of ``csp_ids``, in id order."""
    found: list[OpenDuty] = []
    for record, table, key, title, still_open in (
        ("priority", priorities, "priority_id", priorities.c.title,
         priorities.c.retired.is_(False)),
        ("reciprocal_regard", strategy_regards, "regard_id", strategy_regards.c.strategy_title,
         strategy_regards.c.finalised.is_(False)),
    ):
        rows = conn.execute(
            select(table.c[key], table.c.organisation_id, table.c.csp_id, title.label("title"))
            .where(still_open & (table.c.organisation_id.in_(sorted(organisation_ids))
                                 | table.c.csp_id.in_(sorted(csp_ids))))
            .order_by(table.c[key])
        )
        found += [OpenDuty(record, r[0], Keeper(r.organisation_id, r.csp_id), r.title)
                  for r in rows]
    return found


def combined_by_agreement(conn: Connection, csp_ids: Collection[str]) -> dict[str, str]:
    """Of ``csp_ids``, those that are the combined CSP of an agreement still in force (in
    effect, or terminated for a later date), each with its agreement's id."""
    return {r.combined_csp_id: r.merger_id for r in conn.execute(
        select(mergers.c.combined_csp_id, mergers.c.merger_id).where(
            mergers.c.combined_csp_id.in_(sorted(csp_ids))
            & mergers.c.status.in_(["in_effect", "terminated"])
            & mergers.c.took_effect_on.is_not(None))
    )}


def feeds_moving(
    conn: Connection, successors: Mapping[str, list[str]], closing: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The calendar feeds that pass to successors, each with where it goes: an ending
    organisation's to its first successor, a closing workspace's to the one it closes into."""
    ending = sorted(successors)
    return [
        {"feed_id": r.feed_id, "name": r.name, "to": (
            successors[r.organisation_id][0] if r.kind == FeedKind.ORGANISATION
            else closing[r.workspace_id]
        )}
        for r in conn.execute(select(calendar_feeds).where(
            calendar_feeds.c.revoked_at.is_(None) & (
                ((calendar_feeds.c.kind == FeedKind.ORGANISATION.value)
                 & calendar_feeds.c.organisation_id.in_(ending))
                | ((calendar_feeds.c.kind == FeedKind.WORKSPACE.value)
                   & calendar_feeds.c.workspace_id.in_(sorted(closing)))
            )
        ).order_by(calendar_feeds.c.feed_id))
    ]
