"""Merger decider: every rule of DOMAIN.md section 3, each refusal with its own code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from hub.domain import mergers
from hub.domain.errors import DomainError
from hub.domain.mergers import MERGER, Merger
from schemas.commands import Command
from schemas.commands import mergers as cmd
from schemas.events import mergers as mev
from schemas.events.mergers import HOME_SECRETARY, Question
from schemas.generate import JSON_DIR, render
from schemas.registry import event_type_of, spec
from tests.unit.decisions import accepts

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
OFFICE = "leicestershire-opcc"
COMMON = ("leicestershire-police", "llr-combined-fire-authority", "llr-icb",
          "probation-east-midlands")


def csp(csp_id: str, council: str, *, area: str = "leicestershire", country: str = "england",
        common: tuple[str, ...] = COMMON, ended: bool = False) -> cmd.CspFacts:
    """A constituent CSP's facts as the handler would resolve them."""
    return cmd.CspFacts(
        csp_id=csp_id, name=f"{csp_id} partnership", area_id=area, country=country,
        local_government_areas=[council.title()],
        responsible_authorities=[f"{council}-council", *common], ended=ended,
    )


MELTON = csp("melton-csp", "melton")
HARBOROUGH = csp("harborough-csp", "harborough")
RUTLAND = csp("safer-rutland", "rutland")
BODIES = [cmd.PolicingBodyFact(area_id="leicestershire", organisation_id=OFFICE)]
PROPOSE = cmd.ProposeMerger(
    merger_id="m1", by_organisation=OFFICE, area_id="leicestershire",
    constituents=[MELTON, HARBOROUGH], purposes=["reducing_crime_and_disorder"],
    proposed_name="Melton and Harborough Community Safety Partnership",
    combined_csp_id="melton-harborough-csp", effective_date=date(2027, 4, 1),
    policing_bodies=BODIES,
)
AUTHORITIES = ["melton-council", *COMMON, "harborough-council"]
PARTIES = [*AUTHORITIES, OFFICE]
SIGNATURE: dict[str, Any] = {
    "signatory": "A. Person", "signatory_role": "Chief Executive",
    "signed_on": date(2026, 11, 20),
    "document": {"title": "Combination agreement", "reference": "https://example.org/a.pdf"},
}


def committed_schema_accepts(event_type: str, data: dict[str, Any]) -> None:
    """``data`` validates against the committed JSON Schema of ``event_type``."""
    event_spec = spec(event_type)
    committed = json.loads((JSON_DIR / f"{event_type}.v{event_spec.version}.json").read_text())
    try:
        import jsonschema
    except ImportError:
        # Without a JSON Schema validator: the committed file must be exactly the model's
        # schema, and the model must accept the data.
        assert committed == json.loads(json.dumps(render(event_spec)))
        event_spec.model.model_validate(data)
    else:
        jsonschema.Draft202012Validator(committed).validate(data)


def run(*commands: Command, now: datetime = NOW, state: Merger | None = None) -> Merger:
    """Fold ``commands`` from ``state`` (or nothing), checking each event on the way."""
    state = state or MERGER.initial()
    for command in commands:
        state, events = MERGER.execute(state, command, now)
        for event in events:
            committed_schema_accepts(event_type_of(event), event.model_dump(mode="json"))
    return state


def consent(org: str, revision: int = 1, **extra: Any) -> cmd.ConsentToMerger:
    """``org`` signs for itself."""
    return cmd.ConsentToMerger(
        merger_id="m1", by_organisation=org, revision=revision, **{**SIGNATURE, **extra}
    )


def office_consent(revision: int = 1) -> cmd.ConsentToMerger:
    """The office signs as the area's policing body."""
    return cmd.ConsentToMerger(
        merger_id="m1", by_organisation=OFFICE, revision=revision,
        policing_body_of=["leicestershire"], **SIGNATURE,
    )


def refuse(org: str, revision: int = 1) -> cmd.RefuseMerger:
    """``org`` refuses for itself."""
    held = ["leicestershire"] if org == OFFICE else []
    return cmd.RefuseMerger(merger_id="m1", by_organisation=org, revision=revision,
                            policing_body_of=held, reason="Not in our interest")


def withdraw(org: str, revision: int = 1) -> cmd.WithdrawMergerConsent:
    """``org`` withdraws its consent."""
    return cmd.WithdrawMergerConsent(merger_id="m1", by_organisation=org, revision=revision)


def all_consent(revision: int = 1) -> list[Command]:
    """Every party of PROPOSE signs."""
    return [*(consent(a, revision) for a in AUTHORITIES), office_consent(revision)]


def refused(command: Command, error: type[DomainError], state: Merger | None = None,
            now: datetime = NOW) -> DomainError:
    """Assert ``command`` is refused with ``error``; return the error."""
    with pytest.raises(error) as raised:
        MERGER.decide(state or MERGER.initial(), command, now)
    return raised.value


def made() -> Merger:
    """A made agreement."""
    return run(PROPOSE, *all_consent())


# -- proposal and parties ----------------------------------------------------------------------


def test_the_parties_are_every_responsible_authority_and_the_policing_body() -> None:
    state = run(PROPOSE)
    assert [p.party_id for p in state.parties] == [*AUTHORITIES, "policing-body-leicestershire"]
    body = state.parties[-1]
    assert (body.role, body.organisation_id) == ("policing_body", OFFICE)
    assert not any(p.party_id == HOME_SECRETARY for p in state.parties)
    assert state.status == mergers.PROPOSED and state.question == Question.PROPOSAL


def test_a_cross_force_merger_adds_every_policing_body_and_the_home_secretary() -> None:
    other = csp("rushcliffe-csp", "rushcliffe", area="nottinghamshire",
                common=("nottinghamshire-police",))
    proposal = PROPOSE.model_copy(update={
        "constituents": [MELTON, other], "cooperation_arrangements": "Joint tasking board",
        "policing_bodies": [*BODIES, cmd.PolicingBodyFact(
            area_id="nottinghamshire", organisation_id="nottinghamshire-opcc")],
    })
    state = run(proposal)
    roles = {p.party_id: (p.role, p.external) for p in state.parties}
    assert roles["policing-body-leicestershire"] == ("policing_body", False)
    assert roles["policing-body-nottinghamshire"] == ("policing_body", False)
    assert roles[HOME_SECRETARY] == ("home_secretary", True)
    assert state.terms["cross_force"] is True
    assert mergers.MERGER.visible_in(state) == (
        "area-leicestershire", "area-nottinghamshire", "csp-melton-csp", "csp-rushcliffe-csp",
    )


def test_a_cross_force_merger_must_set_out_cooperation_arrangements() -> None:
    other = csp("rushcliffe-csp", "rushcliffe", area="nottinghamshire")
    proposal = PROPOSE.model_copy(update={
        "constituents": [MELTON, other],
        "policing_bodies": [*BODIES, cmd.PolicingBodyFact(
            area_id="nottinghamshire", organisation_id="nottinghamshire-opcc")],
    })
    error = refused(proposal, mergers.CooperationArrangementsRequired)
    assert (error.code, error.status) == ("merger.cooperation_arrangements_required", 422)


def test_a_welsh_csp_is_refused_england_only() -> None:
    welsh = csp("powys-csp", "powys", area="dyfed-powys", country="wales")
    proposal = PROPOSE.model_copy(update={
        "constituents": [MELTON, welsh], "cooperation_arrangements": "n/a",
        "policing_bodies": [*BODIES, cmd.PolicingBodyFact(
            area_id="dyfed-powys", organisation_id="dyfed-powys-opcc")],
    })
    error = refused(proposal, mergers.WelshCsp)
    assert (error.code, error.status) == ("merger.welsh_csp", 422)


def test_a_wholly_welsh_proposal_is_refused_with_the_merger_code() -> None:
    a = csp("powys-csp", "powys", area="dyfed-powys", country="wales")
    b = csp("ceredigion-csp", "ceredigion", area="dyfed-powys", country="wales")
    proposal = PROPOSE.model_copy(update={
        "constituents": [a, b], "area_id": "dyfed-powys", "by_organisation": "dyfed-powys-opcc",
        "policing_bodies": [cmd.PolicingBodyFact(
            area_id="dyfed-powys", organisation_id="dyfed-powys-opcc")],
    })
    assert refused(proposal, mergers.WelshCsp).code == "merger.welsh_csp"


def test_a_combination_needs_two_or_more_csps() -> None:
    proposal = PROPOSE.model_copy(update={"constituents": [MELTON]})
    assert refused(proposal, mergers.TooFewCsps).code == "merger.too_few_csps"


def test_a_csp_is_named_once() -> None:
    proposal = PROPOSE.model_copy(update={"constituents": [MELTON, MELTON]})
    assert refused(proposal, mergers.DuplicateCsp).code == "merger.duplicate_csp"


def test_an_ended_csp_cannot_be_combined() -> None:
    ended = csp("blaby-csp", "blaby", ended=True)
    proposal = PROPOSE.model_copy(update={"constituents": [MELTON, ended]})
    assert refused(proposal, mergers.CspNotCurrent).code == "merger.csp_not_current"


def test_a_proposal_names_at_least_one_lawful_purpose() -> None:
    proposal = PROPOSE.model_copy(update={"purposes": []})
    assert refused(proposal, mergers.NoPurpose).code == "merger.no_purpose"


def test_the_three_lawful_purposes_are_accepted() -> None:
    purposes = ["reducing_crime_and_disorder", "reducing_reoffending",
                "combating_substance_misuse"]
    state = run(PROPOSE.model_copy(update={"purposes": purposes}))
    assert state.purposes == tuple(purposes)


def test_a_proposal_needs_a_csp_in_the_proposers_area() -> None:
    proposal = PROPOSE.model_copy(update={"area_id": "rutland-elsewhere"})
    assert refused(proposal, mergers.CspOutsideArea).code == "merger.csp_outside_area"


def test_only_the_areas_policing_body_proposes() -> None:
    proposal = PROPOSE.model_copy(update={"by_organisation": "melton-council"})
    error = refused(proposal, mergers.NotPolicingBody)
    assert (error.code, error.status) == ("merger.not_policing_body", 403)


def test_every_area_involved_needs_a_policing_body() -> None:
    proposal = PROPOSE.model_copy(update={"policing_bodies": []})
    assert refused(proposal, mergers.NoPolicingBody).code == "merger.no_policing_body"


def test_a_proposal_may_start_from_a_constituents_request() -> None:
    state = run(PROPOSE.model_copy(update={"requested_by_csp": "melton-csp"}))
    assert state.terms["requested_by_csp"] == "melton-csp"
    other = PROPOSE.model_copy(update={"requested_by_csp": "blaby-csp"})
    assert refused(other, mergers.RequesterNotConstituent).code == (
        "merger.requester_not_constituent"
    )


def test_a_merger_is_proposed_once() -> None:
    assert refused(PROPOSE, mergers.MergerExists, run(PROPOSE)).code == "merger.already_proposed"


def test_a_command_for_a_missing_merger_is_not_found() -> None:
    error = refused(consent("melton-council"), mergers.MergerNotFound)
    assert (error.code, error.status) == ("merger.not_found", 404)


# -- consent -----------------------------------------------------------------------------------


def test_the_agreement_is_made_when_every_party_has_signed() -> None:
    state = run(PROPOSE, *all_consent()[:-1])
    assert state.status == mergers.PROPOSED
    _, events = MERGER.execute(state, office_consent(), NOW)
    assert [event_type_of(e) for e in events] == ["merger.consented", "merger.made"]
    made_event = events[-1]
    assert made_event.made_on == SIGNATURE["signed_on"]  # type: ignore[attr-defined]
    assert run(office_consent(), state=state).status == mergers.MADE


def test_the_agreement_is_made_on_the_date_of_the_last_signature() -> None:
    early = [consent(a, signed_on=date(2026, 10, 1)) for a in AUTHORITIES]
    _, events = MERGER.execute(run(PROPOSE, *early), office_consent(), NOW)
    assert events[-1].made_on == date(2026, 11, 20)  # type: ignore[attr-defined]
    late_first = [consent(a, signed_on=date(2026, 11, 23)) for a in AUTHORITIES]
    _, events = MERGER.execute(run(PROPOSE, *late_first), office_consent(), NOW)
    assert events[-1].made_on == date(2026, 11, 23)  # type: ignore[attr-defined]


def test_refusal_by_one_party_blocks_the_merger() -> None:
    state = run(PROPOSE, *all_consent()[:3], refuse("llr-icb"))
    assert state.blocked
    rest = [c for c in all_consent()[3:] if getattr(c, "by_organisation", "") != "llr-icb"]
    state = run(*rest, state=state)
    assert state.status == mergers.PROPOSED and state.blocked


def test_a_refusing_party_may_later_consent_and_so_unblock() -> None:
    others = [c for c in all_consent() if getattr(c, "by_organisation", "") != "llr-icb"]
    state = run(PROPOSE, refuse("llr-icb"), *others)
    assert state.blocked and state.status == mergers.PROPOSED
    assert run(consent("llr-icb"), state=state).status == mergers.MADE


def test_a_revision_resets_every_consent() -> None:
    state = run(PROPOSE, *all_consent()[:-1], refuse(OFFICE))
    revise = cmd.ReviseMergerProposal(
        **PROPOSE.model_dump(exclude={"effective_date"}), effective_date=date(2027, 10, 1),
        note="Later date",
    )
    state = run(revise, state=state)
    assert state.revision == 2 and state.words == {} and not state.blocked
    assert state.effective_date == date(2027, 10, 1)
    assert refused(consent("melton-council", revision=1), mergers.StaleRevision, state).code == (
        "merger.stale_revision"
    )
    assert run(*all_consent(revision=2), state=state).status == mergers.MADE


def test_a_revision_cannot_move_the_proposal_to_another_area() -> None:
    revise = cmd.ReviseMergerProposal(**{**PROPOSE.model_dump(), "area_id": "rutland"})
    assert refused(revise, mergers.AreaChanged, run(PROPOSE)).code == "merger.area_changed"


def test_a_party_may_withdraw_consent_until_the_agreement_is_made() -> None:
    state = run(PROPOSE, consent("melton-council"), withdraw("melton-council"))
    assert state.words["melton-council"] == mergers.CONSENT_WITHDRAWN
    state = run(*all_consent(), state=state)
    assert state.status == mergers.MADE
    error = refused(withdraw("melton-council"), mergers.AlreadyMade, state)
    assert (error.code, error.status) == ("merger.already_made", 409)


def test_only_a_standing_consent_can_be_withdrawn() -> None:
    error = refused(withdraw("melton-council"), mergers.NoConsentToWithdraw, run(PROPOSE))
    assert error.code == "merger.no_consent_to_withdraw"


def test_a_party_signs_once_and_refuses_once() -> None:
    signed = run(PROPOSE, consent("melton-council"))
    assert refused(consent("melton-council"), mergers.AlreadyConsented, signed).code == (
        "merger.already_consented"
    )
    no = run(PROPOSE, refuse("melton-council"))
    assert refused(refuse("melton-council"), mergers.AlreadyRefused, no).code == (
        "merger.already_refused"
    )


def test_an_organisation_that_is_not_a_party_cannot_give_its_word() -> None:
    error = refused(consent("leicestershire-yot"), mergers.NotAParty, run(PROPOSE))
    assert (error.code, error.status) == ("merger.not_a_party", 403)


def test_a_former_policing_body_is_no_party_once_governance_passed() -> None:
    # Without the area's functions, the old office is nobody's policing body.
    old = cmd.ConsentToMerger(merger_id="m1", by_organisation=OFFICE, revision=1, **SIGNATURE)
    assert refused(old, mergers.NotAParty, run(PROPOSE)).code == "merger.not_a_party"
    successor = cmd.ConsentToMerger(
        merger_id="m1", by_organisation="leics-mayor", revision=1,
        policing_body_of=["leicestershire"], **SIGNATURE,
    )
    state = run(PROPOSE, successor)
    assert state.words["policing-body-leicestershire"] == mergers.CONSENTED


def test_an_organisation_that_is_two_parties_signs_as_both() -> None:
    # A PFCC's office is also the fire and rescue authority (DOMAIN.md, "Policing body").
    common = ("essex-police", "essex-pfcc", "essex-icb")
    a, b = (csp(c, c.split("-")[0], area="essex", common=common) for c in ("basildon-csp",
                                                                            "castle-point-csp"))
    proposal = PROPOSE.model_copy(update={
        "area_id": "essex", "by_organisation": "essex-pfcc", "constituents": [a, b],
        "policing_bodies": [cmd.PolicingBodyFact(area_id="essex", organisation_id="essex-pfcc")],
    })
    both = cmd.ConsentToMerger(merger_id="m1", by_organisation="essex-pfcc", revision=1,
                               policing_body_of=["essex"], **SIGNATURE)
    _, events = MERGER.execute(run(proposal), both, NOW)
    assert sorted(e.party_id for e in events) == [  # type: ignore[attr-defined]
        "essex-pfcc", "policing-body-essex",
    ]


def test_a_signature_cannot_be_dated_after_today() -> None:
    late = consent("melton-council", signed_on=date(2026, 11, 25))
    error = refused(late, mergers.SignedInFuture, run(PROPOSE))
    assert (error.code, error.status) == ("merger.signed_in_future", 422)


def test_the_office_enters_the_word_of_a_party_outside_the_hub() -> None:
    proposal = PROPOSE.model_copy(update={"unregistered_organisations": ["llr-icb"]})
    state = run(proposal)
    assert next(p for p in state.parties if p.party_id == "llr-icb").external
    assert refused(consent("llr-icb"), mergers.NotAParty, state).code == "merger.not_a_party"
    entered = cmd.RecordExternalConsent(
        merger_id="m1", by_organisation=OFFICE, party_id="llr-icb", revision=1, **SIGNATURE
    )
    state = run(entered, state=state)
    assert state.words["llr-icb"] == mergers.CONSENTED
    undo = cmd.RecordExternalConsentWithdrawal(
        merger_id="m1", by_organisation=OFFICE, party_id="llr-icb", revision=1
    )
    no = cmd.RecordExternalRefusal(
        merger_id="m1", by_organisation=OFFICE, party_id="llr-icb", revision=1, reason="No"
    )
    state = run(undo, no, state=state)
    assert state.blocked


def test_the_office_cannot_enter_the_word_of_a_party_in_the_hub_or_of_a_stranger() -> None:
    state = run(PROPOSE)
    in_hub = cmd.RecordExternalConsent(
        merger_id="m1", by_organisation=OFFICE, party_id="melton-council", revision=1,
        **SIGNATURE,
    )
    assert refused(in_hub, mergers.PartyInHub, state).code == "merger.party_in_hub"
    stranger = in_hub.model_copy(update={"party_id": "nobody"})
    assert refused(stranger, mergers.UnknownParty, state).code == "merger.unknown_party"


def test_the_home_secretary_signs_a_cross_force_agreement_through_the_office() -> None:
    other = csp("rushcliffe-csp", "rushcliffe", area="nottinghamshire",
                common=("nottinghamshire-police",))
    proposal = PROPOSE.model_copy(update={
        "constituents": [MELTON, other], "cooperation_arrangements": "Joint tasking board",
        "policing_bodies": [*BODIES, cmd.PolicingBodyFact(
            area_id="nottinghamshire", organisation_id="nottinghamshire-opcc")],
    })
    state = run(proposal)
    words = [consent(p.party_id) for p in state.parties if p.role == "responsible_authority"]
    words += [
        office_consent(),
        cmd.ConsentToMerger(merger_id="m1", by_organisation="nottinghamshire-opcc", revision=1,
                            policing_body_of=["nottinghamshire"], **SIGNATURE),
    ]
    state = run(*words, state=state)
    assert state.status == mergers.PROPOSED
    home_secretary = cmd.RecordExternalConsent(
        merger_id="m1", by_organisation=OFFICE, party_id=HOME_SECRETARY, revision=1,
        **SIGNATURE,
    )
    assert run(home_secretary, state=state).status == mergers.MADE


def test_a_party_gives_its_word_in_its_own_area() -> None:
    other = csp("rushcliffe-csp", "rushcliffe", area="nottinghamshire",
                common=("nottinghamshire-police",))
    proposal = PROPOSE.model_copy(update={
        "constituents": [MELTON, other], "cooperation_arrangements": "Joint tasking board",
        "policing_bodies": [*BODIES, cmd.PolicingBodyFact(
            area_id="nottinghamshire", organisation_id="nottinghamshire-opcc")],
    })
    state = run(proposal)
    notts = cmd.ConsentToMerger(merger_id="m1", by_organisation="nottinghamshire-opcc",
                                revision=1, policing_body_of=["nottinghamshire"], **SIGNATURE)
    assert MERGER.area_of(state, notts) == "nottinghamshire"
    assert MERGER.area_of(state, consent("rushcliffe-council")) == "nottinghamshire"
    assert MERGER.area_of(state, consent("melton-council")) == "leicestershire"
    assert MERGER.area_of(MERGER.initial(), PROPOSE) == "leicestershire"


# -- withdrawal, variation, termination --------------------------------------------------------


def test_the_office_may_withdraw_the_proposal_until_it_is_made() -> None:
    withdraw_it = cmd.WithdrawMergerProposal(merger_id="m1", by_organisation=OFFICE,
                                             reason="Partners prefer joint working")
    state = run(PROPOSE, consent("melton-council"), withdraw_it)
    assert state.status == mergers.WITHDRAWN
    error = refused(consent("harborough-council"), mergers.MergerClosed, state)
    assert error.code == "merger.closed"
    assert refused(withdraw_it, mergers.NotWithdrawable, made()).code == (
        "merger.not_withdrawable"
    )


def test_a_made_agreement_cannot_be_revised() -> None:
    revise = cmd.ReviseMergerProposal(**PROPOSE.model_dump())
    assert refused(revise, mergers.NotRevisable, made()).code == "merger.not_revisable"


VARY = cmd.ProposeMergerVariation(
    merger_id="m1", by_organisation=OFFICE, description="Add substance misuse",
    purposes=["reducing_crime_and_disorder", "combating_substance_misuse"],
)
TERMINATE = cmd.ProposeMergerTermination(
    merger_id="m1", by_organisation=OFFICE, ends_on=date(2028, 3, 31), reason="Reorganisation"
)


def test_a_variation_runs_through_the_same_consent_flow() -> None:
    state = run(VARY, state=made())
    assert (state.question, state.revision, state.words) == (Question.VARIATION, 2, {})
    state = run(*all_consent(revision=2)[:-1], refuse(OFFICE, revision=2), state=state)
    assert state.blocked and state.purposes == ("reducing_crime_and_disorder",)
    state = run(office_consent(revision=2), state=state)
    assert state.question is None and state.status == mergers.MADE
    assert state.purposes == ("reducing_crime_and_disorder", "combating_substance_misuse")


def test_a_termination_needs_every_party_and_ends_the_agreement() -> None:
    state = run(TERMINATE, *all_consent(revision=2), state=made())
    assert state.status == mergers.TERMINATED
    assert refused(VARY, mergers.NotMade, state).code == "merger.not_made"


def test_only_a_made_agreement_can_be_varied_or_terminated() -> None:
    assert refused(VARY, mergers.NotMade, run(PROPOSE)).code == "merger.not_made"
    assert refused(TERMINATE, mergers.NotMade, run(PROPOSE)).code == "merger.not_made"


def test_one_change_is_before_the_parties_at_a_time() -> None:
    state = run(VARY, state=made())
    assert refused(TERMINATE, mergers.ChangePending, state).code == "merger.change_pending"


def test_withdrawing_a_change_leaves_the_agreement_as_it_was() -> None:
    drop = cmd.WithdrawMergerChange(merger_id="m1", by_organisation=OFFICE, reason="Not now")
    state = run(VARY, consent("melton-council", revision=2), drop, state=made())
    assert state.question is None and state.status == mergers.MADE
    assert state.purposes == ("reducing_crime_and_disorder",)
    assert refused(drop, mergers.NoChangePending, state).code == "merger.no_change_pending"


def test_a_variation_keeps_a_lawful_purpose_and_a_termination_a_future_date() -> None:
    no_purpose = VARY.model_copy(update={"purposes": []})
    assert refused(no_purpose, mergers.NoPurpose, made()).code == "merger.no_purpose"
    past = TERMINATE.model_copy(update={"ends_on": date(2026, 1, 1)})
    assert refused(past, mergers.EndsInPast, made()).code == "merger.ends_in_past"


# -- taking effect -----------------------------------------------------------------------------


EFFECT = cmd.TakeMergerEffect(merger_id="m1", effective_date=date(2027, 4, 1))


def test_the_merger_takes_effect_on_its_date_and_only_once() -> None:
    before = datetime(2027, 3, 31, 22, 59, tzinfo=UTC)  # 23:59 BST on 31 March
    on_the_day = datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # midnight BST on 1 April
    assert MERGER.decide(made(), EFFECT, before) == []
    state, events = MERGER.execute(made(), EFFECT, on_the_day)
    assert [event_type_of(e) for e in events] == ["merger.took_effect"]
    assert events[0].ended_csps == ["melton-csp", "harborough-csp"]  # type: ignore[attr-defined]
    assert state.status == mergers.IN_EFFECT
    assert "csp-melton-harborough-csp" in MERGER.visible_in(state)
    assert MERGER.decide(state, EFFECT, on_the_day) == []


def test_a_job_for_another_date_or_an_unmade_agreement_does_nothing() -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    other_day = EFFECT.model_copy(update={"effective_date": date(2027, 1, 1)})
    assert MERGER.decide(made(), other_day, later) == []
    assert MERGER.decide(run(PROPOSE), EFFECT, later) == []
    terminated = run(TERMINATE, *all_consent(revision=2), state=made())
    assert MERGER.decide(terminated, EFFECT, later) == []
    assert MERGER.decide(MERGER.initial(), EFFECT, later) == []


def test_a_merger_whose_date_has_passed_takes_effect_at_once() -> None:
    past = PROPOSE.model_copy(update={"effective_date": date(2015, 4, 1)})
    state = run(past, *all_consent())
    effect = EFFECT.model_copy(update={"effective_date": date(2015, 4, 1)})
    assert [event_type_of(e) for e in MERGER.decide(state, effect, NOW)] == [
        "merger.took_effect"
    ]


def test_every_error_has_its_own_merger_code() -> None:
    codes = [error.code for error in mergers.ERRORS]
    assert len(codes) == len(set(codes))
    assert all(code.startswith("merger.") for code in codes)
    assert all(error.status in (403, 404, 409, 422) for error in mergers.ERRORS)


# -- what a page offers ------------------------------------------------------------------------


def _every_action(revision: int) -> list[Command]:
    return [
        cmd.ReviseMergerProposal(**PROPOSE.model_dump()),
        cmd.WithdrawMergerProposal(merger_id="m1", by_organisation=OFFICE, reason="No"),
        consent("llr-icb", revision), refuse("llr-icb", revision), withdraw("llr-icb", revision),
        VARY, TERMINATE,
        cmd.WithdrawMergerChange(merger_id="m1", by_organisation=OFFICE, reason="Not now"),
    ]


@pytest.mark.parametrize(("name", "state"), [
    ("proposed", lambda: run(PROPOSE)),
    ("consented", lambda: run(PROPOSE, consent("llr-icb"))),
    ("made", made),
    ("variation before the parties", lambda: run(VARY, state=made())),
    ("withdrawn", lambda: run(PROPOSE, cmd.WithdrawMergerProposal(
        merger_id="m1", by_organisation=OFFICE, reason="No"))),
])
def test_a_page_never_hides_an_action_the_state_accepts(name: str, state: Any) -> None:
    merger = state()
    assert MERGER.open_to is not None
    for command in _every_action(merger.revision):
        offered = MERGER.open_to(merger, command.by_organisation, NOW)  # type: ignore[attr-defined]
        if accepts(MERGER, merger, command, NOW):
            assert type(command) in offered, f"{type(command).__name__} was hidden in {name}"
    if merger.status == mergers.WITHDRAWN:
        assert MERGER.open_to(merger, OFFICE, NOW) == frozenset(), "nothing is left to do"


def test_a_cross_force_combination_registers_the_combined_csp_in_each_police_area() -> None:
    from hub.handlers.mergers import ConstituentNow, effect_plan
    from schemas.commands.directory import RegisterCsp

    steps = effect_plan(
        merger_id="m1", area_id="leicestershire", area_ids=("leicestershire", "nottinghamshire"),
        name="Melton and Rushcliffe", combined_csp_id="melton-rushcliffe",
        effective_date=date(2027, 4, 1),
        constituents=[
            ConstituentNow("melton-csp", ("melton",), ("melton-council",)),
            ConstituentNow("rushcliffe-csp", ("rushcliffe",), ("rushcliffe-council",)),
        ],
    )
    [register] = [s.command for s in steps if isinstance(s.command, RegisterCsp)]
    assert register.area_id == "leicestershire"
    assert register.other_area_ids == ["nottinghamshire"]


# -- termination taking effect -----------------------------------------------------------------


END = cmd.TakeTerminationEffect(merger_id="m1", ends_on=date(2028, 3, 31))


def _terminated_in_effect() -> Merger:
    in_effect = run(EFFECT, state=made(), now=datetime(2027, 4, 1, 9, tzinfo=UTC))
    return run(TERMINATE, *all_consent(revision=2), state=in_effect,
               now=datetime(2027, 6, 1, 9, tzinfo=UTC))


def test_terminating_a_combination_agreement_takes_effect_on_its_date() -> None:
    state = _terminated_in_effect()
    eve = datetime(2028, 3, 30, 22, 59, tzinfo=UTC)  # 23:59 BST on 30 March
    on_the_day = datetime(2028, 3, 30, 23, 0, tzinfo=UTC)  # midnight BST on 31 March
    assert MERGER.decide(state, END, eve) == []
    ended, [event] = MERGER.execute(state, END, on_the_day)
    assert event_type_of(event) == "merger.termination_took_effect"
    assert isinstance(event, mev.MergerTerminationTookEffect)
    assert (event.combined_csp_id, event.ends_on) == ("melton-harborough-csp", date(2028, 3, 31))
    # A CSP is re-registered for each local government area, with its own authorities.
    assert [(c.name, c.local_government_areas, c.responsible_authorities)
            for c in event.successors] == [
        ("melton-csp partnership", ["Melton"], ["melton-council", *COMMON]),
        ("harborough-csp partnership", ["Harborough"], ["harborough-council", *COMMON]),
    ]
    assert {c.csp_id for c in event.successors}.isdisjoint({"melton-csp", "harborough-csp"})
    assert ended.status == mergers.ENDED
    assert MERGER.decide(ended, END, on_the_day) == [], "it takes effect once"


def test_a_termination_job_for_another_date_or_an_agreement_never_in_effect_does_nothing() -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    other_day = END.model_copy(update={"ends_on": date(2028, 1, 1)})
    assert MERGER.decide(_terminated_in_effect(), other_day, later) == []
    never_in_effect = run(TERMINATE, *all_consent(revision=2), state=made())
    assert MERGER.decide(never_in_effect, END, later) == []
    assert MERGER.decide(made(), END, later) == []


def test_the_termination_plan_ends_the_combined_csp_and_re_registers_each_area() -> None:
    from hub.handlers.mergers import termination_plan
    from schemas.commands import directory as dcmd

    [event] = MERGER.decide(_terminated_in_effect(), END, datetime(2028, 4, 1, tzinfo=UTC))
    assert isinstance(event, mev.MergerTerminationTookEffect)
    steps = termination_plan(event, combined_members=("leicestershire-opcc", "melton-council",
                                                       "leicestershire-police"),
                             offices={"leicestershire": OFFICE})
    commands = [s.command for s in steps]
    registered = [c for c in commands if isinstance(c, dcmd.RegisterCsp)]
    assert [(c.csp_id, c.valid_from) for c in registered] == [
        (s.csp_id, date(2028, 3, 31)) for s in event.successors
    ]
    [ended] = [c for c in commands if isinstance(c, dcmd.EndCsp)]
    assert (ended.csp_id, ended.valid_to) == ("melton-harborough-csp", date(2028, 3, 30))
    spaces = [c for c in commands if isinstance(c, dcmd.CreateWorkspace)]
    assert spaces[0].members == [OFFICE, "melton-council", "leicestershire-police"]
    assert spaces[0].linked_from == ["csp-melton-harborough-csp"]
    assert isinstance(commands[-1], cmd.TakeTerminationEffect)
    assert len({s.idempotency_key for s in steps}) == len(steps)


# -- ending with the combined CSP, by law ------------------------------------------------------


ENDED_BY_LAW = cmd.EndWithCombinedCsp(
    merger_id="m1", combined_csp_id="melton-harborough-csp", csp_ended_on=date(2028, 3, 31),
    succeeded_by="leicestershire-council-csp", council_id="leicestershire-council",
    change_id="change-2028-04-01-abc",
)


def test_an_agreement_ends_with_its_combined_csp_when_a_reorganisation_ends_it() -> None:
    in_effect = run(EFFECT, state=made(), now=datetime(2027, 4, 1, 9, tzinfo=UTC))
    ended, [event] = MERGER.execute(in_effect, ENDED_BY_LAW, NOW)
    assert isinstance(event, mev.MergerEndedWithCombinedCsp)
    committed_schema_accepts("merger.combined_csp_ended", event.model_dump(mode="json"))
    assert (event.csp_ended_on, event.succeeded_by, event.council_id) == (
        date(2028, 3, 31), "leicestershire-council-csp", "leicestershire-council")
    assert ended.status == mergers.ENDED_WITH_CSP
    assert MERGER.open_to is not None and MERGER.open_to(ended, OFFICE, NOW) == frozenset()
    assert MERGER.decide(ended, ENDED_BY_LAW, NOW) == [], "it ends once"
    # A termination agreed for a later date has nothing left to end.
    terminated = run(ENDED_BY_LAW, state=_terminated_in_effect())
    assert terminated.status == mergers.ENDED_WITH_CSP
    assert MERGER.decide(terminated, END, datetime(2028, 4, 1, tzinfo=UTC)) == []


def test_an_agreement_not_in_effect_or_of_another_csp_does_not_end_with_it() -> None:
    assert MERGER.decide(made(), ENDED_BY_LAW, NOW) == []
    in_effect = run(EFFECT, state=made(), now=datetime(2027, 4, 1, 9, tzinfo=UTC))
    other = ENDED_BY_LAW.model_copy(update={"combined_csp_id": "safer-rutland"})
    assert MERGER.decide(in_effect, other, NOW) == []
    refused(ENDED_BY_LAW, mergers.MergerNotFound)


def test_duty_records_pass_to_the_combined_csp_and_back_to_the_csp_their_body_sits_on() -> None:
    from hub.domain.duties import Keeper, OpenDuty
    from hub.handlers.mergers import ConstituentNow, effect_plan, termination_plan
    from schemas.commands import duties as dcmd

    melton = OpenDuty("priority", "p-melton", Keeper("melton-council", "melton-csp"))
    steps = effect_plan(
        merger_id="m1", area_id="leicestershire", area_ids=("leicestershire",),
        name="Melton and Harborough", combined_csp_id="melton-harborough-csp",
        effective_date=date(2027, 4, 1), open_duties=[melton],
        constituents=[ConstituentNow("melton-csp", ("Melton",), ("melton-council",)),
                      ConstituentNow("harborough-csp", ("Harborough",), ("harborough-council",))],
    )
    [combined] = [s.command for s in steps if isinstance(s.command, dcmd.PassPriorityOn)]
    assert [(c.csp_id, c.succeeded_by) for c in combined.csps] == [
        ("melton-csp", "melton-harborough-csp")]
    assert isinstance(steps[-1].command, cmd.TakeMergerEffect), "before the effect is recorded"

    [event] = MERGER.decide(_terminated_in_effect(), END, datetime(2028, 4, 1, tzinfo=UTC))
    assert isinstance(event, mev.MergerTerminationTookEffect)
    kept = [OpenDuty("priority", "p-melton", Keeper("melton-council", "melton-harborough-csp")),
            OpenDuty("priority", "p-newcomer", Keeper("new-icb", "melton-harborough-csp"))]
    steps = termination_plan(event, combined_members=(), offices={}, open_duties=kept)
    passing = {s.key: s.command for s in steps if isinstance(s.command, dcmd.PassPriorityOn)}
    # Melton's goes to Melton's re-registered CSP; a body on none keeps its record where it is.
    assert set(passing) == {"p-melton"}
    assert [c.succeeded_by for c in passing["p-melton"].csps] == [event.successors[0].csp_id]
    assert isinstance(steps[-1].command, cmd.TakeTerminationEffect)
