"""Events of the partner directory: police areas, organisations, CSPs and workspaces."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from schemas.registry import EventData, event_type, upcaster

Slug = Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
Name = Field(min_length=1, max_length=200)


class Country(StrEnum):
    """The two countries with police areas; several powers apply in England only."""

    ENGLAND = "england"
    WALES = "wales"


class PolicingBodyKind(StrEnum):
    """Who holds an area's PCC functions (DOMAIN.md, "Policing body")."""

    PCC = "pcc"
    PFCC = "pfcc"
    MAYOR = "mayor"
    MOPAC = "mopac"
    CITY_OF_LONDON = "city_of_london"
    POLICE_AND_CRIME_BOARD = "police_and_crime_board"


class OrganisationKind(StrEnum):
    """The kinds of organisation the hub knows, each with its statutory role."""

    POLICING_BODY_OFFICE = "policing_body_office"
    POLICE_FORCE = "police_force"
    COUNTY_COUNCIL = "county_council"
    DISTRICT_COUNCIL = "district_council"
    UNITARY_COUNCIL = "unitary_council"
    FIRE_AND_RESCUE_AUTHORITY = "fire_and_rescue_authority"
    INTEGRATED_CARE_BOARD = "integrated_care_board"
    LOCAL_HEALTH_BOARD = "local_health_board"
    PROBATION_PROVIDER = "probation_provider"
    YOUTH_OFFENDING_TEAM = "youth_offending_team"
    CPS = "cps"
    COURTS = "courts"
    PRISONS = "prisons"
    VOLUNTARY = "voluntary"
    OTHER = "other"


class WorkspaceRole(StrEnum):
    """A user's role within one workspace, narrowing what their organisation role allows there.

    ``member`` is everyone's role until someone sets another; a ``lead`` also sets others'
    roles in the workspace; an ``observer`` sees the workspace's records but changes none.
    """

    LEAD = "lead"
    MEMBER = "member"
    OBSERVER = "observer"


class WorkspaceKind(StrEnum):
    """A workspace serves one CSP, a whole police area, or an ad-hoc group."""

    CSP = "csp"
    AREA = "area"
    ADHOC = "adhoc"


@event_type("police_area.registered", version=2)
class PoliceAreaRegistered(EventData):
    """A police area of England or Wales entered the directory."""

    area_id: str = Slug
    name: str = Name
    country: Country


@upcaster("police_area.registered", from_version=1)
def _police_area_registered_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 stored the ONS nation code ("E" or "W") as `nation`.
    data = dict(data)
    nation = data.pop("nation")
    data["country"] = {"E": Country.ENGLAND.value, "W": Country.WALES.value}[nation]
    return data


@event_type("police_area.policing_body_assigned", version=2)
class PolicingBodyAssigned(EventData):
    """An organisation began to hold the area's PCC functions on a date.

    ``starts_on`` is empty where no date has a true meaning: the City of London's Common
    Council is its police area's body under its own legislation, not an elected local
    policing body of 2012, so no start date would say anything true of its term.
    """

    area_id: str = Slug
    organisation_id: str = Slug
    kind: PolicingBodyKind
    starts_on: date | None


@upcaster("police_area.policing_body_assigned", from_version=1)
def _policing_body_assigned_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 always had a start date; version 2 may leave it empty.
    return dict(data)


@event_type("organisation.registered")
class OrganisationRegistered(EventData):
    """An organisation entered the directory, in one or more police areas."""

    organisation_id: str = Slug
    name: str = Name
    kind: OrganisationKind
    area_ids: list[str] = Field(min_length=1, max_length=10)
    country: Country


@event_type("csp.registered", version=2)
class CspRegistered(EventData):
    """A Community Safety Partnership for one or more local government areas.

    A combined CSP can span police areas: it belongs to ``area_id`` (the proposer's) and to
    each of ``other_area_ids``, whose policing bodies may require its reports (CDA s.7(5)),
    call it to reg 14A meetings and see it on their s.10 registers.
    """

    csp_id: str = Slug
    name: str = Name
    area_id: str = Slug
    other_area_ids: list[str] = Field(default_factory=list, max_length=10)
    local_government_areas: list[str] = Field(min_length=1, max_length=20)
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)
    valid_from: date
    valid_to: date | None = None
    merged_from: list[str] = Field(default_factory=list, max_length=20)


@upcaster("csp.registered", from_version=1)
def _csp_registered_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 1 placed every CSP in one police area.
    return {**data, "other_area_ids": []}


@event_type("workspace.created")
class WorkspaceCreated(EventData):
    """A shared workspace with its first member organisations."""

    workspace_id: str = Slug
    name: str = Name
    kind: WorkspaceKind
    area_id: str = Slug
    csp_id: str | None = None
    members: list[str] = Field(default_factory=list, max_length=200)
    linked_from: list[str] = Field(default_factory=list, max_length=20)


@event_type("workspace.member_added")
class WorkspaceMemberAdded(EventData):
    """An organisation joined a workspace."""

    workspace_id: str = Slug
    organisation_id: str = Slug


@event_type("workspace.member_removed")
class WorkspaceMemberRemoved(EventData):
    """An organisation left a workspace."""

    workspace_id: str = Slug
    organisation_id: str = Slug


@event_type("police_area.governance_transferred")
class GovernanceTransferred(EventData):
    """A transfer of the area's PCC functions to a successor body on a date was recorded.

    Nothing passes yet: the successor holds the functions, and open records pass to it, when
    ``police_area.governance_took_effect`` follows on ``on_date``. Closed records keep the
    body that acted at the time.
    """

    area_id: str = Slug
    from_organisation_id: str = Slug
    to_organisation_id: str = Slug
    kind: PolicingBodyKind
    on_date: date


@event_type("police_area.governance_took_effect")
class GovernanceTookEffect(EventData):
    """A recorded transfer came into force: from ``on_date`` (London) the successor holds the
    area's PCC functions, and the area's open records pass to it.

    Recorded on the date itself (a scheduled job), or with the transfer when it is dated today
    or earlier: until then the sitting body keeps every power.
    """

    area_id: str = Slug
    from_organisation_id: str = Slug
    to_organisation_id: str = Slug
    kind: PolicingBodyKind
    on_date: date


@event_type("police_area.reg14a_power_recorded")
class Reg14aPowerRecorded(EventData):
    """The operator recorded whether reg 14A's power applies to the area's MOPAC."""

    area_id: str = Slug
    applies: bool


@event_type("police_area.commencement_recorded")
class CommencementRecorded(EventData):
    """The operator recorded when the area's Police and Crime Board gains its statutory
    powers (it holds none while pending legislation)."""

    area_id: str = Slug
    on_date: date


@event_type("csp.authorities_changed")
class CspAuthoritiesChanged(EventData):
    """The CSP's responsible authorities were edited where reality differs from the rules."""

    csp_id: str = Slug
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)


@event_type("csp.ended")
class CspEnded(EventData):
    """The CSP ceased, e.g. merged into a combined CSP."""

    csp_id: str = Slug
    valid_to: date
    succeeded_by: str | None = None


@event_type("workspace.closed")
class WorkspaceClosed(EventData):
    """The workspace closed; when merged, its history continues in ``merged_into``."""

    workspace_id: str = Slug
    merged_into: str | None = None


@event_type("workspace.role_assigned")
class WorkspaceRoleAssigned(EventData):
    """A user's role within the workspace was set (``member`` puts them back to the default).

    ``organisation_id`` is the user's organisation, so that its leaving the workspace ends the
    roles of its users without reading accounts.
    """

    workspace_id: str = Slug
    user_id: str = Field(min_length=1, max_length=36)
    organisation_id: str = Slug
    role: WorkspaceRole


class Succession(EventData):
    """An organisation that ends, and the body or bodies that take over its functions."""

    organisation_id: str = Slug
    successor_ids: list[str] = Field(min_length=1, max_length=20)


@event_type("directory_change.recorded")
class DirectoryChangeRecorded(EventData):
    """Organisations end on ``on_date`` and successors take over (local government
    reorganisation, CCGs to ICBs, probation unified).

    Nothing changes yet: the organisations end, CSPs arise by law and open records pass on
    when ``directory_change.took_effect`` follows on ``on_date`` (London), by the hub's
    scheduled job, or at once when the date has come.
    """

    change_id: str = Slug
    area_id: str = Slug
    on_date: date
    ends: list[Succession] = Field(min_length=1, max_length=50)
    recorded_by: str | None = None


class CspSuccession(EventData):
    """An ended CSP and the CSP its open records passed to."""

    csp_id: str = Slug
    succeeded_by: str = Slug


@event_type("directory_change.took_effect")
class DirectoryChangeTookEffect(EventData):
    """A recorded change came into force on ``on_date``: the organisations in ``ends`` ended
    (their last day the day before), each CSP in ``csps`` ended and its open records passed
    to its successor, and ``arisen`` lists the CSPs that arose by law (CDA s.5, s.6) for a
    new local government area, with no s.5A agreement."""

    change_id: str = Slug
    on_date: date
    ends: list[Succession] = Field(min_length=1, max_length=50)
    csps: list[CspSuccession] = Field(default_factory=list, max_length=100)
    arisen: list[str] = Field(default_factory=list, max_length=50)


@event_type("organisation.ended")
class OrganisationEnded(EventData):
    """The organisation ceased (``valid_to`` is its last day); its successors took over its
    functions. It stays in the directory's history, and is no longer a responsible
    authority."""

    organisation_id: str = Slug
    valid_to: date
    succeeded_by: list[str] = Field(min_length=1, max_length=20)
    change_id: str = Slug
