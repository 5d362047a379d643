"""Directory changes: organisations end on a date with successors, and what follows on the date.

Recording resolves the facts the decider needs (which organisations exist, which have ended or
are ending) from the read models; an office may name only organisations of its own area, and
any other is not found, as a made-up one is. A change dated today or earlier takes effect at
once; a later one on its London date, by the scheduled job in :mod:`workers.reorganisation`.

The effect (:func:`take_change_effect`) is the plan of :func:`hub.domain.reorganisation.plan`
over the directory as it stands on the day: each command issued as the hub with an idempotency
key derived from the change and its date, so a second worker or a re-run adds nothing; then
calendar feeds follow. :func:`preview_change` is the dry run: the same plan and the records,
memberships and feeds that would move, with nothing written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import Connection

from hub.access.policy import Actor, authorise
from hub.bootstrap import Hub
from hub.domain import reorganisation as domain
from hub.domain.directory import london_today
from hub.domain.duties import PRIORITY, RECIPROCAL_REGARD, successor_keeper
from hub.domain.errors import N_, NotFound
from hub.feeds.tokens import follow_successors
from hub.handlers.common import (
    Created,
    acting_organisation,
    build,
    new_id,
    own_area,
    unseen_organisations,
)
from hub.handlers.directory import InvalidDirectoryInput
from hub.queries import reorganisation as queries
from hub.service import area_facts, handle, handle_as_hub, load
from schemas.commands import directory as cmd
from schemas.events.directory import Succession


def _command(
    hub: Hub, actor: Actor, *, on_date: date, ends: Sequence[Succession],
    area_id: str | None, idempotency_key: str | None,
) -> cmd.RecordDirectoryChange:
    successions = list(ends)
    named = {o for s in successions for o in (s.organisation_id, *s.successor_ids)}
    by = None if actor.system else acting_organisation(actor)
    with hub.engine.connect() as conn:
        if actor.system:
            # The operator's change concerns the area named, or the first organisation's.
            first = queries.organisations_now(conn, [successions[0].organisation_id])
            area = area_id or next((o.area_ids[0] for o in first.values()), None)
            if area is None:
                raise NotFound(
                    N_("no such organisation %(organisation_id)s"),
                    organisation_id=successions[0].organisation_id
                )
        else:
            area = own_area(actor, area_id)
            _visible(conn, named, area)
        known, ended = queries.ended_or_ending(conn, named)
    change_id = f"change-{on_date.isoformat()}-{new_id(by or 'hub', idempotency_key, 'change')[:8]}"
    return build(
        cmd.RecordDirectoryChange, InvalidDirectoryInput, change_id=change_id, area_id=area,
        on_date=on_date, ends=successions, recorded_by=by, known=sorted(known),
        ended=sorted(ended),
    )


def _visible(conn: Connection, named: set[str], area: str) -> None:
    # Another area's organisation gets the answer a made-up one gets.
    unseen = unseen_organisations(conn, named, area)
    if unseen:
        raise NotFound(N_("no such organisation %(organisation)s"), organisation=unseen[0])


def record_change(
    hub: Hub, actor: Actor, *, on_date: date, ends: Sequence[Succession],
    area_id: str | None = None, idempotency_key: str | None = None,
) -> Created:
    """Record that organisations end on ``on_date`` with successors; carry it out at once when
    the date has come (London), else leave it to the scheduled job."""
    command = _command(hub, actor, on_date=on_date, ends=ends, area_id=area_id,
                       idempotency_key=idempotency_key)
    result = handle(hub, domain.DIRECTORY_CHANGE, command.change_id, command, actor,
                    idempotency_key=idempotency_key)
    change_id = str(result.events[0].data["change_id"]) if result.events else command.change_id
    if on_date <= london_today(hub.clock()):
        take_change_effect(hub, change_id, on_date)
    return Created(change_id, result)


def _plan(conn: Connection, change_id: str, on_date: date,
          ends: Sequence[Succession]) -> tuple[domain.Plan, queries.OpenRecords]:
    ending = [s.organisation_id for s in ends]
    arising = [domain.arising_csp_id(o) for s in ends for o in s.successor_ids]
    found_csps, found_spaces = queries.directory_now(conn, ending, arising)
    named = {
        *ending, *(o for s in ends for o in s.successor_ids),
        *(a for c in found_csps for a in c.responsible_authorities),
    }
    affected = [c.csp_id for c in found_csps]
    records = queries.open_records(conn, ending, affected)
    return domain.plan(
        change_id=change_id, on_date=on_date, ends=ends,
        organisations=queries.organisations_now(conn, named), csps=found_csps,
        workspaces=found_spaces, open_requests=records.addressed,
        open_meetings=records.meetings, open_duties=records.duties,
        agreements=queries.combined_by_agreement(conn, affected),
    ), records


def take_change_effect(hub: Hub, change_id: str, on_date: date) -> bool:
    """Carry out a recorded change on its date; True once it has taken effect.

    Does nothing (False) before the date by the hub's clock, or for a change not dated
    ``on_date``.
    """
    carry_out_change(hub, change_id, on_date)
    return bool(load(hub, domain.DIRECTORY_CHANGE, change_id).state.took_effect)


def planned(hub: Hub, change_id: str) -> domain.Plan:
    """What the recorded change ``change_id`` does, over the directory as it stands now."""
    state: domain.Change = load(hub, domain.DIRECTORY_CHANGE, change_id).state
    if not state.exists or state.on_date is None:
        raise NotFound(N_("no such directory change"))
    with hub.engine.connect() as conn:
        return _plan(conn, change_id, state.on_date, state.ends)[0]


def carry_out_change(hub: Hub, change_id: str, on_date: date) -> int:
    """:func:`take_change_effect`, answering how many events it appended (0 for none)."""
    state: domain.Change = load(hub, domain.DIRECTORY_CHANGE, change_id).state
    if state.took_effect or not state.exists or state.on_date != on_date:
        return 0
    if london_today(hub.clock()) < on_date:
        return 0
    plan = planned(hub, change_id)
    appended = 0
    for step in plan.steps:
        result = handle_as_hub(hub, step.record, step.key, step.command, step.idempotency_key)
        appended += 0 if result.replayed else len(result.events)
    with hub.engine.begin() as conn:
        follow_successors(
            conn, {s.organisation_id: s.successor_ids[0] for s in state.ends},
            dict(plan.workspaces_closed),
        )
    return appended


def preview_change(
    hub: Hub, actor: Actor, *, on_date: date, ends: Sequence[Succession],
    area_id: str | None = None,
) -> dict[str, Any]:
    """The dry run: what recording the change would do on its date, with nothing written.

    The same checks as :func:`record_change` (an invalid change is refused the same way), then
    the plan over the directory as it stands today: the organisations ending, the CSPs that
    end, arise by law or change their authorities, the workspace memberships, and the open
    records and calendar feeds that pass to successors.
    """
    command = _command(hub, actor, on_date=on_date, ends=ends, area_id=area_id,
                       idempotency_key=None)
    # The same access rule as recording it: the area's policing body office, or the operator.
    authorise(actor, command, area_facts(hub, command.area_id))
    domain.DIRECTORY_CHANGE.decide(domain.Change(), command, hub.clock())
    with hub.engine.connect() as conn:
        plan, records = _plan(conn, command.change_id, on_date, command.ends)
        feeds = queries.feeds_moving(
            conn, {s.organisation_id: list(s.successor_ids) for s in command.ends},
            dict(plan.workspaces_closed),
        )
    return {
        "on_date": on_date.isoformat(),
        "takes_effect": "now" if on_date <= london_today(hub.clock()) else "on the date",
        "organisations_ending": [s.model_dump() for s in command.ends],
        "csps_ending": [c.model_dump() for c in plan.csps],
        "csps_arising": [
            {**asdict(a), "responsible_authorities": list(a.responsible_authorities),
             "replaces": list(a.replaces)}
            for a in plan.arising
        ],
        "csps_changing": [
            {"csp_id": c, "responsible_authorities": a}
            for c, a in plan.authorities_changed.items()
        ],
        "memberships": {
            "joining": [{"workspace_id": w, "organisation_id": o} for w, o in plan.members_added],
            "leaving": [{"workspace_id": w, "organisation_id": o}
                        for w, o in plan.members_removed],
            "workspaces_closing": [{"workspace_id": w, "into": i}
                                   for w, i in plan.workspaces_closed],
        },
        "records": _passing(plan, records, command.ends),
        "agreements_ending": plan.agreements_ended,
        "feeds": feeds,
    }


def _passing(plan: domain.Plan, records: queries.OpenRecords,
             ends: Sequence[Succession]) -> dict[str, Any]:
    """The open records that pass on, as the plan passes them: report requests, priorities,
    records of regard, meeting invitations, actions and meetings."""
    csps = plan.successor_of
    ending = {s.organisation_id for s in ends}
    passing = [d for d in records.duties
               if successor_keeper(d.keeper, ends, plan.csps) is not None]
    return {
        "report_requests": [
            {"request_id": r.request_id, "title": r.title, "csp_id": csps.get(r.csp_id, r.csp_id)}
            for r in records.requests if r.csp_id in csps or set(r.addressed) & ending
        ],
        "priorities": sorted(d.record_id for d in passing if d.record == PRIORITY.stream_type),
        "regard_records": sorted(
            d.record_id for d in passing if d.record == RECIPROCAL_REGARD.stream_type),
        "invitations": [
            {"meeting_id": m.meeting_id, "title": m.title, "organisation_id": o, "to": list(to)}
            for m, o, to in plan.invitations_passing
        ],
        "actions": [
            {"meeting_id": m.meeting_id, "title": m.title, "action_id": a,
             "organisation_id": o, "to": to}
            for m, a, o, to in plan.actions_passing
        ],
        "meetings": [
            {"meeting_id": m.meeting_id, "title": m.title, "convened_by": o, "to": to}
            for m, o, to in plan.convenors_passing
        ],
    }

