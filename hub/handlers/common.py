"""What every handler shares: the acting organisation, new ids, commands built from input, and
the directory look-ups that resolve placement from what the acting organisation may see.

A handler resolves facts, builds its command and calls :func:`hub.service.handle`; nothing
here decides a rule of the law. The look-ups answer "not yours" exactly as they answer "not
there" (a :class:`~hub.domain.errors.NotFound` with the same words), so no handler can tell a
caller that another area's record exists.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar

from pydantic import ValidationError
from sqlalchemy import Connection, select

from hub.access.policy import Actor, NotOwnOrganisation
from hub.domain.errors import N_, DomainError, NotFound
from hub.events import AppendResult
from hub.projections.directory import areas, csps, members, organisations
from hub.queries.directory import csp_areas
from schemas.commands import Command

C = TypeVar("C", bound=Command)
Invalid = Callable[[str, list[dict[str, str]]], DomainError]
"""A coded 422 error type, built from a message and the fields at fault."""

_ID_NAMESPACE = uuid.UUID("5b0a6a8e-1f0c-4d3e-9a57-8a1d2b7f4c10")


class Created(NamedTuple):
    """The id of a new record (or of a new part of one, such as a meeting's action) and what
    its command recorded."""

    id: str
    result: AppendResult


class NoActingOrganisation(DomainError):
    """The hub acting for nobody must say which organisation it acts for."""

    code = "record.no_acting_organisation"
    status = 422


ERRORS: tuple[type[DomainError], ...] = (NoActingOrganisation,)
"""Refusals raised here rather than by a decider."""


def acting_organisation(actor: Actor, on_behalf_of: str | None = None) -> str:
    """The organisation a command is issued by: the actor's own (the hub must name one)."""
    if actor.system:
        if not on_behalf_of:
            raise NoActingOrganisation(N_("name the organisation the hub acts for"))
        return on_behalf_of
    if on_behalf_of is not None and on_behalf_of != actor.organisation_id:
        raise NotOwnOrganisation(N_("an organisation may act only for itself"))
    if actor.organisation_id is None:
        raise NoActingOrganisation(N_("only an organisation's users and systems may do this"))
    return actor.organisation_id


def new_id(organisation_id: str, idempotency_key: str | None, kind: str = "") -> str:
    """A new record's id: random, or derived from the acting organisation's idempotency key,
    so that a retried create reaches the record the first attempt made.

    ``kind`` tells apart ids derived from one key for different things (a meeting and the
    combined CSP a merger will create, say).
    """
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_ID_NAMESPACE, f"{kind}:{organisation_id}:{idempotency_key}"))


def slug(text: str) -> str:
    """A directory id made from a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or "record"


def named_id(name: str, organisation_id: str, idempotency_key: str | None, kind: str) -> str:
    """A new directory record's id: readable (its name) and never a collision with a record
    the caller cannot see, because a part of it is drawn (or derived from the caller's key)
    rather than chosen by the caller."""
    return f"{slug(name)}-{new_id(organisation_id, idempotency_key, kind)[:8]}"


def invalid_input(error: ValidationError, invalid: Invalid) -> DomainError:
    """A schema failure as the coded 422 ``invalid``, naming each field at fault."""
    details = [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
        for e in error.errors(include_url=False)
    ]
    return invalid("; ".join(f"{d['field']}: {d['message']}" for d in details), details)


def build(model: type[C], invalid: Invalid, **fields: Any) -> C:
    """The command ``model`` of ``fields``; input that breaks its schema raises ``invalid``."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise invalid_input(error, invalid) from None


# -- the directory, as the acting organisation may see it ---------------------------------------


class NoSuchArea(NotFound):
    """No such police area among the caller's."""


def own_area(actor: Actor, area_id: str | None) -> str:
    """The police area the actor means: the one named, if it is one of the actor's own, or
    its only one. Another area's id gets the answer a made-up one gets."""
    if area_id is None:
        if len(actor.area_ids) != 1:
            raise NoSuchArea(N_("say which police area this concerns"))
        return next(iter(actor.area_ids))
    if not actor.system and area_id not in actor.area_ids:
        raise NoSuchArea(N_("no such police area %(area_id)s"), area_id=area_id)
    return area_id


def area_row(conn: Connection, area_id: str) -> Any:
    """The police area's read-model row (country, policing body office)."""
    row = conn.execute(select(areas).where(areas.c.area_id == area_id)).first()
    if row is None:
        raise NoSuchArea(N_("no such police area %(area_id)s"), area_id=area_id)
    return row


def office_of(conn: Connection, area_id: str) -> str:
    """The office of the body holding the area's PCC functions today."""
    office = area_row(conn, area_id).policing_body_id
    if office is None:
        raise NotFound(N_("the police area %(area_id)s has no policing body"), area_id=area_id)
    return str(office)


def areas_held_by(conn: Connection, organisation_id: str) -> list[str]:
    """The areas whose PCC functions ``organisation_id`` holds today."""
    return sorted(conn.execute(
        select(areas.c.area_id).where(areas.c.policing_body_id == organisation_id)
    ).scalars())


def visible_csp(conn: Connection, actor: Actor, csp_id: str) -> Any:
    """A CSP of one of the actor's areas; another area's is not found, as a made-up one is."""
    row = conn.execute(select(csps).where(csps.c.csp_id == csp_id)).first()
    # A combined CSP spanning police areas is each area's (CDA s.7(5)).
    if row is None or not (actor.system or set(csp_areas(row)) & actor.area_ids):
        raise NotFound(N_("no such CSP %(csp_id)s"), csp_id=csp_id)
    return row


def unseen_organisations(
    conn: Connection, organisation_ids: Iterable[str], area_id: str,
    workspace_id: str | None = None,
) -> list[str]:
    """Those of ``organisation_ids`` that are neither an organisation of ``area_id`` nor a
    member of ``workspace_id``: for the caller, they are not in the directory at all."""
    wanted = set(organisation_ids)
    if not wanted:
        return []
    seen = {
        row.organisation_id
        for row in conn.execute(
            select(organisations.c.organisation_id, organisations.c.area_ids).where(
                organisations.c.organisation_id.in_(sorted(wanted))
            )
        )
        if area_id in row.area_ids
    }
    if workspace_id is not None:
        seen |= set(conn.execute(
            select(members.c.organisation_id).where(
                (members.c.workspace_id == workspace_id)
                & members.c.organisation_id.in_(sorted(wanted))
            )
        ).scalars())
    return sorted(wanted - seen)
