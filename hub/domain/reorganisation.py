"""Organisations end, with successors, and CSPs arise by law (DOMAIN.md, "Organisations end too").

A directory change records that organisations end on a date, each with the body or bodies that
take over its functions: local government reorganisation (North Yorkshire's districts and
county council became North Yorkshire Council on 1 April 2023), CCGs replaced by ICBs (July
2022), the National Probation Service and the CRCs unified (June 2021). Like a transfer of
governance, a change dated later changes nothing until its London date; the hub's scheduled job
then carries it out (:func:`plan`), and a change dated today or earlier is carried out at once.

On the date:

- each organisation ends (its last day is the day before) and stays in the history;
- a CSP whose councils are all replaced ends: the CSP for the new local government area
  arises by law, made of the responsible authorities for that area (CDA s.5 and s.6), with no
  s.5A agreement, and the ended CSPs' open records pass to it;
- any other open CSP keeps going with the successors in place of the bodies that ended
  (an ICB for its CCG, the Probation Service for the NPS and the CRC);
- workspaces follow: successors join where the bodies they replace were members, and those
  bodies leave; the workspace of a CSP that ended closes into the new CSP's;
- open records pass on in their own histories: s.7 report requests to the successors of the
  authorities they are addressed to, current priorities and unfinalised records of regard to
  their authority's successor and their CSP's;
- a combination agreement whose combined CSP ends this way ends with it (CDA s.5A gives the
  parties no say: the CSP for the new area arises by law).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from hub.domain import directory
from hub.domain.directory import london_today
from hub.domain.duties import OpenDuty, passing_steps
from hub.domain.errors import N_, AlreadyExists, DomainError, InvalidCommand, NotFound
from hub.domain.meetings import MEETING
from hub.domain.mergers import MERGER
from hub.domain.record import RecordType
from hub.domain.reports import REPORT_REQUEST
from schemas.commands import Command
from schemas.commands import directory as cmd
from schemas.commands import meetings as meeting_cmd
from schemas.commands import mergers as merger_cmd
from schemas.commands import reports as report_cmd
from schemas.events import directory as ev
from schemas.events.directory import CspSuccession, OrganisationKind, Succession, WorkspaceKind
from schemas.registry import EventData

COUNCILS = frozenset({
    OrganisationKind.DISTRICT_COUNCIL, OrganisationKind.UNITARY_COUNCIL,
    OrganisationKind.COUNTY_COUNCIL,
})
"""The kinds of council a CSP is the partnership of (CDA s.5(1)(a))."""


class InvalidDirectoryChange(DomainError):
    """The change breaks a rule of succession: an organisation ends once, never succeeds
    itself, and is not succeeded by a body that ends with it."""

    code = "directory_change.invalid"
    status = 422


class OrganisationAlreadyEnded(InvalidDirectoryChange):
    """An organisation that has ended, or that a recorded change will end, cannot end again."""

    code = "directory_change.already_ended"


ERRORS = (InvalidDirectoryChange, OrganisationAlreadyEnded)


@dataclass(frozen=True)
class Change:
    """A directory change's state."""

    exists: bool = False
    area_id: str = ""
    on_date: date | None = None
    ends: tuple[Succession, ...] = ()
    took_effect: bool = False


def _evolve(state: Change, event_type: str, data: dict[str, Any]) -> Change:
    match event_type:
        case "directory_change.recorded":
            return Change(
                True, data["area_id"], date.fromisoformat(data["on_date"]),
                tuple(Succession(**s) for s in data["ends"]),
            )
        case "directory_change.took_effect":
            return replace(state, took_effect=True)
    return state


def check_successions(ends: Sequence[Succession], known: Iterable[str],
                      ended: Iterable[str]) -> None:
    """Raise unless every organisation named exists, each ends once and not before, and no
    successor is itself or another of the bodies ending."""
    known, ended = frozenset(known), frozenset(ended)
    ending = [s.organisation_id for s in ends]
    named = dict.fromkeys([*ending, *(o for s in ends for o in s.successor_ids)])
    missing = [o for o in named if o not in known]
    if missing:
        raise NotFound(N_("no such organisation %(organisation)s"), organisation=missing[0])
    twice = sorted({o for o in ending if ending.count(o) > 1})
    if twice:
        raise InvalidDirectoryChange(
            N_("%(organisation)s is named to end more than once"),
            organisation=twice[0]
        )
    again = [o for o in named if o in ended]
    if again:
        raise OrganisationAlreadyEnded(
            N_("%(organisation)s has ended, or a recorded change ends it"),
            organisation=again[0]
        )
    for s in ends:
        if s.organisation_id in s.successor_ids:
            raise InvalidDirectoryChange(
                N_("%(organisation_id)s cannot succeed itself"),
                organisation_id=s.organisation_id
            )
        bad = [o for o in s.successor_ids if o in ending]
        if bad:
            raise InvalidDirectoryChange(
                N_("%(organisation_id)s's successor %(successor)s ends in the same change"),
                organisation_id=s.organisation_id, successor=bad[0]
            )


def _decide(state: Change, command: BaseModel, now: datetime) -> list[EventData]:
    match command:
        case cmd.RecordDirectoryChange():
            if state.exists:
                raise AlreadyExists(N_("this directory change is already recorded"))
            check_successions(command.ends, command.known, command.ended)
            return [ev.DirectoryChangeRecorded(
                change_id=command.change_id, area_id=command.area_id, on_date=command.on_date,
                ends=command.ends, recorded_by=command.recorded_by,
            )]
        case cmd.TakeDirectoryChangeEffect():
            if not state.exists:
                raise NotFound(N_("no such directory change"))
            # A job early, late or twice has nothing to do: the change takes effect once, on
            # or after its London date.
            if state.took_effect or state.on_date != command.on_date:
                return []
            if london_today(now) < command.on_date:
                return []
            return [ev.DirectoryChangeTookEffect(
                change_id=command.change_id, on_date=command.on_date, ends=list(state.ends),
                csps=command.csps, arisen=command.arisen,
            )]
    raise InvalidCommand(
        N_("a directory change cannot take %(command)s"),
        command=type(command).__name__
    )


def _visibility(state: Change) -> tuple[str, ...]:
    return (directory.area_workspace(state.area_id),)


def _area_of(state: Change, command: BaseModel) -> str | None:
    area_id = state.area_id or getattr(command, "area_id", None)
    return str(area_id) if area_id else None


DIRECTORY_CHANGE = RecordType(
    "directory_change", Change, _evolve, _decide, _visibility, _area_of
)


# -- what the change does on its date -----------------------------------------------------------


@dataclass(frozen=True)
class OrganisationNow:
    """An organisation as the directory holds it when the change takes effect."""

    organisation_id: str
    name: str
    kind: str
    area_ids: tuple[str, ...]


@dataclass(frozen=True)
class CspNow:
    """An open CSP as the directory holds it when the change takes effect."""

    csp_id: str
    area_ids: tuple[str, ...]
    """Its police areas, its own first."""
    responsible_authorities: tuple[str, ...]


@dataclass(frozen=True)
class WorkspaceNow:
    """An open workspace and its members when the change takes effect."""

    workspace_id: str
    area_id: str
    members: tuple[str, ...]
    csp_id: str | None = None


@dataclass(frozen=True)
class MeetingNow:
    """An open meeting that invites a body that is ending, gives it an open action, or that it
    convened."""

    meeting_id: str
    title: str
    convened: bool
    """Convened and neither held nor cancelled: its invitations are still open."""
    invited: tuple[str, ...] = ()
    """The ending bodies it invites (while convened)."""
    open_actions: tuple[tuple[str, str], ...] = ()
    """Each open action owned by an ending body: its id and owner."""
    convened_by: str | None = None
    """The ending body that convened it, while the meeting is open."""


@dataclass(frozen=True)
class Step:
    """One command of the change's effect, keyed so that it happens once."""

    record: RecordType[Any]
    key: str
    command: Command
    idempotency_key: str


@dataclass(frozen=True)
class Arising:
    """A CSP arising by law for a new local government area."""

    csp_id: str
    name: str
    council_id: str
    local_government_area: str
    responsible_authorities: tuple[str, ...]
    replaces: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What a change does on its date: the commands, in order, and a summary of each move."""

    steps: list[Step]
    arising: list[Arising] = field(default_factory=list)
    csps: list[CspSuccession] = field(default_factory=list)
    """Each ended CSP and the CSP its open records pass to."""
    authorities_changed: dict[str, list[str]] = field(default_factory=dict)
    members_added: list[tuple[str, str]] = field(default_factory=list)
    members_removed: list[tuple[str, str]] = field(default_factory=list)
    workspaces_closed: list[tuple[str, str]] = field(default_factory=list)
    """Each closed workspace and the new CSP's workspace its history continues in."""
    invitations_passing: list[tuple[MeetingNow, str, tuple[str, ...]]] = field(
        default_factory=list)
    """Each convened meeting's invitation to an ending body, and the successors it passes to."""
    actions_passing: list[tuple[MeetingNow, str, str, str]] = field(default_factory=list)
    """Each open action (its meeting, id, owner) and the heir it passes to."""
    convenors_passing: list[tuple[MeetingNow, str, str]] = field(default_factory=list)
    """Each open meeting an ending body convened, that body, and the heir it passes to."""
    agreements_ended: list[str] = field(default_factory=list)
    """The combination agreements that end with their combined CSP."""

    @property
    def successor_of(self) -> dict[str, str]:
        """Each ended CSP's successor."""
        return {c.csp_id: c.succeeded_by for c in self.csps}


def local_government_area(council_name: str) -> str:
    """The local government area a council is named for ("North Yorkshire Council" ->
    "North Yorkshire"); a product choice, since the directory keeps no area register."""
    for suffix in (" County Council", " District Council", " Borough Council", " Council"):
        if council_name.endswith(suffix):
            return council_name.removesuffix(suffix)
    return council_name


def arising_csp_id(council_id: str) -> str:
    """The id of the CSP that arises by law for a new council's area."""
    return f"{council_id}-csp"


def heir(organisation_id: str, successor_ids: Sequence[str], kinds: Mapping[str, str]) -> str:
    """The one successor an ended body's open actions and open meetings pass to (each has one
    owner or keeper): the first of the ended body's own kind, every council counting as one
    kind (a district's action goes to the unitary council, not to the ICB beside it), else
    the first named."""

    def family(o: str) -> str:
        found = kinds.get(o, OrganisationKind.OTHER)
        return "council" if found in COUNCILS else found

    own = family(organisation_id)
    return next((s for s in successor_ids if family(s) == own), successor_ids[0])


def _tier(kind: str) -> int:
    # The council a CSP is for: a district (or unitary) before the county above it.
    return 1 if kind == OrganisationKind.COUNTY_COUNCIL else 0


def plan(
    *,
    change_id: str,
    on_date: date,
    ends: Sequence[Succession],
    organisations: Mapping[str, OrganisationNow],
    csps: Sequence[CspNow],
    workspaces: Sequence[WorkspaceNow],
    open_requests: Mapping[str, Sequence[str]] | None = None,
    open_meetings: Sequence[MeetingNow] = (),
    open_duties: Sequence[OpenDuty] = (),
    agreements: Mapping[str, str] | None = None,
) -> Plan:
    """The commands that carry out a change on its date, in order, each keyed to happen once.

    ``organisations`` holds at least every organisation the change and the CSPs name;
    ``csps`` and ``workspaces`` are the open ones; ``open_requests`` the authorities each
    open s.7 report request is addressed to, by request id; ``open_meetings`` the open
    meetings that invite an ending body, give it an open action, or that it convened;
    ``open_duties`` the open duty records kept by an ending body or belonging to one of
    ``csps``; ``agreements`` the combination agreement still in force of each of ``csps``
    that is a combined CSP.
    """
    stem = f"directory-change:{change_id}:{on_date.isoformat()}"
    successors = {s.organisation_id: tuple(s.successor_ids) for s in ends}

    def kind(organisation_id: str) -> str:
        found = organisations.get(organisation_id)
        return found.kind if found else OrganisationKind.OTHER

    def mapped(ids: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(o for i in ids for o in successors.get(i, (i,))))

    replaced = {
        council: next(s for s in successors[council] if kind(s) in COUNCILS)
        for council in successors
        if kind(council) in COUNCILS and any(kind(s) in COUNCILS for s in successors[council])
    }
    groups: dict[str, list[CspNow]] = {}
    changed: dict[str, list[str]] = {}
    for csp in sorted(csps, key=lambda c: c.csp_id):
        councils = sorted((a for a in csp.responsible_authorities if kind(a) in COUNCILS),
                          key=lambda a: _tier(kind(a)))
        if councils and all(c in replaced for c in councils):
            groups.setdefault(replaced[councils[0]], []).append(csp)
        elif any(a in successors for a in csp.responsible_authorities):
            changed[csp.csp_id] = mapped(csp.responsible_authorities)

    spaces = {w.workspace_id: w for w in workspaces}
    result = Plan(steps=[], authorities_changed=changed)
    closing: set[str] = set()
    for council_id, group in groups.items():
        council = organisations[council_id]
        area = local_government_area(council.name)
        new_id = arising_csp_id(council_id)
        name = f"{area} Community Safety Partnership"
        authorities = mapped([council_id, *(
            a for c in group for a in c.responsible_authorities if kind(a) not in COUNCILS
        )])
        area_ids = list(dict.fromkeys([*council.area_ids, *(a for c in group for a in c.area_ids)]))
        result.arising.append(Arising(new_id, name, council_id, area, tuple(authorities),
                                      tuple(c.csp_id for c in group)))
        result.steps.append(Step(directory.CSP, new_id, cmd.RegisterCsp(
            csp_id=new_id, name=name, area_id=area_ids[0], other_area_ids=area_ids[1:],
            local_government_areas=[area], responsible_authorities=authorities,
            valid_from=on_date,
        ), f"{stem}:register-csp:{new_id}"))
        old_spaces = [spaces[directory.csp_workspace(c.csp_id)] for c in group
                      if directory.csp_workspace(c.csp_id) in spaces]
        new_space = directory.csp_workspace(new_id)
        result.steps.append(Step(directory.WORKSPACE, new_space, cmd.CreateWorkspace(
            workspace_id=new_space, name=name, kind=WorkspaceKind.CSP, area_id=area_ids[0],
            csp_id=new_id, members=mapped(m for w in old_spaces for m in w.members),
            linked_from=[w.workspace_id for w in old_spaces],
        ), f"{stem}:create-workspace:{new_space}"))
        for c in group:
            result.csps.append(CspSuccession(csp_id=c.csp_id, succeeded_by=new_id))
            result.steps.append(Step(directory.CSP, c.csp_id, cmd.EndCsp(
                csp_id=c.csp_id, valid_to=on_date - timedelta(days=1), succeeded_by=new_id,
            ), f"{stem}:end-csp:{c.csp_id}"))
        for w in old_spaces:
            closing.add(w.workspace_id)
            result.workspaces_closed.append((w.workspace_id, new_space))
            result.steps.append(Step(directory.WORKSPACE, w.workspace_id, cmd.CloseWorkspace(
                workspace_id=w.workspace_id, merged_into=new_space,
            ), f"{stem}:close-workspace:{w.workspace_id}"))
    for csp_id, authorities in changed.items():
        result.steps.append(Step(directory.CSP, csp_id, cmd.ChangeCspAuthorities(
            csp_id=csp_id, responsible_authorities=authorities,
        ), f"{stem}:authorities:{csp_id}"))
    for w in sorted(workspaces, key=lambda w: w.workspace_id):
        if w.workspace_id in closing:
            continue
        present = list(w.members)
        for old in (m for m in w.members if m in successors):
            for new in successors[old]:
                if new not in present:
                    present.append(new)
                    result.members_added.append((w.workspace_id, new))
                    result.steps.append(Step(directory.WORKSPACE, w.workspace_id,
                        cmd.AddWorkspaceMember(workspace_id=w.workspace_id, organisation_id=new),
                        f"{stem}:join:{w.workspace_id}:{new}"))
            result.members_removed.append((w.workspace_id, old))
            result.steps.append(Step(directory.WORKSPACE, w.workspace_id,
                cmd.RemoveWorkspaceMember(workspace_id=w.workspace_id, organisation_id=old),
                f"{stem}:leave:{w.workspace_id}:{old}"))
    for s in ends:
        result.steps.append(Step(directory.ORGANISATION, s.organisation_id, cmd.EndOrganisation(
            organisation_id=s.organisation_id, valid_to=on_date - timedelta(days=1),
            succeeded_by=list(s.successor_ids), change_id=change_id,
        ), f"{stem}:end:{s.organisation_id}"))
    # Each open request addressed to an ending authority passes to its successors in the
    # request's own history, before the change is marked done (a crash in between re-runs it).
    for request_id, addressed in sorted((open_requests or {}).items()):
        passing = [s for s in ends if s.organisation_id in addressed]
        if passing:
            result.steps.append(Step(REPORT_REQUEST, request_id, report_cmd.PassToSuccessors(
                request_id=request_id, change_id=change_id, successions=passing,
            ), f"{stem}:report:{request_id}"))
    _pass_meetings(result, stem, change_id, ends, open_meetings,
                   {o.organisation_id: o.kind for o in organisations.values()})
    # Each open priority and record of regard kept by an ending body, or belonging to an
    # ending CSP, passes to the successor in its own history, before the change is marked
    # done (a crash in between re-runs it).
    result.steps.extend(Step(*p) for p in passing_steps(
        stem, open_duties, successions=ends, csps=result.csps, change_id=change_id))
    ending = _agreement_steps(stem, change_id, on_date, result, agreements or {})
    result.steps.extend(ending)
    result.agreements_ended.extend(step.key for step in ending)
    result.steps.append(Step(DIRECTORY_CHANGE, change_id, cmd.TakeDirectoryChangeEffect(
        change_id=change_id, on_date=on_date, csps=result.csps,
        arisen=[a.csp_id for a in result.arising],
    ), f"{stem}:took-effect"))
    return result


def _pass_meetings(
    result: Plan, stem: str, change_id: str, ends: Sequence[Succession],
    open_meetings: Sequence[MeetingNow], kinds: Mapping[str, str],
) -> None:
    # Each open meeting's invitations, actions and keeping pass to the successors in the
    # meeting's own history, before the change is marked done (a crash in between re-runs
    # it): one command a meeting, which the meeting's decider applies.
    successors = {s.organisation_id: tuple(s.successor_ids) for s in ends}
    heirs = {o: heir(o, found, kinds) for o, found in successors.items()}
    for meeting in sorted(open_meetings, key=lambda m: m.meeting_id):
        invited = [o for o in meeting.invited if o in successors] if meeting.convened else []
        owned = [(a, o) for a, o in meeting.open_actions if o in heirs]
        convenor = [o for o in (meeting.convened_by,) if o in heirs]
        if not invited and not owned and not convenor:
            continue
        result.invitations_passing.extend((meeting, o, successors[o]) for o in invited)
        result.actions_passing.extend((meeting, a, o, heirs[o]) for a, o in owned)
        result.convenors_passing.extend((meeting, o, heirs[o]) for o in convenor)
        inheriting = {o for _, o in owned} | set(convenor)
        result.steps.append(Step(MEETING, meeting.meeting_id, meeting_cmd.PassMeetingToSuccessors(
            meeting_id=meeting.meeting_id, change_id=change_id,
            successions=[s for s in ends if s.organisation_id in set(invited) | inheriting],
            heirs={o: heirs[o] for o in sorted(inheriting)},
        ), f"{stem}:meeting:{meeting.meeting_id}"))
def _agreement_steps(
    stem: str, change_id: str, on_date: date, result: Plan, agreements: Mapping[str, str],
) -> list[Step]:
    # A combined CSP that ends by law takes its combination agreement with it: the agreement
    # records, in its own history, the CSP that arose in its place and for which council.
    arisen = {a.csp_id: a for a in result.arising}
    steps = []
    for ended in result.csps:
        merger_id = agreements.get(ended.csp_id)
        if merger_id is None:
            continue
        steps.append(Step(MERGER, merger_id, merger_cmd.EndWithCombinedCsp(
            merger_id=merger_id, combined_csp_id=ended.csp_id,
            csp_ended_on=on_date - timedelta(days=1), succeeded_by=ended.succeeded_by,
            council_id=arisen[ended.succeeded_by].council_id, change_id=change_id,
        ), f"{stem}:agreement:{merger_id}"))
    return steps
