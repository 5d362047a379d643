"""Inviting a whole partnership, workspace or police area to a meeting in one step.

The convene form offers "everyone in …" for each current CSP of the convenor's areas, each
workspace its organisation belongs to and each of its police areas. The page turns each group
ticked into one invitation row per organisation, before the form is read, so "Check your
answers" lists every organisation by name and the command sees ordinary invitations.

A convened meeting's convenor invites more organisations the same way ("Invite more
organisations", its own question page): the groups add only the organisations the meeting
does not invite yet, and "Check your answers" names those left out as invited already.

A group's organisations come only from what the convenor's organisation may see (the
directory of its own areas and the members of its own workspaces), never from the form: a
group the convenor may not see is ignored exactly as a made-up one is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from hub.access.policy import Actor
from hub.i18n import _, ngettext
from hub.queries.directory import areas_of, csps_of, organisations_of, workspace, workspaces_of
from hub.web.auth import Caller, hub_of
from hub.web.pages.record_forms import FormField

FIELD = "invite_groups"
"""The form field of the groups ticked."""
INVITATIONS = "invitations"
"""The list of invitation rows the groups are added to."""
REG_14A = "reg_14a"
SKIPPED = "already_invited"
"""Inviting more: the organisations of the groups ticked that the meeting invites already."""


@dataclass(frozen=True)
class Group:
    """Organisations invited together."""

    key: str
    """``csp:<id>``, ``workspace:<id>`` or ``area:<id>``."""
    label: str
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class Groups:
    """The groups a convenor may invite, and which organisations are responsible authorities
    (only those may be required to attend a reg 14A meeting)."""

    groups: tuple[Group, ...]
    authorities: frozenset[str]

    def by_key(self) -> dict[str, Group]:
        """The groups by key."""
        return {g.key: g for g in self.groups}


def groups_for(engine: Engine, actor: Actor, today: date) -> Groups:
    """The partnerships, workspaces and areas ``actor``'s organisation may invite whole."""
    csps = [c for c in csps_of(engine, actor)
            if c.get("valid_to") is None or c["valid_to"] >= today]
    organisations = organisations_of(engine, actor)
    found = [
        Group(f"csp:{c['csp_id']}", _("Everyone in %(name)s") % {"name": c["name"]},
              tuple(c["responsible_authorities"]))
        for c in csps
    ]
    for space in workspaces_of(engine, actor):
        members = workspace(engine, actor, space["workspace_id"])["members"]
        found.append(Group(f"workspace:{space['workspace_id']}",
                           _("Everyone in the workspace %(name)s") % {"name": space["name"]},
                           tuple(m["organisation_id"] for m in members)))
    for area in areas_of(engine, actor):
        found.append(Group(
            f"area:{area['area_id']}", _("Everyone in %(name)s") % {"name": area["name"]},
            tuple(o["organisation_id"] for o in organisations
                  if area["area_id"] in o["area_ids"]),
        ))
    authorities = frozenset(a for c in csps for a in c["responsible_authorities"])
    return Groups(tuple(found), authorities)


def invited(
    chosen: Iterable[str], groups: Groups, *, already: Iterable[str], convenor: str
) -> list[str]:
    """The organisations the groups ``chosen`` add, in order, once each: not the convenor,
    none already invited, nothing from a group the convenor may not see."""
    known = groups.by_key()
    seen = {*already, convenor}
    added = []
    for key in chosen:
        for organisation in known[key].organisations if key in known else ():
            if organisation not in seen:
                seen.add(organisation)
                added.append(organisation)
    return added


def with_groups(
    form: FormData, groups: Groups, convenor: str, *, kind: str | None = None,
    invited_before: Iterable[str] = (),
) -> FormData:
    """``form`` with the groups ticked made into invitation rows after the rows filled in
    (each required when the meeting is under reg 14A and the organisation a responsible
    authority); blank rows are dropped, and one spare is left. ``kind`` is the meeting's
    (by default the form's), and ``invited_before`` the organisations a convened meeting
    invites already, which no group adds again."""
    chosen = [str(c) for c in form.getlist(FIELD)]
    rows: dict[int, list[tuple[str, str]]] = {}
    items: list[tuple[str, str | UploadFile]] = []
    for key, value in form.multi_items():
        index = _row_index(key)
        if key == FIELD or key == f"{INVITATIONS}-rows":
            continue
        if index is None:
            items.append((key, value))
        else:
            rows.setdefault(index, []).append((key, str(value)))
    filled = [row for _, row in sorted(rows.items()) if any(v for _, v in row)]
    already = [v for row in filled for k, v in row if k.endswith("-organisation_id")]
    added = invited(chosen, groups, already=[*already, *invited_before], convenor=convenor)
    required = (form.get("kind") if kind is None else kind) == REG_14A
    invitations: list[tuple[str, str]] = []
    for index, row in enumerate(filled):
        invitations += [(f"{INVITATIONS}-{index}-{k.split('-', 2)[2]}", v) for k, v in row]
    for index, organisation in enumerate(added, start=len(filled)):
        invitations.append((f"{INVITATIONS}-{index}-organisation_id", organisation))
        if required and organisation in groups.authorities:
            invitations.append((f"{INVITATIONS}-{index}-required", "yes"))
    count = len(filled) + len(added) + 1
    return FormData([*items, *invitations, (f"{INVITATIONS}-rows", str(count))])


def _row_index(key: str) -> int | None:
    """The row of an invitation input (``invitations-3-required``: 3), else None."""
    parts = key.split("-", 2)
    if len(parts) == 3 and parts[0] == INVITATIONS and parts[1].isdigit():
        return int(parts[1])
    return None


def group_field(groups: Groups) -> FormField:
    """The "invite everyone in …" checkboxes."""
    return FormField(
        FIELD, _("Invite everyone in a partnership, workspace or area"), "checkboxes", False,
        choices=tuple((g.key, _count(g.label, len(g.organisations))) for g in groups.groups),
        hint=_("Each organisation in a group you tick is added to the invitations. In a reg 14A "
               "meeting, responsible authorities are required to attend. You can check and "
               "change the list before it is sent."),
    )


def _count(label: str, n: int) -> str:
    return ngettext("%(group)s (%(n)d organisation)", "%(group)s (%(n)d organisations)", n) % {
        "group": label, "n": n}


def _groups(request: Request, caller: Caller) -> Groups:
    hub = hub_of(request)
    return groups_for(hub.engine, caller.actor, hub.clock().date())


def expand(request: Request, caller: Caller, form: FormData) -> FormData:
    """The convene form as posted, with the groups ticked made into invitations."""
    if not form.getlist(FIELD):
        return form
    return with_groups(form, _groups(request, caller), caller.actor.organisation_id or "")


def extras(request: Request, caller: Caller, fields: list[FormField]) -> list[FormField]:
    """The convene form's fields, with the groups offered just before the invitations."""
    groups = _groups(request, caller)
    if not groups.groups:
        return fields
    at = next((i for i, f in enumerate(fields) if f.name == INVITATIONS), len(fields))
    return [*fields[:at], group_field(groups), *fields[at:]]


# -- inviting more organisations to a convened meeting -----------------------------------------


def _invited(record: dict[str, Any]) -> list[str]:
    return [i["organisation_id"] for i in record.get("invitations") or ()]


def expand_more(
    request: Request, caller: Caller, form: FormData, record: dict[str, Any]
) -> FormData:
    """The "invite more organisations" form as posted, with the groups ticked made into
    invitations of the organisations the meeting does not invite yet, as at convening; those
    of the groups it invites already are named in :data:`SKIPPED`, so that "Check your
    answers" can say who was left out."""
    chosen = [str(c) for c in form.getlist(FIELD)]
    if not chosen:
        return form
    groups, before = _groups(request, caller), set(_invited(record))
    expanded = with_groups(form, groups, record["convenor_id"], kind=record["kind"],
                           invited_before=before)
    everyone = invited(chosen, groups, already=(), convenor=record["convenor_id"])
    return FormData([*expanded.multi_items(),
                     *((SKIPPED, o) for o in everyone if o in before)])


def extras_more(
    request: Request, caller: Caller, fields: list[FormField], record: dict[str, Any]
) -> list[FormField]:
    """The "invite more organisations" form's fields: the groups, as at convening, and by
    name only the organisations the meeting does not invite yet."""
    present = {record["convenor_id"], *_invited(record)}
    return extras(request, caller, [_uninvited(f, present) for f in fields])


def _uninvited(field: FormField, present: set[str]) -> FormField:
    if field.name != INVITATIONS:
        return field
    return replace(field, fields=tuple(
        replace(f, choices=tuple(c for c in f.choices if c[0] not in present))
        if f.name == "organisation_id" else f
        for f in field.fields
    ))


def _skipped(values: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """The organisations :func:`expand_more` left out as invited already: only those the
    meeting does invite (a value posted otherwise names no one)."""
    named = values.get(SKIPPED) or []
    before = set(_invited(record))
    return [o for o in ([named] if isinstance(named, str) else named) if o in before]


def errors_more(values: dict[str, Any], record: dict[str, Any]) -> dict[str, str]:
    """Groups ticked that add no one, with no organisation chosen by name: everyone in them
    is invited already."""
    named = any(v for k, v in values.items()
                if _row_index(k) is not None and k.endswith("-organisation_id"))
    if named or not _skipped(values, record):
        return {}
    return {FIELD: _("Everyone in the groups you chose is already invited. Choose another "
                     "group, or an organisation by name")}


def notes_more(
    request: Request, caller: Caller, values: dict[str, Any], record: dict[str, Any]
) -> list[str]:
    """Which organisations of the groups ticked are invited already, and so left as they are."""
    skipped = _skipped(values, record)
    if not skipped:
        return []
    names = request.app.state.organisation_names
    return [ngettext(
        "Already invited, so left as it is: %(names)s.",
        "Already invited, so left as they are: %(names)s.", len(skipped),
    ) % {"names": ", ".join(names(o) for o in skipped)}]
