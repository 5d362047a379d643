"""The activity sentences (hub/web/describe.py): one whole sentence per event type, with named
placeholders the describer can always fill (issue 19, "Ready for Welsh")."""

from __future__ import annotations

import pytest

from hub.access.policy import WorkspaceRole
from hub.web.describe import (
    LONGEST_SUBJECT,
    ORGANISATION_FIELDS,
    PHRASES,
    PLACEHOLDERS,
    REFINED,
    SUBJECT_FIELDS,
    TITLE_TABLES,
    phrase_for,
    placeholders,
    shortened,
    subject_in,
)
from schemas.events.meetings import Response
from schemas.registry import all_specs

FIELDS = {spec.name: set(spec.model.model_fields) for spec in all_specs()}


def _sentences() -> list[tuple[str, str]]:
    found = list(PHRASES.items())
    for event_type, (_field, sentences) in REFINED.items():
        found += [(event_type, sentence) for sentence in sentences.values()]
    return found


def test_every_published_event_type_has_a_sentence_and_no_other_does() -> None:
    assert set(PHRASES).isdisjoint(REFINED)
    assert set(PHRASES) | set(REFINED) == set(FIELDS)


def test_a_refined_type_has_a_sentence_for_every_value_of_its_field() -> None:
    assert REFINED["meeting.responded"][0] == "response"
    assert set(REFINED["meeting.responded"][1]) == {r.value for r in Response}
    assert REFINED["workspace.role_assigned"][0] == "role"
    assert set(REFINED["workspace.role_assigned"][1]) == {r.value for r in WorkspaceRole}
    for event_type, (field, _sentences) in REFINED.items():
        assert field in FIELDS[event_type]


def test_the_sentence_of_a_refined_type_follows_its_field() -> None:
    declined = phrase_for("meeting.responded", {"response": "declining"})
    assert declined == "%(who)s declined the meeting “%(subject)s”"
    assert phrase_for("meeting.responded", {"response": "shrugging"}) is None
    assert phrase_for("report_request.acknowledged", {}) == (
        "%(who)s acknowledged the report request “%(subject)s”"
    )
    assert phrase_for("report_request.invented", {}) is None


@pytest.mark.parametrize(("event_type", "sentence"), _sentences())
def test_a_sentence_uses_only_placeholders_the_describer_fills(
    event_type: str, sentence: str
) -> None:
    used = placeholders(sentence)
    assert used <= PLACEHOLDERS, event_type
    # Formats with exactly those names and nothing else: no stray "%", no positional %s.
    assert "%" not in sentence % dict.fromkeys(used, "x"), event_type
    assert sentence[0].isupper() or sentence.startswith("%("), event_type


@pytest.mark.parametrize(("event_type", "sentence"), _sentences())
def test_a_sentence_names_only_what_its_event_lets_the_hub_find(
    event_type: str, sentence: str
) -> None:
    used, fields = placeholders(sentence), FIELDS[event_type]
    record = event_type.partition(".")[0]
    if "subject" in used:
        carried = bool(fields & set(SUBJECT_FIELDS))
        table = TITLE_TABLES.get(record)
        keyed = table is not None and next(iter(table[0].primary_key.columns)).name in fields
        assert carried or keyed, f"{event_type} names a subject the hub cannot find"
    if "organisation" in used:
        assert fields & set(ORGANISATION_FIELDS), event_type
    if "person" in used:
        assert "user_id" in fields, event_type


def test_the_subject_is_the_title_an_event_carries_first() -> None:
    assert subject_in({"title": "Serious violence", "name": "ignored"}) == "Serious violence"
    assert subject_in({"proposed_name": "North Yorkshire CSP"}) == "North Yorkshire CSP"
    assert subject_in({"title": "", "reason": "Not a title"}) is None


def test_a_long_subject_is_cut_short_with_an_ellipsis() -> None:
    assert shortened("Serious violence") == "Serious violence"
    exact = "x" * LONGEST_SUBJECT
    assert shortened(exact) == exact
    cut = shortened("y" * (LONGEST_SUBJECT + 20))
    assert len(cut) == LONGEST_SUBJECT and cut.endswith("…")
