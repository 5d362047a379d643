"""Read models of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A.

``mergers`` holds one row per merger with where consent stands; ``merger_parties`` one row per
party with its latest word on the question before the parties. An open merger's proposer is
shown as the area's policing body office today (it follows a governance transfer); a closed
one's as the office that acted.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlmodel import Field, SQLModel

from hub.access.policy import Actor
from hub.domain.errors import NotFound
from hub.events.envelope import RecordedEvent
from hub.projections.registry import Projections

projections = Projections()

OPEN_STATUSES = ("proposed", "made", "in_effect")


class MergerRow(SQLModel, table=True):
    """A combination agreement and where consent to the question before the parties stands."""

    __tablename__ = "mergers"

    merger_id: str = Field(primary_key=True, max_length=120)
    area_id: str = Field(max_length=120, index=True)
    area_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=20, index=True)
    question: str | None = Field(default=None, max_length=20)
    revision: int
    blocked: bool = False
    parties_total: int
    parties_consented: int = 0
    proposed_name: str = Field(max_length=200)
    combined_csp_id: str = Field(max_length=120)
    effective_date: date
    purposes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    cross_force: bool
    cooperation_arrangements: str | None = Field(default=None, sa_column=Column(Text))
    requested_by_csp: str | None = Field(default=None, max_length=120)
    constituents: list[str] = Field(sa_column=Column(JSON, nullable=False))
    proposed_by: str = Field(max_length=120)
    proposer_id: str = Field(max_length=120, index=True)
    pending_change: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    made_on: date | None = None
    took_effect_on: date | None = None
    ends_on: date | None = None
    csp_ended_on: date | None = None
    """The combined CSP's last day, when it ended by law (a reorganisation), not by agreement."""
    succeeded_by_csp: str | None = Field(default=None, max_length=120)
    """The CSP that arose by law in the combined CSP's place."""
    arose_for: str | None = Field(default=None, max_length=120)
    """The new council whose area that CSP is for."""
    version: int


class MergerPartyRow(SQLModel, table=True):
    """A party and its latest word on the question before the parties (None: awaited)."""

    __tablename__ = "merger_parties"

    merger_id: str = Field(primary_key=True, max_length=120)
    party_id: str = Field(primary_key=True, max_length=120)
    position: int
    role: str = Field(max_length=40)
    organisation_id: str | None = Field(default=None, max_length=120, index=True)
    area_id: str | None = Field(default=None, max_length=120)
    external: bool = False
    word: str | None = Field(default=None, max_length=20)
    signatory: str | None = Field(default=None, max_length=200)
    signatory_role: str | None = Field(default=None, max_length=200)
    signed_on: date | None = None
    document_title: str | None = Field(default=None, max_length=200)
    document_reference: str | None = Field(default=None, max_length=500)
    reason: str | None = Field(default=None, max_length=2000)
    entered_by: str | None = Field(default=None, max_length=120)


mergers = MergerRow.__table__  # type: ignore[attr-defined]
merger_parties = MergerPartyRow.__table__  # type: ignore[attr-defined]
projections.owns(mergers, merger_parties)

_CLEARED = {
    "word": None, "signatory": None, "signatory_role": None, "signed_on": None,
    "document_title": None, "document_reference": None, "reason": None, "entered_by": None,
}


def _terms(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "area_id": d["area_id"],
        "area_ids": list(dict.fromkeys([d["area_id"], *(c["area_id"] for c in d["constituents"])])),
        "question": "proposal",
        "revision": d["revision"],
        "blocked": False,
        "parties_total": len(d["parties"]),
        "parties_consented": 0,
        "proposed_name": d["proposed_name"],
        "combined_csp_id": d["combined_csp_id"],
        "effective_date": date.fromisoformat(d["effective_date"]),
        "purposes": d["purposes"],
        "cross_force": d["cross_force"],
        "cooperation_arrangements": d.get("cooperation_arrangements"),
        "requested_by_csp": d.get("requested_by_csp"),
        "constituents": [c["csp_id"] for c in d["constituents"]],
        "proposer_id": d["by_organisation"],
    }


def _insert_parties(conn: Connection, merger_id: str, parties: list[dict[str, Any]]) -> None:
    conn.execute(delete(merger_parties).where(merger_parties.c.merger_id == merger_id))
    conn.execute(insert(merger_parties), [
        {
            "merger_id": merger_id, "party_id": p["party_id"], "position": n, "role": p["role"],
            "organisation_id": p.get("organisation_id"), "area_id": p.get("area_id"),
            "external": p.get("external", False),
        }
        for n, p in enumerate(parties)
    ])


def _set(conn: Connection, event: RecordedEvent, **values: Any) -> None:
    conn.execute(
        update(mergers)
        .where(mergers.c.merger_id == event.data["merger_id"])
        .values(version=event.version, **values)
    )


def _recount(conn: Connection, event: RecordedEvent) -> None:
    merger_id = event.data["merger_id"]
    words = conn.execute(
        select(merger_parties.c.word).where(merger_parties.c.merger_id == merger_id)
    ).scalars().all()
    _set(
        conn, event, parties_consented=words.count("consented"), blocked="refused" in words,
    )


@projections.on("merger.proposed")
def _proposed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    conn.execute(insert(mergers).values(
        merger_id=d["merger_id"], status="proposed", proposed_by=d["by_organisation"],
        version=event.version, **_terms(d),
    ))
    _insert_parties(conn, d["merger_id"], d["parties"])


@projections.on("merger.revised")
def _revised(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(conn, event, **_terms(d))
    _insert_parties(conn, d["merger_id"], d["parties"])


@projections.on("merger.consented", "merger.refused", "merger.consent_withdrawn")
def _word(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    values: dict[str, Any] = {**_CLEARED, "entered_by": d["by_organisation"]}
    if event.type == "merger.consented":
        values.update(
            word="consented", signatory=d["signatory"], signatory_role=d["signatory_role"],
            signed_on=date.fromisoformat(d["signed_on"]), document_title=d["document"]["title"],
            document_reference=d["document"]["reference"],
        )
    else:
        values.update(
            word="refused" if event.type == "merger.refused" else "withdrawn",
            reason=d.get("reason"),
        )
    conn.execute(
        update(merger_parties)
        .where(
            (merger_parties.c.merger_id == d["merger_id"])
            & (merger_parties.c.party_id == d["party_id"])
        )
        .values(**values)
    )
    _recount(conn, event)


@projections.on("merger.withdrawn")
def _withdrawn(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="withdrawn", question=None, blocked=False)


@projections.on("merger.made")
def _made(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="made", question=None, made_on=date.fromisoformat(
        event.data["made_on"]
    ))


@projections.on("merger.took_effect")
def _took_effect(conn: Connection, event: RecordedEvent) -> None:
    _set(
        conn, event, status="in_effect",
        took_effect_on=date.fromisoformat(event.data["effective_date"]),
    )


@projections.on("merger.amendment_proposed", "merger.termination_proposed")
def _change_proposed(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    question = "variation" if event.type == "merger.amendment_proposed" else "termination"
    change = {k: v for k, v in d.items() if k not in ("merger_id", "by_organisation", "revision")}
    conn.execute(
        update(merger_parties).where(merger_parties.c.merger_id == d["merger_id"]).values(
            **_CLEARED
        )
    )
    _set(
        conn, event, question=question, revision=d["revision"], blocked=False,
        parties_consented=0, pending_change={"question": question, **change},
    )


@projections.on("merger.change_withdrawn")
def _change_withdrawn(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, question=None, pending_change=None, blocked=False)


@projections.on("merger.amended")
def _varied(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, question=None, pending_change=None, purposes=d["purposes"],
        cooperation_arrangements=d.get("cooperation_arrangements"),
    )


@projections.on("merger.terminated")
def _terminated(conn: Connection, event: RecordedEvent) -> None:
    _set(
        conn, event, status="terminated", question=None, pending_change=None,
        ends_on=date.fromisoformat(event.data["ends_on"]),
    )


@projections.on("merger.termination_took_effect")
def _termination_took_effect(conn: Connection, event: RecordedEvent) -> None:
    _set(conn, event, status="ended")


@projections.on("merger.combined_csp_ended")
def _ended_with_combined_csp(conn: Connection, event: RecordedEvent) -> None:
    d = event.data
    _set(
        conn, event, status="ended_with_csp", question=None, pending_change=None, blocked=False,
        csp_ended_on=date.fromisoformat(d["csp_ended_on"]), succeeded_by_csp=d["succeeded_by"],
        arose_for=d["council_id"],
    )


@projections.on("police_area.governance_took_effect")
def _governance_took_effect(conn: Connection, event: RecordedEvent) -> None:
    # Open records pass to the successor; closed ones keep the body that acted.
    d = event.data
    open_here = select(mergers.c.merger_id).where(
        (mergers.c.area_id == d["area_id"]) & mergers.c.status.in_(OPEN_STATUSES)
    )
    conn.execute(
        update(mergers)
        .where(mergers.c.merger_id.in_(open_here))
        .values(proposer_id=d["to_organisation_id"])
    )
    open_anywhere = select(mergers.c.merger_id).where(mergers.c.status.in_(OPEN_STATUSES))
    conn.execute(
        update(merger_parties)
        .where(
            (merger_parties.c.role == "policing_body")
            & (merger_parties.c.area_id == d["area_id"])
            & merger_parties.c.merger_id.in_(open_anywhere)
            # A word already given stands as the body that gave it (North Yorkshire's 2014
            # agreement stays signed by the PCC of the day).
            & merger_parties.c.word.is_(None)
        )
        .values(organisation_id=d["to_organisation_id"])
    )


# -- queries -----------------------------------------------------------------------------------


def _json(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row._mapping.items()}


def _visible(actor: Actor) -> Any:
    """Mergers of the actor's areas, and those its organisation is a party to."""
    if actor.system:
        return true()
    party_of = select(merger_parties.c.merger_id).where(
        merger_parties.c.organisation_id == actor.organisation_id
    )
    return or_(mergers.c.area_id.in_(list(actor.area_ids)), mergers.c.merger_id.in_(party_of))


def list_mergers(
    engine: Engine,
    actor: Actor,
    *,
    status: Collection[str] | None = None,
    area_id: str | None = None,
    party: str | None = None,
    awaiting: str | None = None,
    blocked: bool | None = None,
) -> list[dict[str, Any]]:
    """Mergers the actor may see, newest effective date first, filtered.

    ``party``: those the organisation is a party to; ``awaiting``: those where the
    organisation's word on the question before the parties is still awaited (or withdrawn);
    ``blocked``: those a standing refusal blocks (or not).
    """
    query = select(mergers).where(_visible(actor))
    if status:
        query = query.where(mergers.c.status.in_(list(status)))
    if area_id is not None:
        query = query.where(mergers.c.area_id == area_id)
    if party is not None:
        query = query.where(mergers.c.merger_id.in_(
            select(merger_parties.c.merger_id).where(merger_parties.c.organisation_id == party)
        ))
    if awaiting is not None:
        query = query.where(mergers.c.question.is_not(None), mergers.c.merger_id.in_(
            select(merger_parties.c.merger_id).where(
                (merger_parties.c.organisation_id == awaiting)
                & ~merger_parties.c.external
                & (func.coalesce(merger_parties.c.word, "") != "consented")
                & (func.coalesce(merger_parties.c.word, "") != "refused")
            )
        ))
    if blocked is not None:
        query = query.where(mergers.c.blocked == blocked)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(mergers.c.effective_date.desc(), mergers.c.merger_id))
        return [_json(r) for r in rows]


def get_merger(engine: Engine, actor: Actor, merger_id: str) -> dict[str, Any]:
    """One merger with its parties in order; 404 when the actor may not see it."""
    with engine.connect() as conn:
        row = conn.execute(
            select(mergers).where((mergers.c.merger_id == merger_id) & _visible(actor))
        ).first()
        if row is None:
            raise NotFound("no such merger")
        parties = conn.execute(
            select(merger_parties)
            .where(merger_parties.c.merger_id == merger_id)
            .order_by(merger_parties.c.position)
        )
        return {**_json(row), "parties": [_json(p) for p in parties]}
