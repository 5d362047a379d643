"""Mergers through the handlers and the service, on SQLite and PostgreSQL.

Each role can do what DOMAIN.md section 3 allows and nothing else; stale writes conflict;
refusals carry their codes; read models follow the log (and a governance transfer); every
event recorded validates against its committed JSON Schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.domain import directory
from hub.domain.errors import DomainError
from hub.domain.mergers import MERGER
from hub.events import ConcurrencyConflict
from hub.handlers import mergers as h
from hub.projections.mergers import get_merger, list_mergers, merger_parties, mergers
from hub.service import handle
from schemas.commands import directory as dcmd
from schemas.commands import mergers as cmd
from schemas.events.mergers import HOME_SECRETARY
from tests.conftest import DemoCopy, HubFactory
from tests.unit.test_mergers import committed_schema_accepts

LEICS = "leicestershire"
OFFICE = "leicestershire-opcc"
AUTHORITIES = [
    "melton-council", "leicestershire-county-council", "leicestershire-police",
    "llr-combined-fire-authority", "llr-icb", "probation-east-midlands", "harborough-council",
]
SIGN: dict[str, Any] = {
    "signatory": "Chris Lane", "signatory_role": "Chief Executive",
    "signed_on": date(2026, 11, 2), "document_title": "Combination agreement",
    "document_reference": "https://example.org/agreement.pdf",
}


def actor(organisation_id: str, area: str = LEICS, role: str = "member") -> Actor:
    """A user of ``organisation_id`` in ``area``."""
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id, role=role,
                 area_ids=frozenset({area}))


@pytest.fixture
def demo(make_hub: HubFactory, demo_copy: DemoCopy) -> Hub:
    """A hub with the demo loaded."""
    return make_hub(database_url=demo_copy())


def propose(hub: Hub, *csp_ids: str, **extra: Any) -> str:
    """The Leicestershire office proposes combining ``csp_ids``; returns the merger id."""
    created = h.propose_merger(
        hub, actor(OFFICE), csp_ids=list(csp_ids or ("melton-csp", "harborough-csp")),
        purposes=["reducing_crime_and_disorder"],
        proposed_name=extra.pop("proposed_name", "Melton and Harborough CSP"),
        effective_date=extra.pop("effective_date", date(2027, 4, 1)), **extra,
    )
    return created.id


def code_of(call: Callable[[], object]) -> tuple[str, int]:
    """The code and HTTP status ``call`` is refused with."""
    with pytest.raises((DomainError, ConcurrencyConflict)) as raised:
        call()
    error = raised.value
    return str(getattr(error, "code", "")), int(getattr(error, "status", 409))


def all_events_valid(hub: Hub) -> None:
    """Every merger event recorded validates against its committed schema."""
    events = [e for e in hub.store.iter_all() if e.stream_type == "merger"]
    assert events
    for event in events:
        committed_schema_accepts(event.type, event.data)


def test_the_office_proposes_and_the_parties_consent_until_the_agreement_is_made(
    demo: Hub,
) -> None:
    merger_id = propose(demo)
    row = get_merger(demo.engine, actor("melton-council"), merger_id)
    assert [p["party_id"] for p in row["parties"]] == [
        "melton-council", "leicestershire-county-council", "leicestershire-police",
        "llr-combined-fire-authority", "llr-icb", "probation-east-midlands",
        "harborough-council", "policing-body-leicestershire",
    ]
    # The combined CSP's id is the hub's: the name, and the merger's id to keep it unique.
    assert (row["status"], row["parties_total"], row["combined_csp_id"]) == (
        "proposed", 8, f"melton-and-harborough-csp-{merger_id[:8]}",
    )
    for authority in AUTHORITIES:
        h.consent_to_merger(demo, actor(authority), merger_id, revision=1, **SIGN)
    assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "proposed"
    h.consent_to_merger(demo, actor(OFFICE), merger_id, revision=1, **SIGN)
    row = get_merger(demo.engine, SYSTEM, merger_id)
    assert (row["status"], row["parties_consented"], row["made_on"]) == (
        "made", 8, "2026-11-02",
    )
    assert {p["word"] for p in row["parties"]} == {"consented"}
    all_events_valid(demo)


def test_a_refusal_blocks_and_a_revision_clears_every_word(demo: Hub) -> None:
    merger_id = propose(demo)
    h.consent_to_merger(demo, actor("melton-council"), merger_id, revision=1, **SIGN)
    h.refuse_merger(demo, actor("llr-icb"), merger_id, revision=1, reason="Costs unclear")
    row = get_merger(demo.engine, SYSTEM, merger_id)
    assert row["blocked"] and row["parties_consented"] == 1
    h.revise_merger_proposal(
        demo, actor(OFFICE), merger_id, csp_ids=["melton-csp", "harborough-csp"],
        purposes=["reducing_crime_and_disorder", "reducing_reoffending"],
        proposed_name="Melton and Harborough CSP", effective_date=date(2027, 10, 1),
        note="Costs set out",
    )
    row = get_merger(demo.engine, SYSTEM, merger_id)
    assert (row["revision"], row["blocked"], row["parties_consented"]) == (2, False, 0)
    assert {p["word"] for p in row["parties"]} == {None}
    assert code_of(lambda: h.consent_to_merger(
        demo, actor("llr-icb"), merger_id, revision=1, **SIGN)) == ("merger.stale_revision", 409)


def test_a_stale_version_is_refused_as_a_conflict(demo: Hub) -> None:
    merger_id = propose(demo)
    seen = demo.store.stream_version(f"merger-{merger_id}")
    h.consent_to_merger(demo, actor("melton-council"), merger_id, revision=1, **SIGN)
    assert code_of(lambda: h.withdraw_merger_proposal(
        demo, actor(OFFICE), merger_id, reason="Changed our minds", expected_version=seen,
    )) == ("store.stale_version", 409)
    h.withdraw_merger_proposal(
        demo, actor(OFFICE), merger_id, reason="Changed our minds", expected_version=seen + 1,
    )
    assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "withdrawn"


def test_each_role_can_do_only_what_the_law_allows(demo: Hub) -> None:
    merger_id = propose(demo)
    council = actor("melton-council")
    refusals = {
        "a council proposes": (lambda: h.propose_merger(
            demo, council, csp_ids=["melton-csp", "harborough-csp"],
            purposes=["reducing_crime_and_disorder"], proposed_name="X CSP",
            effective_date=date(2027, 4, 1), area_id=LEICS,
        ), ("access.not_policing_body", 403)),
        "a viewer in the office withdraws": (lambda: h.withdraw_merger_proposal(
            demo, actor(OFFICE, role="viewer"), merger_id, reason="x",
        ), ("access.viewer_cannot_act", 403)),
        "another area's office withdraws": (lambda: h.withdraw_merger_proposal(
            demo, actor("nottinghamshire-opcc", "nottinghamshire"), merger_id, reason="x",
        ), ("record.not_found", 404)),
        "the office signs for an authority": (lambda: handle(
            demo, MERGER, merger_id, cmd.ConsentToMerger(
                merger_id=merger_id, by_organisation="melton-council", revision=1,
                signatory="X", signatory_role="Y", signed_on=date(2026, 11, 2),
                document={"title": "T", "reference": "R"},
            ), actor(OFFICE),
        ), ("access.not_own_organisation", 403)),
        "a non-party consents": (lambda: h.consent_to_merger(
            demo, actor("leicestershire-yot"), merger_id, revision=1, **SIGN,
        ), ("merger.not_a_party", 403)),
        "a party withdraws the proposal": (lambda: h.withdraw_merger_proposal(
            demo, council, merger_id, reason="x",
        ), ("access.not_policing_body", 403)),
        "a party enters another's word": (lambda: h.record_external_consent(
            demo, council, merger_id, party_id="llr-icb", revision=1, **SIGN,
        ), ("access.not_policing_body", 403)),
        "the office enters a hub party's word": (lambda: h.record_external_consent(
            demo, actor(OFFICE), merger_id, party_id="llr-icb", revision=1, **SIGN,
        ), ("merger.party_in_hub", 422)),
        "a user makes the merger take effect": (lambda: handle(
            demo, MERGER, merger_id,
            cmd.TakeMergerEffect(merger_id=merger_id, effective_date=date(2027, 4, 1)),
            actor(OFFICE),
        ), ("access.not_permitted", 403)),
        "a Welsh office proposes": (lambda: h.propose_merger(
            demo, actor("dyfed-powys-opcc", "dyfed-powys"),
            csp_ids=["powys-csp", "ceredigion-csp"], purposes=["reducing_reoffending"],
            proposed_name="Mid Wales CSP", effective_date=date(2027, 4, 1),
        ), ("access.england_only", 422)),
        # Another area's CSP is, for the office, not in the directory (issue 18).
        "an English office names another area's Welsh CSP": (lambda: h.propose_merger(
            demo, actor(OFFICE), csp_ids=["melton-csp", "powys-csp"],
            purposes=["reducing_reoffending"], proposed_name="Border CSP",
            effective_date=date(2027, 4, 1), cooperation_arrangements="Joint board",
        ), ("merger.unknown_csp", 422)),
        "an unknown CSP": (lambda: propose(demo, "melton-csp", "atlantis-csp"),
                           ("merger.unknown_csp", 422)),
        "one CSP": (lambda: propose(demo, "melton-csp"), ("merger.too_few_csps", 422)),
        "no purpose": (lambda: h.propose_merger(
            demo, actor(OFFICE), csp_ids=["melton-csp", "harborough-csp"], purposes=[],
            proposed_name="Y CSP", effective_date=date(2027, 4, 1),
        ), ("merger.no_purpose", 422)),
        "a signature from the future": (lambda: h.consent_to_merger(
            demo, council, merger_id, revision=1, **{**SIGN, "signed_on": date(2099, 1, 1)},
        ), ("merger.signed_in_future", 422)),
        "a malformed document": (lambda: h.consent_to_merger(
            demo, council, merger_id, revision=1, **{**SIGN, "document_title": ""},
        ), ("merger.invalid_input", 422)),
    }
    for what, (call, expected) in refusals.items():
        assert code_of(call) == expected, what
    h.consent_to_merger(demo, council, merger_id, revision=1, **SIGN)
    h.withdraw_merger_consent(demo, council, merger_id, revision=1, reason="Awaiting cabinet")
    assert code_of(lambda: h.withdraw_merger_consent(demo, council, merger_id, revision=1)) == (
        "merger.no_consent_to_withdraw", 409,
    )
    assert get_merger(demo.engine, SYSTEM, merger_id)["parties"][0]["word"] == "withdrawn"


def _register_rushcliffe(hub: Hub) -> None:
    for org, kind in (("rushcliffe-council", "district_council"),
                      ("nottinghamshire-police", "police_force")):
        handle(hub, directory.ORGANISATION, org, dcmd.RegisterOrganisation(
            organisation_id=org, name=org, kind=kind, area_ids=["nottinghamshire"],
            country="england"), SYSTEM)
    handle(hub, directory.CSP, "rushcliffe-csp", dcmd.RegisterCsp(
        csp_id="rushcliffe-csp", name="Safer Rushcliffe", area_id="nottinghamshire",
        local_government_areas=["Rushcliffe"],
        responsible_authorities=["rushcliffe-council", "nottinghamshire-police",
                                 "notts-health-not-in-hub"],
        valid_from=date(2012, 11, 22)), SYSTEM)


def test_a_cross_force_merger_needs_both_policing_bodies_and_the_home_secretary(
    demo: Hub,
) -> None:
    _register_rushcliffe(demo)
    # Another force's CSP is named through a workspace the office shares with it.
    assert code_of(lambda: propose(demo, "melton-csp", "rushcliffe-csp")) == (
        "merger.unknown_csp", 422,
    )
    handle(demo, directory.WORKSPACE, "csp-rushcliffe-csp", dcmd.CreateWorkspace(
        workspace_id="csp-rushcliffe-csp", name="Safer Rushcliffe", kind="csp",
        area_id="nottinghamshire", csp_id="rushcliffe-csp",
        members=["rushcliffe-council", "nottinghamshire-police", OFFICE]), SYSTEM)
    assert code_of(lambda: propose(demo, "melton-csp", "rushcliffe-csp")) == (
        "merger.cooperation_arrangements_required", 422,
    )
    merger_id = propose(demo, "melton-csp", "rushcliffe-csp",
                        cooperation_arrangements="A joint board of both commissioners")
    row = get_merger(demo.engine, SYSTEM, merger_id)
    external = {p["party_id"] for p in row["parties"] if p["external"]}
    assert external == {HOME_SECRETARY, "notts-health-not-in-hub"}
    assert row["cross_force"] and row["area_ids"] == [LEICS, "nottinghamshire"]
    notts = actor("nottinghamshire-opcc", "nottinghamshire")
    assert [m["merger_id"] for m in list_mergers(demo.engine, notts)] == [merger_id]
    for party in row["parties"]:
        if party["role"] == "responsible_authority" and not party["external"]:
            area = "nottinghamshire" if party["organisation_id"] in (
                "rushcliffe-council", "nottinghamshire-police") else LEICS
            h.consent_to_merger(demo, actor(party["organisation_id"], area), merger_id,
                                revision=1, **SIGN)
    h.consent_to_merger(demo, actor(OFFICE), merger_id, revision=1, **SIGN)
    h.consent_to_merger(demo, notts, merger_id, revision=1, **SIGN)
    for party_id in ("notts-health-not-in-hub", HOME_SECRETARY):
        assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "proposed"
        h.record_external_consent(demo, actor(OFFICE), merger_id, party_id=party_id,
                                  revision=1, **SIGN)
    assert get_merger(demo.engine, SYSTEM, merger_id)["status"] == "made"
    all_events_valid(demo)


def test_read_models_filter_what_each_organisation_sees(demo: Hub) -> None:
    awaiting = propose(demo)
    blocked = propose(demo, "blaby-csp", "oadby-and-wigston-csp", proposed_name="B and O CSP")
    h.refuse_merger(demo, actor("blaby-council"), blocked, revision=1, reason="No")
    h.consent_to_merger(demo, actor("melton-council"), awaiting, revision=1, **SIGN)

    mine = {awaiting, blocked}

    def ids(viewer: Actor, **filters: Any) -> set[str]:
        # The demo's own mergers are left out: the filters are checked on this test's two.
        return {m["merger_id"] for m in list_mergers(demo.engine, viewer, **filters)} & mine

    office = actor(OFFICE)
    assert ids(office) == {awaiting, blocked}
    assert ids(office, blocked=True) == {blocked}
    assert ids(office, party="melton-council") == {awaiting}
    assert ids(office, awaiting="melton-council") == set()
    assert ids(office, awaiting="leicestershire-police") == {awaiting, blocked}
    assert ids(office, status=["withdrawn"]) == set()
    assert list_mergers(demo.engine, actor("nottinghamshire-opcc", "nottinghamshire")) == []
    with pytest.raises(DomainError) as hidden:
        get_merger(demo.engine, actor("powys-council", "dyfed-powys"), awaiting)
    assert hidden.value.code == "record.not_found"


def test_open_mergers_pass_to_a_successor_body_and_closed_ones_keep_the_office(
    demo: Hub,
) -> None:
    open_id = propose(demo)
    closed_id = propose(demo, "blaby-csp", "oadby-and-wigston-csp", proposed_name="B CSP")
    h.withdraw_merger_proposal(demo, actor(OFFICE), closed_id, reason="Not pursued")
    mayor = "leicestershire-mayor-office"
    handle(demo, directory.ORGANISATION, mayor, dcmd.RegisterOrganisation(
        organisation_id=mayor, name="Mayor's office", kind="policing_body_office",
        area_ids=[LEICS], country="england"), SYSTEM)
    handle(demo, directory.POLICE_AREA, LEICS, dcmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=mayor, kind="mayor", on_date=date(2026, 5, 8)),
        SYSTEM)
    with demo.engine.connect() as conn:
        rows = conn.execute(select(mergers.c.merger_id, mergers.c.proposer_id)).all()
        proposers: dict[str, str] = {r.merger_id: r.proposer_id for r in rows}
        body = conn.execute(select(merger_parties.c.organisation_id).where(
            (merger_parties.c.merger_id == open_id)
            & (merger_parties.c.party_id == "policing-body-leicestershire"))).scalar_one()
    assert {k: proposers[k] for k in (open_id, closed_id)} == {open_id: mayor, closed_id: OFFICE}
    assert body == mayor
    assert code_of(lambda: h.consent_to_merger(
        demo, actor(OFFICE), open_id, revision=1, **SIGN)) == ("merger.not_a_party", 403)
    assert code_of(lambda: h.withdraw_merger_proposal(
        demo, actor(OFFICE), open_id, reason="x")) == ("access.not_policing_body", 403)
    h.consent_to_merger(demo, actor(mayor), open_id, revision=1, **SIGN)
    row = get_merger(demo.engine, SYSTEM, open_id)
    assert next(p for p in row["parties"] if p["role"] == "policing_body")["word"] == "consented"


def test_a_rebuild_gives_the_same_merger_read_models(demo: Hub) -> None:
    merger_id = propose(demo)
    for authority in AUTHORITIES[:4]:
        h.consent_to_merger(demo, actor(authority), merger_id, revision=1, **SIGN)
    h.refuse_merger(demo, actor("llr-icb"), merger_id, revision=1, reason="No")

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with demo.engine.connect() as conn:
            return {t.name: sorted(tuple(r) for r in conn.execute(select(t)))
                    for t in (mergers, merger_parties)}

    live = snapshot()
    demo.projections.rebuild(demo.store, progress=False)
    assert snapshot() == live
