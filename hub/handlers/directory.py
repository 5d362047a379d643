"""Directory edits an office makes: register an organisation or a CSP in its own area.

The hub decides where the new record lives and what it is called: the area is one of the
office's own, the id is made from the name and a part drawn by the hub (from the caller's
idempotency key, when there is one, so a retry reaches the same record), and the responsible
authorities named must be organisations of that area. A caller can therefore neither place a
record in another area nor learn, from a collision, that another area has a record of that id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.errors import N_, DomainError, InvalidInput, NotFound
from hub.handlers.common import (
    Created,
    acting_organisation,
    area_row,
    build,
    named_id,
    own_area,
    unseen_organisations,
)
from hub.projections.directory import organisations
from hub.service import handle
from schemas.commands import directory as cmd
from schemas.events.directory import OrganisationKind


class InvalidDirectoryInput(InvalidInput):
    """The input does not fit the command's schema; ``errors`` names each field."""

    code = "directory.invalid_input"


class OrganisationEnded(DomainError):
    """An organisation that has ended is no longer a responsible authority: a new CSP cannot
    name it (it stays in the history of the CSPs it was on)."""

    code = "directory.organisation_ended"
    status = 422


ERRORS: tuple[type[DomainError], ...] = (InvalidDirectoryInput, OrganisationEnded)


def register_organisation(
    hub: Hub,
    actor: Actor,
    *,
    name: str,
    kind: OrganisationKind | str,
    area_ids: Sequence[str] | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Register an organisation in the office's area (or those of its areas named); its
    country is the first area's."""
    by = acting_organisation(actor)
    served = [own_area(actor, a) for a in area_ids] if area_ids else [own_area(actor, None)]
    with hub.engine.connect() as conn:
        country = area_row(conn, served[0]).country
    organisation_id = named_id(name, by, idempotency_key, "organisation")
    command = build(
        cmd.RegisterOrganisation, InvalidDirectoryInput, organisation_id=organisation_id,
        name=name, kind=kind, area_ids=list(dict.fromkeys(served)), country=country,
    )
    return Created(organisation_id, handle(
        hub, directory.ORGANISATION, organisation_id, command, actor,
        idempotency_key=idempotency_key,
    ))


def register_csp(
    hub: Hub,
    actor: Actor,
    *,
    name: str,
    local_government_areas: Sequence[str],
    responsible_authorities: Sequence[str],
    valid_from: date,
    area_id: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Register a CSP in the office's area; its responsible authorities are organisations of
    that area (any other is not found, as one that does not exist)."""
    by = acting_organisation(actor)
    area = own_area(actor, area_id)
    with hub.engine.connect() as conn:
        area_row(conn, area)
        unseen = unseen_organisations(conn, responsible_authorities, area)
        if unseen:
            raise NotFound(N_("no such organisation %(organisation)s"), organisation=unseen[0])
        ended = conn.execute(
            select(organisations.c.organisation_id).where(
                organisations.c.organisation_id.in_(list(responsible_authorities))
                & organisations.c.valid_to.is_not(None)
            ).order_by(organisations.c.organisation_id)
        ).scalars().first()
    if ended is not None:
        raise OrganisationEnded(
            N_("%(partnerships)s has ended and is no longer a responsible authority"),
            partnerships=ended
        )
    csp_id = named_id(name, by, idempotency_key, "csp")
    command = build(
        cmd.RegisterCsp, InvalidDirectoryInput, csp_id=csp_id, name=name, area_id=area,
        local_government_areas=list(local_government_areas),
        responsible_authorities=list(responsible_authorities), valid_from=valid_from,
    )
    return Created(csp_id, handle(
        hub, directory.CSP, csp_id, command, actor, idempotency_key=idempotency_key,
    ))
