"""Commands of the partner directory: areas, governance, organisations, CSPs, workspaces."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from schemas.commands.base import Command, Resolved
from schemas.events.directory import (
    Country,
    CspSuccession,
    Name,
    OrganisationKind,
    PolicingBodyKind,
    Slug,
    Succession,
    WorkspaceKind,
    WorkspaceRole,
)


class RegisterPoliceArea(Command):
    """Enter a police area into the directory."""

    area_id: str = Slug
    name: str = Name
    country: Country


class AssignPolicingBody(Command):
    """Record which body holds the area's PCC functions, from a date (the first term); no
    date where none has a true meaning (the City of London)."""

    area_id: str = Slug
    organisation_id: str = Slug
    kind: PolicingBodyKind
    starts_on: date | None


class TransferGovernance(Command):
    """Pass the area's PCC functions to a successor body on a date (at once if it has come)."""

    area_id: str = Slug
    to_organisation_id: str = Slug
    kind: PolicingBodyKind
    on_date: date


class BringGovernanceIntoEffect(Command):
    """The hub's scheduled switch: the transfer dated ``on_date`` comes into force, if due."""

    area_id: str = Slug
    on_date: date


class RecordReg14aPower(Command):
    """The operator records whether reg 14A's power applies to MOPAC (it speaks of
    commissioners: no by default)."""

    area_id: str = Slug
    applies: bool


class RecordCommencement(Command):
    """The operator records the date the law giving a Police and Crime Board its statutory
    powers commences; until then it holds none."""

    area_id: str = Slug
    on_date: date


class RegisterOrganisation(Command):
    """Enter an organisation into the directory."""

    organisation_id: Resolved[str] = Slug
    name: str = Name
    kind: OrganisationKind
    area_ids: list[str] = Field(min_length=1, max_length=10)
    country: Resolved[Country]


class RegisterCsp(Command):
    """Enter a CSP, with its local government area(s) and responsible authorities."""

    csp_id: Resolved[str] = Slug
    name: str = Name
    area_id: str = Slug
    other_area_ids: Resolved[list[str]] = Field(default_factory=list, max_length=10)
    """Further police areas a combined CSP spans: it belongs to each."""
    local_government_areas: list[str] = Field(min_length=1, max_length=20)
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)
    valid_from: date
    merged_from: Resolved[list[str]] = Field(default_factory=list, max_length=20)


class ChangeCspAuthorities(Command):
    """Replace the CSP's responsible authorities (where reality differs from the rules)."""

    csp_id: str = Slug
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)


class EndCsp(Command):
    """End a CSP on a date, optionally naming its successor."""

    csp_id: str = Slug
    valid_to: date
    succeeded_by: str | None = None


class CreateWorkspace(Command):
    """Open a workspace with its first member organisations."""

    workspace_id: str = Slug
    name: str = Name
    kind: WorkspaceKind
    area_id: str = Slug
    csp_id: str | None = None
    members: list[str] = Field(default_factory=list, max_length=200)
    linked_from: list[str] = Field(default_factory=list, max_length=20)


class AddWorkspaceMember(Command):
    """Add an organisation to a workspace."""

    workspace_id: str = Slug
    organisation_id: str = Slug


class RemoveWorkspaceMember(Command):
    """Remove an organisation from a workspace."""

    workspace_id: str = Slug
    organisation_id: str = Slug


class CloseWorkspace(Command):
    """Close a workspace; when merged, name the workspace its history continues in."""

    workspace_id: str = Slug
    merged_into: str | None = None


class AssignWorkspaceRole(Command):
    """Set a user's role within a workspace; the hub fills in the user's organisation."""

    workspace_id: Resolved[str] = Slug
    user_id: Resolved[str] = Field(min_length=1, max_length=36)
    organisation_id: Resolved[str] = Slug
    role: WorkspaceRole


class EndOrganisation(Command):
    """A directory change ends an organisation on a date, naming its successors."""

    organisation_id: str = Slug
    valid_to: date
    succeeded_by: list[str] = Field(min_length=1, max_length=20)
    change_id: str = Slug


class RecordDirectoryChange(Command):
    """Record that organisations end on a date, each with its successors; the hub brings the
    change into force on that London date.

    ``known`` and ``ended`` are the hub's facts, resolved from the directory: every
    organisation the change names that exists, and those of them already ended or ending.
    """

    change_id: str = Slug
    area_id: str = Slug
    on_date: date
    ends: list[Succession] = Field(min_length=1, max_length=50)
    recorded_by: str | None = None
    known: list[str] = Field(default_factory=list, max_length=1000)
    ended: list[str] = Field(default_factory=list, max_length=1000)


class TakeDirectoryChangeEffect(Command):
    """The hub records that a change came into force, with what the directory did."""

    change_id: str = Slug
    on_date: date
    csps: list[CspSuccession] = Field(default_factory=list, max_length=100)
    arisen: list[str] = Field(default_factory=list, max_length=50)
