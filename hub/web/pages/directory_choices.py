"""Form fields that name an entry of the directory, offered as the entries the caller may name.

A command takes a CSP, an area, an organisation or a workspace by its id. Typed by hand, an id
is something a user has to look up first, and a mistyped one comes back as "not found". A
field named here is offered instead as a choice (a select, or checkboxes for a list) of the
entries in the caller's police areas, wherever it sits in a form: an invitation's
``organisation_id`` as much as a report request's ``csp_id``. The command still checks what is
chosen; a caller with nothing to choose from keeps the plain field.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cache

from sqlalchemy import Engine

from hub.access.policy import Actor
from hub.domain.duties import CRIMINAL_JUSTICE_KINDS
from hub.queries.directory import (
    areas_of,
    csps_of,
    current_organisations_of,
    organisations_of,
    workspaces_of,
)

Choices = list[tuple[str, str]]
"""(value, label) pairs, in the order offered."""


def _csps(engine: Engine, actor: Actor) -> Choices:
    return [(c["csp_id"], c["name"]) for c in csps_of(engine, actor)]


def _areas(engine: Engine, actor: Actor) -> Choices:
    return [(a["area_id"], a["name"]) for a in areas_of(engine, actor)]


def _workspaces(engine: Engine, actor: Actor) -> Choices:
    return [(w["workspace_id"], w["name"]) for w in workspaces_of(engine, actor)]


def _organisations(engine: Engine, actor: Actor) -> Choices:
    return [(o["organisation_id"], o["name"]) for o in current_organisations_of(engine, actor)]


def _criminal_justice_bodies(engine: Engine, actor: Actor) -> Choices:
    return [
        (o["organisation_id"], o["name"]) for o in current_organisations_of(engine, actor)
        if o["kind"] in CRIMINAL_JUSTICE_KINDS
    ]


ENTRIES: dict[str, Callable[[Engine, Actor], Choices]] = {
    "csp_id": _csps,
    "csp_ids": _csps,
    "requested_by_csp": _csps,
    "area_id": _areas,
    "workspace_id": _workspaces,
    "organisation_id": _organisations,
    "party_ids": _criminal_justice_bodies,
}
"""Which entries each field names, by the field's name."""


def directory_choices(engine: Engine, actor: Actor, names: Collection[str]) -> dict[str, Choices]:
    """Choices for those of the form's field ``names`` that name a directory entry.

    Only what the form asks for is read, and each kind of entry once.
    """
    read = cache(lambda entries: entries(engine, actor))
    return {name: read(ENTRIES[name]) for name in names if name in ENTRIES}


def visible_names(engine: Engine, actor: Actor) -> dict[str, str]:
    """The names of the directory entries the actor's organisation may see, by id: the
    organisations (ended ones too), CSPs, police areas and workspaces of its police areas. A
    refusal shown on a page names these (:func:`hub.web.pages.common.error_text`); an id not
    here reads as it was given, so another area's reads as a made-up one does."""
    names = {o["organisation_id"]: o["name"] for o in organisations_of(engine, actor)}
    for entries in (_csps, _areas, _workspaces):
        names.update(entries(engine, actor))
    return names
