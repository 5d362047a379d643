"""Application service for mergers: one function per command, and the effect on the directory.

Each function resolves the directory facts the decider needs from the read models, builds the
command (``by_organisation`` is the actor's own organisation) and hands it to
:func:`hub.service.handle`. The API is a thin layer over these.

The effect of a made agreement (:func:`take_merger_effect`) is a series of directory commands
(register the combined CSP, open its workspace, end the constituents, close their workspaces)
and a ``merger.took_effect`` event, each issued as the hub with an idempotency key derived
from the merger and its date, so a second worker or a re-run adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from hub.access.actors import member_workspaces
from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain import directory, duties
from hub.domain.duties import OpenDuty
from hub.domain.errors import N_
from hub.domain.mergers import (
    ENDED,
    IN_EFFECT,
    MADE,
    MERGER,
    InvalidMergerInput,
    Merger,
    UnknownCsp,
    london_today,
)
from hub.domain.record import RecordType
from hub.events import AppendResult
from hub.handlers.common import (
    Created,
    acting_organisation,
    areas_held_by,
    build,
    invalid_input,
    new_id,
    own_area,
    slug,
)
from hub.projections.directory import areas, csps, members, organisations, workspaces
from hub.queries import reorganisation
from hub.service import handle, handle_as_hub, load
from schemas.commands import Command
from schemas.commands import directory as dcmd
from schemas.commands import mergers as cmd
from schemas.events import mergers as ev
from schemas.events.directory import CspSuccession, WorkspaceKind
from schemas.events.mergers import Purpose, SignedDocument

# -- directory facts ---------------------------------------------------------------------------


def _csp_facts(
    conn: Connection, actor: Actor, by: str, csp_ids: Sequence[str]
) -> list[cmd.CspFacts]:
    # A constituent is a CSP of the proposer's own areas, or one whose workspace the proposer
    # belongs to (how a cross-force merger names the other force's CSP). Any other is, for
    # the proposer, not in the directory: the answer a made-up id gets.
    shared = frozenset() if actor.system else member_workspaces(conn, by)
    rows = {
        r.csp_id: r
        for r in conn.execute(
            select(csps, areas.c.country)
            .join(areas, areas.c.area_id == csps.c.area_id)
            .where(csps.c.csp_id.in_(list(csp_ids)))
        )
        if actor.system or r.area_id in actor.area_ids
        or directory.csp_workspace(r.csp_id) in shared
    }
    missing = [c for c in csp_ids if c not in rows]
    if missing:
        raise UnknownCsp(N_("not in the directory: %(names)s"), names=', '.join(missing))
    return [
        cmd.CspFacts(
            csp_id=r.csp_id, name=r.name, area_id=r.area_id, country=r.country,
            local_government_areas=r.local_government_areas,
            responsible_authorities=r.responsible_authorities, ended=r.valid_to is not None,
        )
        for r in (rows[c] for c in csp_ids)
    ]


def _policing_bodies(conn: Connection, area_ids: Iterable[str]) -> list[cmd.PolicingBodyFact]:
    rows = conn.execute(
        select(areas.c.area_id, areas.c.policing_body_id).where(
            areas.c.area_id.in_(list(area_ids)) & areas.c.policing_body_id.is_not(None)
        )
    )
    return [cmd.PolicingBodyFact(area_id=r.area_id, organisation_id=r.policing_body_id)
            for r in rows]


def _unregistered(conn: Connection, organisation_ids: Iterable[str]) -> list[str]:
    wanted = set(organisation_ids)
    known = set(conn.execute(
        select(organisations.c.organisation_id).where(
            organisations.c.organisation_id.in_(list(wanted))
        )
    ).scalars())
    return sorted(wanted - known)


def _proposal(
    hub: Hub,
    actor: Actor,
    merger_id: str,
    *,
    csp_ids: Sequence[str],
    purposes: Sequence[Purpose | str],
    proposed_name: str,
    effective_date: date,
    cooperation_arrangements: str | None,
    requested_by_csp: str | None,
    area_id: str | None,
    on_behalf_of: str | None,
) -> dict[str, Any]:
    """The fields of a proposal, with every directory fact resolved."""
    by = acting_organisation(actor, on_behalf_of)
    # The combined CSP's id is the hub's, never the caller's: readable, and made unique by
    # the merger's own id, so it can neither collide with nor probe for a CSP of another area.
    combined = f"{slug(proposed_name)}-{merger_id[:8]}"
    with hub.engine.connect() as conn:
        facts = _csp_facts(conn, actor, by, csp_ids)
        own = areas_held_by(conn, by)
        area = (
            own_area(actor, area_id) if area_id is not None
            else own[0] if own else facts[0].area_id if facts else ""
        )
        bodies = _policing_bodies(conn, {area, *(f.area_id for f in facts)})
        parties = {a for f in facts for a in f.responsible_authorities}
        unregistered = _unregistered(conn, parties | {b.organisation_id for b in bodies})
    return {
        "merger_id": merger_id, "by_organisation": by, "area_id": area, "constituents": facts,
        "purposes": list(purposes), "proposed_name": proposed_name,
        "combined_csp_id": combined, "effective_date": effective_date,
        "cooperation_arrangements": cooperation_arrangements,
        "requested_by_csp": requested_by_csp, "policing_bodies": bodies,
        "unregistered_organisations": unregistered,
    }


# -- the office's commands ---------------------------------------------------------------------


def propose_merger(
    hub: Hub,
    actor: Actor,
    *,
    csp_ids: Sequence[str],
    purposes: Sequence[Purpose | str],
    proposed_name: str,
    effective_date: date,
    cooperation_arrangements: str | None = None,
    requested_by_csp: str | None = None,
    area_id: str | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> Created:
    """Propose combining the CSPs ``csp_ids`` (the office of the area's policing body).

    ``area_id`` defaults to the area whose functions the actor's organisation holds. The
    merger's id comes from the idempotency key, when there is one, so a retry returns the
    first result; the combined CSP's id is made from the name and the merger's id.
    """
    merger_id = new_id(acting_organisation(actor, on_behalf_of), idempotency_key, "merger")
    fields = _proposal(
        hub, actor, merger_id, csp_ids=csp_ids, purposes=purposes, proposed_name=proposed_name,
        effective_date=effective_date, cooperation_arrangements=cooperation_arrangements,
        requested_by_csp=requested_by_csp, area_id=area_id,
        on_behalf_of=on_behalf_of,
    )
    command = build(cmd.ProposeMerger, InvalidMergerInput, **fields)
    return Created(merger_id, handle(
        hub, MERGER, merger_id, command, actor, idempotency_key=idempotency_key
    ))


def revise_merger_proposal(
    hub: Hub,
    actor: Actor,
    merger_id: str,
    *,
    csp_ids: Sequence[str],
    purposes: Sequence[Purpose | str],
    proposed_name: str,
    effective_date: date,
    cooperation_arrangements: str | None = None,
    requested_by_csp: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Replace the proposal's content; every party's word is cleared."""
    current: Merger = load(hub, MERGER, merger_id).state
    fields = _proposal(
        hub, actor, merger_id, csp_ids=csp_ids, purposes=purposes, proposed_name=proposed_name,
        effective_date=effective_date, cooperation_arrangements=cooperation_arrangements,
        requested_by_csp=requested_by_csp, area_id=current.area_id or None,
        on_behalf_of=on_behalf_of,
    )
    command = build(cmd.ReviseMergerProposal, InvalidMergerInput, note=note, **fields)
    return handle(
        hub, MERGER, merger_id, command, actor, expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


def _office_command(
    hub: Hub,
    actor: Actor,
    merger_id: str,
    model: type[Command],
    *,
    expected_version: int | None,
    on_behalf_of: str | None,
    idempotency_key: str | None,
    **fields: Any,
) -> AppendResult:
    by = acting_organisation(actor, on_behalf_of)
    command = build(
        model, InvalidMergerInput, merger_id=merger_id, by_organisation=by, **fields
    )
    return handle(
        hub, MERGER, merger_id, command, actor, expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


def withdraw_merger_proposal(
    hub: Hub, actor: Actor, merger_id: str, *, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Withdraw the proposal before the agreement is made."""
    return _office_command(
        hub, actor, merger_id, cmd.WithdrawMergerProposal, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def propose_merger_variation(
    hub: Hub, actor: Actor, merger_id: str, *, description: str,
    purposes: Sequence[Purpose | str], cooperation_arrangements: str | None = None,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Put a variation of a made agreement to the parties."""
    return _office_command(
        hub, actor, merger_id, cmd.ProposeMergerVariation, description=description,
        purposes=list(purposes), cooperation_arrangements=cooperation_arrangements,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def propose_merger_termination(
    hub: Hub, actor: Actor, merger_id: str, *, ends_on: date, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Put the termination of a made agreement to the parties."""
    return _office_command(
        hub, actor, merger_id, cmd.ProposeMergerTermination, ends_on=ends_on, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def withdraw_merger_change(
    hub: Hub, actor: Actor, merger_id: str, *, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Withdraw a proposed variation or termination."""
    return _office_command(
        hub, actor, merger_id, cmd.WithdrawMergerChange, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


# -- each party's word -------------------------------------------------------------------------


def _signature(
    signatory: str, signatory_role: str, signed_on: date, document_title: str,
    document_reference: str,
) -> dict[str, Any]:
    try:
        document = SignedDocument(title=document_title, reference=document_reference)
    except ValidationError as error:
        raise invalid_input(error, InvalidMergerInput) from None
    return {
        "signatory": signatory, "signatory_role": signatory_role, "signed_on": signed_on,
        "document": document,
    }


def _party_command(
    hub: Hub,
    actor: Actor,
    merger_id: str,
    model: type[Command],
    *,
    expected_version: int | None,
    on_behalf_of: str | None,
    idempotency_key: str | None,
    **fields: Any,
) -> AppendResult:
    by = acting_organisation(actor, on_behalf_of)
    with hub.engine.connect() as conn:
        held = areas_held_by(conn, by)
    command = build(
        model, InvalidMergerInput, merger_id=merger_id, by_organisation=by,
        policing_body_of=held, **fields,
    )
    return handle(
        hub, MERGER, merger_id, command, actor, expected_version=expected_version,
        idempotency_key=idempotency_key,
    )


def consent_to_merger(
    hub: Hub, actor: Actor, merger_id: str, *, revision: int, signatory: str,
    signatory_role: str, signed_on: date, document_title: str, document_reference: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The actor's organisation signs the question before the parties, for itself."""
    return _party_command(
        hub, actor, merger_id, cmd.ConsentToMerger, revision=revision,
        **_signature(signatory, signatory_role, signed_on, document_title, document_reference),
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def refuse_merger(
    hub: Hub, actor: Actor, merger_id: str, *, revision: int, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The actor's organisation refuses the question before the parties, for itself."""
    return _party_command(
        hub, actor, merger_id, cmd.RefuseMerger, revision=revision, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def withdraw_merger_consent(
    hub: Hub, actor: Actor, merger_id: str, *, revision: int, reason: str | None = None,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The actor's organisation withdraws its consent before the question is agreed."""
    return _party_command(
        hub, actor, merger_id, cmd.WithdrawMergerConsent, revision=revision, reason=reason,
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def record_external_consent(
    hub: Hub, actor: Actor, merger_id: str, *, party_id: str, revision: int, signatory: str,
    signatory_role: str, signed_on: date, document_title: str, document_reference: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The office records the signature of a party outside the hub (e.g. the Home Secretary)."""
    return _office_command(
        hub, actor, merger_id, cmd.RecordExternalConsent, party_id=party_id, revision=revision,
        **_signature(signatory, signatory_role, signed_on, document_title, document_reference),
        expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def record_external_refusal(
    hub: Hub, actor: Actor, merger_id: str, *, party_id: str, revision: int, reason: str,
    expected_version: int | None = None, on_behalf_of: str | None = None,
    idempotency_key: str | None = None,
) -> AppendResult:
    """The office records the refusal of a party outside the hub."""
    return _office_command(
        hub, actor, merger_id, cmd.RecordExternalRefusal, party_id=party_id, revision=revision,
        reason=reason, expected_version=expected_version, on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def record_external_consent_withdrawal(
    hub: Hub, actor: Actor, merger_id: str, *, party_id: str, revision: int,
    reason: str | None = None, expected_version: int | None = None,
    on_behalf_of: str | None = None, idempotency_key: str | None = None,
) -> AppendResult:
    """The office records that a party outside the hub withdrew its consent."""
    return _office_command(
        hub, actor, merger_id, cmd.RecordExternalConsentWithdrawal, party_id=party_id,
        revision=revision, reason=reason, expected_version=expected_version,
        on_behalf_of=on_behalf_of, idempotency_key=idempotency_key,
    )


# -- the effect on the effective date ----------------------------------------------------------


@dataclass(frozen=True)
class ConstituentNow:
    """A constituent CSP as the directory holds it when the merger takes effect."""

    csp_id: str
    local_government_areas: tuple[str, ...]
    responsible_authorities: tuple[str, ...]
    ended: bool = False
    workspace_members: tuple[str, ...] | None = None
    """Members of its open workspace; None when it has no open workspace."""


@dataclass(frozen=True)
class EffectStep:
    """One command of the effect, with the idempotency key that makes it happen once."""

    record: RecordType[Any]
    key: str
    command: Command
    idempotency_key: str


def effect_key(merger_id: str, effective_date: date) -> str:
    """The stem of every idempotency key of one merger's effect."""
    return f"merger:{merger_id}:effect:{effective_date.isoformat()}"


def effect_plan(
    *,
    merger_id: str,
    area_id: str,
    area_ids: Sequence[str],
    name: str,
    combined_csp_id: str,
    effective_date: date,
    constituents: Sequence[ConstituentNow],
    open_duties: Sequence[OpenDuty] = (),
) -> list[EffectStep]:
    """The commands that carry out a made agreement, in order, each keyed to happen once.

    The combined CSP starts on the effective date with every constituent's local government
    areas and responsible authorities; each constituent ends the day before (``valid_to`` is
    its last day) naming its successor. A combination spanning police areas (``area_ids``,
    the proposer's ``area_id`` first) belongs to each of them. The combined workspace carries
    every member over and links the constituents' workspaces, which close pointing at it.
    The constituents' ``open_duties`` (current priorities, unfinalised records of regard)
    pass to the combined CSP in their own histories.
    """
    stem = effect_key(merger_id, effective_date)
    workspace_id = directory.csp_workspace(combined_csp_id)
    merged_spaces = [
        directory.csp_workspace(c.csp_id) for c in constituents
        if c.workspace_members is not None
    ]
    steps = [
        EffectStep(directory.CSP, combined_csp_id, dcmd.RegisterCsp(
            csp_id=combined_csp_id, name=name, area_id=area_id,
            other_area_ids=[a for a in dict.fromkeys(area_ids) if a != area_id],
            local_government_areas=list(dict.fromkeys(
                a for c in constituents for a in c.local_government_areas
            )),
            responsible_authorities=list(dict.fromkeys(
                a for c in constituents for a in c.responsible_authorities
            )),
            valid_from=effective_date, merged_from=[c.csp_id for c in constituents],
        ), f"{stem}:register-csp"),
        EffectStep(directory.WORKSPACE, workspace_id, dcmd.CreateWorkspace(
            workspace_id=workspace_id, name=name, kind=WorkspaceKind.CSP, area_id=area_id,
            csp_id=combined_csp_id,
            members=list(dict.fromkeys(
                m for c in constituents for m in (c.workspace_members or ())
            )),
            linked_from=merged_spaces,
        ), f"{stem}:create-workspace"),
    ]
    for c in constituents:
        if not c.ended:
            steps.append(EffectStep(directory.CSP, c.csp_id, dcmd.EndCsp(
                csp_id=c.csp_id, valid_to=effective_date - timedelta(days=1),
                succeeded_by=combined_csp_id,
            ), f"{stem}:end-csp:{c.csp_id}"))
    for space in merged_spaces:
        steps.append(EffectStep(directory.WORKSPACE, space, dcmd.CloseWorkspace(
            workspace_id=space, merged_into=workspace_id,
        ), f"{stem}:close-workspace:{space}"))
    # Before the merger records the effect, so a crash in between re-runs them.
    steps += [EffectStep(*p) for p in duties.passing_steps(stem, open_duties, csps=[
        CspSuccession(csp_id=c.csp_id, succeeded_by=combined_csp_id) for c in constituents
    ], merger_id=merger_id)]
    steps.append(EffectStep(MERGER, merger_id, cmd.TakeMergerEffect(
        merger_id=merger_id, effective_date=effective_date,
    ), f"{stem}:took-effect"))
    return steps


def termination_plan(
    effect: ev.MergerTerminationTookEffect, *, combined_members: Sequence[str],
    offices: Mapping[str, str], open_duties: Sequence[OpenDuty] = (),
) -> list[EffectStep]:
    """The commands that carry out a termination on its date, in order, each keyed once.

    A CSP is re-registered from ``ends_on`` for each constituent's local government area(s)
    with its own responsible authorities, in a workspace of its own (its area's policing body
    office, and those of its authorities that were members of the combined workspace) linked
    to the combined one. The combined CSP ends the day before (``valid_to`` is its last day)
    and its workspace closes. Each of the combined CSP's ``open_duties`` passes, in its own
    history, to the re-registered CSP its authority sits on (the first, for a county council
    on several); one kept by a body on none stays where it is.
    """
    stem = f"merger:{effect.merger_id}:termination:{effect.ends_on.isoformat()}"
    combined_space = directory.csp_workspace(effect.combined_csp_id)
    steps: list[EffectStep] = []
    for successor in effect.successors:
        space = directory.csp_workspace(successor.csp_id)
        office = [offices[successor.area_id]] if successor.area_id in offices else []
        steps += [
            EffectStep(directory.CSP, successor.csp_id, dcmd.RegisterCsp(
                csp_id=successor.csp_id, name=successor.name, area_id=successor.area_id,
                local_government_areas=successor.local_government_areas,
                responsible_authorities=successor.responsible_authorities,
                valid_from=effect.ends_on,
            ), f"{stem}:register-csp:{successor.csp_id}"),
            EffectStep(directory.WORKSPACE, space, dcmd.CreateWorkspace(
                workspace_id=space, name=successor.name, kind=WorkspaceKind.CSP,
                area_id=successor.area_id, csp_id=successor.csp_id,
                members=list(dict.fromkeys([*office, *(
                    m for m in combined_members if m in successor.responsible_authorities
                )])),
                linked_from=[combined_space],
            ), f"{stem}:create-workspace:{space}"),
        ]
    steps += [
        EffectStep(directory.CSP, effect.combined_csp_id, dcmd.EndCsp(
            csp_id=effect.combined_csp_id, valid_to=effect.ends_on - timedelta(days=1),
        ), f"{stem}:end-csp"),
        EffectStep(directory.WORKSPACE, combined_space, dcmd.CloseWorkspace(
            workspace_id=combined_space,
        ), f"{stem}:close-workspace"),
    ]
    for duty in open_duties:
        sits_on = next((c.csp_id for c in effect.successors
                        if duty.keeper.organisation_id in c.responsible_authorities), None)
        if sits_on is not None:
            steps += [EffectStep(*p) for p in duties.passing_steps(stem, [duty], csps=[
                CspSuccession(csp_id=effect.combined_csp_id, succeeded_by=sits_on),
            ], merger_id=effect.merger_id)]
    steps.append(EffectStep(MERGER, effect.merger_id, cmd.TakeTerminationEffect(
        merger_id=effect.merger_id, ends_on=effect.ends_on,
    ), f"{stem}:took-effect"))
    return steps


def _constituents_now(conn: Connection, csp_ids: Sequence[str]) -> list[ConstituentNow]:
    rows = {r.csp_id: r for r in conn.execute(select(csps).where(csps.c.csp_id.in_(csp_ids)))}
    spaces = {directory.csp_workspace(c): c for c in csp_ids}
    open_spaces = set(conn.execute(
        select(workspaces.c.workspace_id).where(
            workspaces.c.workspace_id.in_(list(spaces)) & ~workspaces.c.closed
        )
    ).scalars())
    member_rows = conn.execute(
        select(members.c.workspace_id, members.c.organisation_id)
        .where(members.c.workspace_id.in_(list(open_spaces)))
        .order_by(members.c.workspace_id, members.c.organisation_id)
    ).all()
    found = []
    for csp_id in csp_ids:
        row, space = rows[csp_id], directory.csp_workspace(csp_id)
        found.append(ConstituentNow(
            csp_id=csp_id,
            local_government_areas=tuple(row.local_government_areas),
            responsible_authorities=tuple(row.responsible_authorities),
            ended=row.valid_to is not None,
            workspace_members=(
                tuple(m.organisation_id for m in member_rows if m.workspace_id == space)
                if space in open_spaces else None
            ),
        ))
    return found


def take_merger_effect(hub: Hub, merger_id: str, effective_date: date) -> bool:
    """Carry out a made agreement on its effective date; True once it has taken effect.

    Does nothing (False) before the date by the hub's clock, or when the agreement is not
    awaiting effect on that date (withdrawn, terminated, or its date moved).
    """
    state: Merger = load(hub, MERGER, merger_id).state
    if state.status == IN_EFFECT:
        return True
    if (
        state.status != MADE
        or state.effective_date != effective_date
        or london_today(hub.clock()) < effective_date
    ):
        return False
    with hub.engine.connect() as conn:
        constituents = _constituents_now(conn, state.constituent_ids)
        open_duties = reorganisation.open_duties(conn, (), state.constituent_ids)
    for step in effect_plan(
        merger_id=merger_id, area_id=state.area_id, area_ids=state.area_ids,
        name=state.terms["proposed_name"],
        combined_csp_id=state.terms["combined_csp_id"], effective_date=effective_date,
        constituents=constituents, open_duties=open_duties,
    ):
        handle_as_hub(hub, step.record, step.key, step.command, step.idempotency_key)
    return load(hub, MERGER, merger_id).state.status == IN_EFFECT


def take_termination_effect(hub: Hub, merger_id: str, ends_on: date) -> bool:
    """Carry out an agreed termination on its date; True once it has taken effect.

    Does nothing (False) before the date by the hub's clock, or when the agreement is not
    awaiting a termination on that date, or never took effect (no combined CSP to end).
    """
    state: Merger = load(hub, MERGER, merger_id).state
    if state.status == ENDED:
        return True
    command = cmd.TakeTerminationEffect(merger_id=merger_id, ends_on=ends_on)
    events = MERGER.decide(state, command, hub.clock())
    if not events:
        return False
    [effect] = events
    assert isinstance(effect, ev.MergerTerminationTookEffect)
    combined_space = directory.csp_workspace(effect.combined_csp_id)
    with hub.engine.connect() as conn:
        combined_members = conn.execute(
            select(members.c.organisation_id).where(members.c.workspace_id == combined_space)
            .order_by(members.c.organisation_id)
        ).scalars().all()
        offices = {
            r.area_id: r.policing_body_id for r in conn.execute(
                select(areas.c.area_id, areas.c.policing_body_id).where(
                    areas.c.area_id.in_([c.area_id for c in effect.successors])
                )
            ) if r.policing_body_id
        }
        open_duties = reorganisation.open_duties(conn, (), [effect.combined_csp_id])
    for step in termination_plan(effect, combined_members=combined_members, offices=offices,
                                 open_duties=open_duties):
        handle_as_hub(hub, step.record, step.key, step.command, step.idempotency_key)
    return load(hub, MERGER, merger_id).state.status == ENDED
