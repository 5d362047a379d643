"""Requests of the partner directory: what an area's policing body office says when it adds an
organisation or a CSP, and what a workspace's lead says of a person's role there.

A new record's id (made from its name), the area's country, the further areas a combined CSP
spans and the person's organisation are resolved by the handler
(``schemas.commands.directory``).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from schemas.commands import directory as cmd
from schemas.events.directory import Name, OrganisationKind, WorkspaceRole
from schemas.requests.base import CallerRequest


class RegisterOrganisationRequest(CallerRequest):
    """An organisation to add to the caller's area. Its id is the hub's (made from the name);
    ``area_ids`` may name others of the caller's own areas, and defaults to its only one."""

    commands = (cmd.RegisterOrganisation,)

    name: str = Name
    kind: OrganisationKind
    area_ids: list[str] | None = Field(default=None, min_length=1, max_length=10)


class RegisterCspRequest(CallerRequest):
    """A CSP to add to the caller's area. Its id is the hub's (made from the name); its
    responsible authorities are organisations of that area."""

    commands = (cmd.RegisterCsp,)

    name: str = Name
    local_government_areas: list[str] = Field(min_length=1, max_length=20)
    responsible_authorities: list[str] = Field(min_length=1, max_length=50)
    valid_from: date
    area_id: str | None = Field(default=None, max_length=120)


class AssignWorkspaceRoleRequest(CallerRequest):
    """A person's role within a workspace: ``lead``, ``member`` (the default) or ``observer``."""

    commands = (cmd.AssignWorkspaceRole,)

    role: WorkspaceRole
    expected_version: int | None = Field(
        default=None, ge=0, description="the workspace's version you last read, if any",
    )
