"""Property: the agreement is made if and only if every party's latest word is consent.

Hypothesis drives random sequences of consents, refusals, withdrawals of consent (by parties
in the hub and, for the Home Secretary, entered by the office), revisions and stale words on a
cross-force proposal. A simple model predicts which commands the decider accepts; after every
step the agreement must be made exactly when each party's latest word is consent, and every
command accepted was one a page offered (``open_to``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from hub.domain import mergers
from hub.domain.errors import DomainError
from hub.domain.mergers import MERGER
from schemas.commands import Command
from schemas.commands import mergers as cmd
from schemas.events.mergers import HOME_SECRETARY

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SIGNATURE: dict[str, Any] = {
    "signatory": "A. Person", "signatory_role": "Director", "signed_on": date(2026, 11, 1),
    "document": {"title": "Agreement", "reference": "ref-1"},
}


def _csp(csp_id: str, area: str, authorities: list[str]) -> cmd.CspFacts:
    return cmd.CspFacts(
        csp_id=csp_id, name=csp_id, area_id=area, country="england",
        local_government_areas=[csp_id], responsible_authorities=authorities,
    )


PROPOSE = cmd.ProposeMerger(
    merger_id="m", by_organisation="leics-opcc", area_id="leics",
    constituents=[
        _csp("melton-csp", "leics", ["melton-council", "leics-police"]),
        _csp("rushcliffe-csp", "notts", ["rushcliffe-council", "notts-police"]),
    ],
    purposes=["reducing_reoffending"], proposed_name="Vale CSP", combined_csp_id="vale-csp",
    effective_date=date(2027, 4, 1), cooperation_arrangements="Joint board",
    policing_bodies=[
        cmd.PolicingBodyFact(area_id="leics", organisation_id="leics-opcc"),
        cmd.PolicingBodyFact(area_id="notts", organisation_id="notts-opcc"),
    ],
)
# Each party, and how it gives its word: (acting organisation, areas it holds, external?).
ACTORS = {
    "melton-council": ("melton-council", [], False),
    "leics-police": ("leics-police", [], False),
    "rushcliffe-council": ("rushcliffe-council", [], False),
    "notts-police": ("notts-police", [], False),
    "policing-body-leics": ("leics-opcc", ["leics"], False),
    "policing-body-notts": ("notts-opcc", ["notts"], False),
    HOME_SECRETARY: ("leics-opcc", [], True),
}
PARTIES = list(ACTORS)


def _word(party: str, word: str, revision: int) -> Command:
    org, held, external = ACTORS[party]
    if external:
        common: dict[str, Any] = {"merger_id": "m", "by_organisation": org, "party_id": party,
                  "revision": revision}
        if word == "consent":
            return cmd.RecordExternalConsent(**common, **SIGNATURE)
        if word == "refuse":
            return cmd.RecordExternalRefusal(**common, reason="No")
        return cmd.RecordExternalConsentWithdrawal(**common)
    own: dict[str, Any] = {"merger_id": "m", "by_organisation": org, "revision": revision,
           "policing_body_of": held}
    if word == "consent":
        return cmd.ConsentToMerger(**own, **SIGNATURE)
    if word == "refuse":
        return cmd.RefuseMerger(**own, reason="No")
    return cmd.WithdrawMergerConsent(**own)


WORDS = st.sampled_from(["consent"] * 12 + ["refuse"] * 2 + ["withdraw"] * 2 + ["revise"])
STALE = st.sampled_from([False] * 9 + [True])


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, str, bool]]:
    """Rounds in which every party, in a random order, gives a random word (mostly consent).

    Now and then the office revises instead, and one word in ten is given on the previous
    revision. Rounds make it likely that every party has spoken, so both outcomes are common.
    """
    sequence: list[tuple[str, str, bool]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        for party in draw(st.permutations(PARTIES)):
            sequence.append((party, draw(WORDS), draw(STALE)))
    return sequence


@settings(max_examples=300, deadline=None)
@given(steps())
def test_made_if_and_only_if_every_partys_latest_word_is_consent(
    sequence: list[tuple[str, str, bool]],
) -> None:
    state = MERGER.fold([])
    state, _ = MERGER.execute(state, PROPOSE, NOW)
    assert [p.party_id for p in state.parties] == PARTIES
    latest: dict[str, str] = {}
    revision, made = 1, False
    for party, word, stale in sequence:
        if word == "revise":
            command: Command = cmd.ReviseMergerProposal(**PROPOSE.model_dump())
            accepted = not made
        else:
            used = revision - 1 if stale and revision > 1 else revision
            command = _word(party, word, used)
            current = latest.get(party)
            accepted = not made and used == revision and {
                "consent": current != "consent",
                "refuse": current != "refuse",
                "withdraw": current == "consent",
            }[word]
        assert MERGER.open_to is not None
        offered = MERGER.open_to(state, command.by_organisation, NOW)  # type: ignore[attr-defined]
        try:
            state, _ = MERGER.execute(state, command, NOW)
        except DomainError:
            assert not accepted, f"{type(command).__name__} by {party} was wrongly refused"
            continue
        assert accepted, f"{type(command).__name__} by {party} was wrongly accepted"
        assert type(command) in offered, f"{type(command).__name__} was accepted, not offered"
        if word == "revise":
            latest, revision = {}, revision + 1
        else:
            latest[party] = word
        made = all(latest.get(p) == "consent" for p in PARTIES)
        assert (state.status == mergers.MADE) == made
        assert state.blocked == (not made and "refuse" in latest.values())
    event("made" if made else "not made")
