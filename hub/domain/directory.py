"""The partner directory as records: police areas, organisations, CSPs and workspaces.

The rules here: a record is created once; an area's PCC functions are held by one body at a
time and pass to a successor on a date (DOMAIN.md, "Policing body"): the holder is the term in
force on today's London date, so a transfer recorded for a later date changes nothing until
the hub's scheduled job brings it into force on that date; an ended CSP or a closed
workspace takes no further changes; an organisation joins a workspace once. Each change is
visible in the area-wide workspace of the area it concerns, and a CSP's or workspace's own.

Roles within a workspace are events of the workspace, not rows of the accounts tables: who
may act where is part of the partnership record, so each change is audited (who set it, when)
in the log, pushed live to the workspace and delivered to partner systems like every other
change, and the ``workspace_roles`` read model can be rebuilt from the log. Only people of a
member organisation hold a role, and their roles end when their organisation leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.domain.errors import N_, AlreadyExists, DomainError, InvalidCommand, NotFound
from hub.domain.record import RecordType
from schemas.commands import directory as cmd
from schemas.events import directory as ev
from schemas.events.directory import PolicingBodyKind, WorkspaceRole
from schemas.registry import EventData

LONDON = ZoneInfo("Europe/London")


def area_workspace(area_id: str) -> str:
    """The id of a police area's area-wide workspace."""
    return f"area-{area_id}"


def csp_workspace(csp_id: str) -> str:
    """The id of a CSP's workspace."""
    return f"csp-{csp_id}"


class RecordClosed(DomainError):
    """The CSP has ended or the workspace has closed: it takes no further changes."""

    code = "directory.record_closed"


class NotAWorkspaceMember(DomainError):
    """A role within a workspace is only for people of its member organisations."""

    code = "workspace.not_a_member"
    status = 422


class GovernanceUnchanged(DomainError):
    """A transfer must name a different body, on or after the current term began."""

    code = "police_area.invalid_transfer"
    status = 422


# The refusals the API can answer with; governance transfers are the operator's (`hub`
# command line), so their refusal is not among them.
ERRORS = (AlreadyExists, NotFound, InvalidCommand, RecordClosed, NotAWorkspaceMember)


@dataclass(frozen=True)
class Term:
    """One body's term holding an area's PCC functions; ``ends_on`` is None while current."""

    organisation_id: str
    kind: str
    starts_on: date | None
    """None where no start date has a true meaning (the City of London's Common Council)."""
    ends_on: date | None = None


@dataclass(frozen=True)
class Entry:
    """A directory record's state."""

    exists: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    members: frozenset[str] = frozenset()
    terms: tuple[Term, ...] = ()
    closed: bool = False
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    """A workspace's roles other than ``member``: user id -> (their organisation, role)."""

    holder: Term | None = None
    """The term in force (areas only): its body holds the area's functions until a recorded
    transfer takes effect on its London date."""

    @property
    def pending(self) -> Term | None:
        """A recorded transfer's successor term that has not yet taken effect (areas only)."""
        if self.terms and self.holder is not None and self.terms[-1] != self.holder:
            return self.terms[-1]
        return None


def policing_body_on(state: Entry, day: date) -> Term | None:
    """The term in force on ``day``: who held the area's PCC functions then."""
    for term in reversed(state.terms):
        started = term.starts_on is None or term.starts_on <= day
        if started and (term.ends_on is None or day < term.ends_on):
            return term
    return None


def _initial() -> Entry:
    return Entry()


def _evolve(state: Entry, event_type: str, data: dict[str, Any]) -> Entry:
    match event_type.split(".", 1)[1]:
        case "registered" | "created":
            return Entry(True, dict(data), frozenset(data.get("members", ())))
        case "member_added":
            return replace(state, members=state.members | {data["organisation_id"]})
        case "member_removed":
            leaving = data["organisation_id"]
            roles = {u: held for u, held in state.roles.items() if held[0] != leaving}
            return replace(state, members=state.members - {leaving}, roles=roles)
        case "role_assigned":
            roles = {u: held for u, held in state.roles.items() if u != data["user_id"]}
            if data["role"] != WorkspaceRole.MEMBER:
                roles[data["user_id"]] = (data["organisation_id"], data["role"])
            return replace(state, roles=roles)
        case "policing_body_assigned":
            starts = date.fromisoformat(data["starts_on"]) if data["starts_on"] else None
            term = Term(data["organisation_id"], data["kind"], starts)
            return replace(state, terms=(*state.terms, term), holder=term)
        case "governance_transferred":
            on = date.fromisoformat(data["on_date"])
            ended = replace(state.terms[-1], ends_on=on)
            successor = Term(data["to_organisation_id"], data["kind"], on)
            holder = ended if state.holder == state.terms[-1] else state.holder
            return replace(state, terms=(*state.terms[:-1], ended, successor), holder=holder)
        case "governance_took_effect":
            on = date.fromisoformat(data["on_date"])
            return replace(state, holder=next(t for t in state.terms if t.starts_on == on))
        case "authorities_changed":
            authorities = data["responsible_authorities"]
            return replace(state, data={**state.data, "responsible_authorities": authorities})
        case "ended" | "closed":
            return replace(state, closed=True, data={**state.data, **data})
    return state


def _create(state: Entry, event: EventData) -> list[EventData]:
    if state.exists:
        raise AlreadyExists(N_("a record with this id already exists"))
    return [event]


# A sentence per kind of entry, so that a translator never fits a noun into one.
_MISSING = {
    "police area": N_("the police area does not exist"),
    "organisation": N_("the organisation does not exist"),
    "CSP": N_("the CSP does not exist"),
    "workspace": N_("the workspace does not exist"),
}
_CLOSED = {
    "police area": N_("the police area has closed and takes no further changes"),
    "organisation": N_("the organisation has closed and takes no further changes"),
    "CSP": N_("the CSP has closed and takes no further changes"),
    "workspace": N_("the workspace has closed and takes no further changes"),
}


def _open(state: Entry, what: str) -> None:
    if not state.exists:
        raise NotFound(_MISSING[what])
    if state.closed:
        raise RecordClosed(_CLOSED[what])


def london_today(now: datetime) -> date:
    """The calendar date in England and Wales at instant ``now``."""
    return now.astimezone(LONDON).date()


def _took_effect(state: Entry, term: Term) -> ev.GovernanceTookEffect:
    # A successor's term always starts on the transfer's date.
    assert state.holder is not None and term.starts_on is not None
    return ev.GovernanceTookEffect(
        area_id=state.data["area_id"], from_organisation_id=state.holder.organisation_id,
        to_organisation_id=term.organisation_id, kind=term.kind, on_date=term.starts_on,
    )


def _transfer(state: Entry, command: cmd.TransferGovernance, now: datetime) -> list[EventData]:
    _open(state, "police area")
    current = state.holder
    if current is None:
        raise GovernanceUnchanged(N_("the area has no policing body to transfer from"))
    if state.pending is not None:
        raise GovernanceUnchanged(
            N_("a transfer to %(organisation_id)s on %(starts_on)s is already recorded and not "
               "yet in force"),
            organisation_id=state.pending.organisation_id, starts_on=state.pending.starts_on
        )
    if command.to_organisation_id == current.organisation_id:
        raise GovernanceUnchanged(N_("the successor must be a different body"))
    if current.starts_on is not None and command.on_date <= current.starts_on:
        raise GovernanceUnchanged(N_("the transfer must be after the current term began"))
    transferred = ev.GovernanceTransferred(
        area_id=command.area_id, from_organisation_id=current.organisation_id,
        to_organisation_id=command.to_organisation_id, kind=command.kind,
        on_date=command.on_date,
    )
    if command.on_date > london_today(now):
        # The holder is the term in force on today's London date: a transfer dated later
        # changes nothing now, and the hub's scheduled job brings it into force on the date.
        return [transferred]
    successor = Term(command.to_organisation_id, command.kind, command.on_date)
    return [transferred, _took_effect(state, successor)]


def _held_by(state: Entry, kind: str) -> bool:
    """The body in force, or the one a recorded transfer names, is of ``kind``."""
    return any(t is not None and t.kind == kind for t in (state.holder, state.pending))


def _bring_into_effect(
    state: Entry, command: cmd.BringGovernanceIntoEffect, now: datetime
) -> list[EventData]:
    # A job early, late or for a transfer no longer pending has nothing to do.
    pending = state.pending
    if pending is None or pending.starts_on != command.on_date:
        return []
    if london_today(now) < command.on_date:
        return []
    return [_took_effect(state, pending)]


def _decide_area(state: Entry, command: BaseModel, now: datetime) -> list[EventData]:
    match command:
        case cmd.RegisterPoliceArea():
            return _create(state, ev.PoliceAreaRegistered(**command.model_dump()))
        case cmd.AssignPolicingBody():
            _open(state, "police area")
            if state.terms:
                raise AlreadyExists(N_("the area has a policing body: transfer governance instead"))
            return [ev.PolicingBodyAssigned(**command.model_dump())]
        case cmd.TransferGovernance():
            return _transfer(state, command, now)
        case cmd.BringGovernanceIntoEffect():
            return _bring_into_effect(state, command, now)
        case cmd.RecordReg14aPower():
            _open(state, "police area")
            if not _held_by(state, PolicingBodyKind.MOPAC):
                raise InvalidCommand(N_("reg 14A's power is recorded only for MOPAC"))
            return [ev.Reg14aPowerRecorded(**command.model_dump())]
        case cmd.RecordCommencement():
            _open(state, "police area")
            if not _held_by(state, PolicingBodyKind.POLICE_AND_CRIME_BOARD):
                raise InvalidCommand(
                    N_("a commencement is recorded only for a Police and Crime Board")
                )
            return [ev.CommencementRecorded(**command.model_dump())]
    raise InvalidCommand(
        N_("a police area cannot take %(command)s"),
        command=type(command).__name__
    )


def _decide_organisation(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.RegisterOrganisation():
            return _create(state, ev.OrganisationRegistered(**command.model_dump()))
        case cmd.EndOrganisation():
            # An ended organisation stays in the history, and takes no further changes.
            _open(state, "organisation")
            return [ev.OrganisationEnded(**command.model_dump())]
    raise InvalidCommand(
        N_("an organisation cannot take %(command)s"),
        command=type(command).__name__
    )


def _decide_csp(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.RegisterCsp():
            return _create(state, ev.CspRegistered(**command.model_dump()))
        case cmd.ChangeCspAuthorities():
            _open(state, "CSP")
            return [ev.CspAuthoritiesChanged(**command.model_dump())]
        case cmd.EndCsp():
            _open(state, "CSP")
            return [ev.CspEnded(**command.model_dump())]
    raise InvalidCommand(N_("a CSP cannot take %(command)s"), command=type(command).__name__)


def _decide_workspace(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    match command:
        case cmd.CreateWorkspace():
            return _create(state, ev.WorkspaceCreated(**command.model_dump()))
        case cmd.AddWorkspaceMember():
            _open(state, "workspace")
            if command.organisation_id in state.members:
                raise AlreadyExists(
                    N_("%(organisation_id)s is already a member"),
                    organisation_id=command.organisation_id
                )
            return [ev.WorkspaceMemberAdded(**command.model_dump())]
        case cmd.RemoveWorkspaceMember():
            _open(state, "workspace")
            if command.organisation_id not in state.members:
                raise InvalidCommand(
                    N_("%(organisation_id)s is not a member"),
                    organisation_id=command.organisation_id
                )
            return [ev.WorkspaceMemberRemoved(**command.model_dump())]
        case cmd.CloseWorkspace():
            _open(state, "workspace")
            return [ev.WorkspaceClosed(**command.model_dump())]
        case cmd.AssignWorkspaceRole():
            _open(state, "workspace")
            if command.organisation_id not in state.members:
                raise NotAWorkspaceMember(
                    N_("%(organisation_id)s is not a member of the workspace, so its people "
                       "hold no role in it"),
                    organisation_id=command.organisation_id
                )
            held = state.roles.get(command.user_id, (command.organisation_id, "member"))[1]
            if held == command.role:
                return []
            return [ev.WorkspaceRoleAssigned(**command.model_dump())]
    raise InvalidCommand(N_("a workspace cannot take %(command)s"), command=type(command).__name__)


def _area_visibility(state: Entry) -> tuple[str, ...]:
    return (area_workspace(state.data["area_id"]),)


def _organisation_visibility(state: Entry) -> tuple[str, ...]:
    return tuple(area_workspace(a) for a in state.data["area_ids"])


def csp_area_ids(state: Entry) -> tuple[str, ...]:
    """Every police area a CSP belongs to: a combined CSP spanning areas belongs to each."""
    return tuple(dict.fromkeys((state.data["area_id"], *state.data.get("other_area_ids", ()))))


def _csp_visibility(state: Entry) -> tuple[str, ...]:
    areas = tuple(area_workspace(a) for a in csp_area_ids(state))
    return (*areas, csp_workspace(state.data["csp_id"]))


def _workspace_visibility(state: Entry) -> tuple[str, ...]:
    own = state.data["workspace_id"]
    return tuple(dict.fromkeys((area_workspace(state.data["area_id"]), own)))


def _area_of(state: Entry, command: BaseModel) -> str | None:
    area_id = state.data.get("area_id") or getattr(command, "area_id", None)
    return str(area_id) if area_id else None


def _first_area(state: Entry, command: BaseModel) -> str | None:
    # An organisation is kept by the office of the first area it serves.
    area_ids = state.data.get("area_ids") or getattr(command, "area_ids", None)
    return str(area_ids[0]) if area_ids else None


def _registered_area(state: Entry, _command: BaseModel) -> str | None:
    # Before it is registered, an area has no facts to check against.
    return state.data.get("area_id")


POLICE_AREA = RecordType(
    "police_area", _initial, _evolve, _decide_area, _area_visibility, _registered_area
)
ORGANISATION = RecordType(
    "organisation", _initial, _evolve, _decide_organisation, _organisation_visibility,
    _first_area,
)
CSP = RecordType("csp", _initial, _evolve, _decide_csp, _csp_visibility, _area_of)
WORKSPACE = RecordType(
    "workspace", _initial, _evolve, _decide_workspace, _workspace_visibility, _area_of
)
