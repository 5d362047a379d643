"""Page actions are declared, not derived: every API action of a record has a page action
naming its command, and a merger's party actions follow that party's word."""

from __future__ import annotations

from typing import Any

from hub.access.policy import rules
from hub.web.pages.page_actions import MERGER_ACTIONS
from hub.web.pages.record_types import PAGES


def test_every_api_action_of_a_record_is_declared_on_its_page_with_a_ruled_command() -> None:
    for pages in PAGES:
        segments = {a.segment for a in pages.api.actions}
        assert set(pages.actions) == segments, pages.api.collection
        for segment, action in pages.actions.items():
            assert action.command in rules(), f"{pages.api.collection}/{segment}"
            assert action.label and action.done


def _merger(word: str | None, *, external: bool = False) -> dict[str, Any]:
    return {
        "proposer_id": "leicestershire-opcc",
        "parties": [
            {"organisation_id": "leicestershire-opcc", "role": "policing_body", "word": word,
             "external": False},
            {"organisation_id": "blaby-council", "role": "responsible_authority",
             "word": None, "external": False},
            {"organisation_id": None, "role": "policing_body", "word": None,
             "external": external},
        ],
    }


def _open(record: dict[str, Any], organisation_id: str) -> set[str]:
    return {
        segment for segment, action in MERGER_ACTIONS.items()
        if action.offered_to is not None and action.offered_to(record, organisation_id)
    }


def test_the_policing_body_is_offered_consent_as_a_party_until_it_has_consented() -> None:
    office = "leicestershire-opcc"
    assert {"consent", "refusal", "revision", "withdrawal"} <= _open(_merger(None), office)
    assert "consent-withdrawal" not in _open(_merger(None), office)
    consented = _open(_merger("consented"), office)
    assert "consent" not in consented
    assert {"refusal", "consent-withdrawal"} <= consented
    assert "refusal" not in _open(_merger("refused"), office)


def test_an_authority_is_offered_only_its_own_word_and_a_stranger_nothing() -> None:
    assert _open(_merger(None), "blaby-council") == {"consent", "refusal"}
    assert _open(_merger(None, external=True), "leicester-city-council") == set()
    assert "external-consent" in _open(_merger(None, external=True), "leicestershire-opcc")
    assert "external-consent" not in _open(_merger(None), "leicestershire-opcc")
