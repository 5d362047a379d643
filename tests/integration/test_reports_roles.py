"""Report requests through the handlers on SQLite and PostgreSQL: who may do what, conflicts,
coded refusals, read models, published schemas, and governance passing to a successor."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.access.policy import SYSTEM, Actor
from hub.attachments import AttachmentNotFound, AttachmentStore
from hub.bootstrap import Hub
from hub.domain import directory, reports
from hub.domain.errors import DomainError, NotFound
from hub.events import ConcurrencyConflict
from hub.events.envelope import RecordedEvent
from hub.handlers import reports as handlers
from hub.service import handle
from schemas.commands import directory as directory_cmd
from schemas.generate import JSON_DIR
from schemas.registry import spec
from tests.conftest import DemoCopy, HubFactory

LEICS, DP = "leicestershire", "dyfed-powys"
FORMAL: dict[str, Any] = {
    "kind": "formal",
    "not_satisfied_reasons": "The strategy has not been refreshed since 2023.",
    "proportionate_reasons": "A short report from existing data is proportionate.",
    "s6_functions_confirmed": True,
}


def actor(organisation: str, area: str, role: str = "member") -> Actor:
    return Actor(
        user_id=f"user-of-{organisation}", organisation_id=organisation, role=role,
        area_ids=frozenset({area}),
    )


OPCC = actor("leicestershire-opcc", LEICS)
CITY_ORG, POLICE_ORG = "leicester-city-council", "leicestershire-police"
CITY = actor(CITY_ORG, LEICS)  # a responsible authority of Safer Leicester
POLICE = actor(POLICE_ORG, LEICS)  # on every Leicestershire CSP
RUTLAND = actor("rutland-county-council", LEICS)  # a council of another CSP
DP_OPCC = actor("dyfed-powys-opcc", DP)
POWYS = actor("powys-council", DP)
OPCC_VIEWER = actor("leicestershire-opcc", LEICS, role="viewer")
NO_FILES = AttachmentStore(Path("unused-attachments"))
"""For submissions without attachments: nothing is read from or written to it."""


@pytest.fixture
def demo_hub(make_hub: HubFactory, demo_copy: DemoCopy) -> Hub:
    """A hub with the demo's directory loaded."""
    return make_hub(database_url=demo_copy(records=False))


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


def assert_valid_against_published_schema(events: list[RecordedEvent]) -> None:
    """Every event validates against its committed JSON Schema file."""
    for event in events:
        path = JSON_DIR / f"{event.type}.v{event.schema_version}.json"
        schema = json.loads(path.read_text())
        try:
            import jsonschema
        except ImportError:  # the fallback the house conventions allow
            spec(event.type).model.model_validate(event.data)
        else:
            jsonschema.Draft202012Validator(schema).validate(event.data)


def require(hub: Hub, who: Actor = OPCC, csp_id: str = "safer-leicester", **fields: Any) -> str:
    fields = {"kind": "informal", "title": "Night-time economy", "matters": "Violence", **fields}
    return handlers.require_report(hub, who, csp_id=csp_id, **fields).id


def row(hub: Hub, request_id: str) -> dict[str, Any]:
    return handlers.get_report_request(hub, request_id, workspace_ids=None)


def history(hub: Hub, request_id: str) -> list[RecordedEvent]:
    return handlers.report_history(hub, request_id)


def test_a_formal_request_runs_its_whole_lifecycle(demo_hub: Hub, store: AttachmentStore) -> None:
    hub = demo_hub
    today = reports.london_date(hub.clock())
    key = require(hub, **FORMAL, specified_form="Ten pages")
    assert row(hub, key)["due_on"] == today + timedelta(weeks=8)  # the default
    assert row(hub, key)["status"] == "required"

    handlers.acknowledge_report(hub, CITY, key, expected_version=1)
    asked = today + timedelta(weeks=10)
    handlers.request_extension(hub, CITY, key, requested_due_on=asked, reason="Analyst away")
    assert row(hub, key)["status"] == "extension_requested"
    handlers.grant_extension(hub, OPCC, key)
    assert (row(hub, key)["status"], row(hub, key)["due_on"]) == ("acknowledged", asked)

    upload = store.save(b"a,b\n1,2\n", name="data.csv", media_type="text/csv",
                        organisation_id=CITY_ORG)
    handlers.submit_report(
        hub, CITY, key, text="Our report", attachments=store,
        attachment_ids=[upload.ref.attachment_id],
    )
    handlers.return_report(hub, OPCC, key, reason="Add repeat victims")
    handlers.submit_report(
        hub, CITY, key, text="Our report, with repeat victims", attachments=store,
        resubmission=True,
    )
    handlers.accept_report(hub, OPCC, key)
    handlers.publish_report(hub, OPCC, key, published_on=today, location="https://opcc/r/1")
    result = handlers.close_report(hub, OPCC, key)

    final = row(hub, key)
    assert final["status"] == "closed" and final["version"] == result.version == 10
    assert (final["published_on"], final["publication_location"]) == (today, "https://opcc/r/1")
    assert final["attachments"][0]["sha256"] == upload.ref.sha256
    assert {a["organisation_id"] for a in final["authorities"] if a["acknowledged"]} == {
        CITY.organisation_id
    }
    events = history(hub, key)
    assert [e.type.split(".")[1] for e in events] == [
        "required", "acknowledged", "extension_requested", "extension_granted", "submitted",
        "returned", "resubmitted", "accepted", "published", "closed",
    ]
    assert all(set(e.workspaces) == {"area-leicestershire", "csp-safer-leicester"} for e in events)
    assert_valid_against_published_schema(events)
    [found] = handlers.attachment_requests(hub, upload.ref.attachment_id)
    assert (found["request_id"], found["csp_id"]) == (key, "safer-leicester")


def _expect(outcome: tuple[int, str], call: Any, who: Actor | None = None) -> None:
    """``call`` is refused with this HTTP status and code."""
    with pytest.raises(DomainError) as caught:
        call()
    assert (caught.value.status, caught.value.code) == outcome, who


NOT_BODY = (403, "access.not_policing_body")
NOT_ADDRESSED = (403, "report_request.not_addressed_authority")
HIDDEN = (404, "record.not_found")
VIEWER = (403, "access.viewer_cannot_act")


def test_only_the_areas_office_asks_for_a_report(demo_hub: Hub) -> None:
    for who, outcome in (
        (CITY, NOT_BODY), (RUTLAND, NOT_BODY), (DP_OPCC, HIDDEN), (OPCC_VIEWER, VIEWER),
    ):
        _expect(outcome, lambda w=who: require(demo_hub, w), who)
    assert require(demo_hub, OPCC)


AUTHORITY_ACTIONS: dict[str, Any] = {
    "acknowledge": lambda hub, who, key: handlers.acknowledge_report(hub, who, key),
    "ask-extension": lambda hub, who, key: handlers.request_extension(
        hub, who, key, requested_due_on=date(2099, 1, 1), reason="time"
    ),
    "submit": lambda hub, who, key: handlers.submit_report(
        hub, who, key, text="report", attachments=NO_FILES
    ),
}


@pytest.mark.parametrize("action", list(AUTHORITY_ACTIONS))
def test_only_the_authorities_addressed_acknowledge_ask_for_time_or_submit(
    demo_hub: Hub, action: str
) -> None:
    act = AUTHORITY_ACTIONS[action]
    key = require(demo_hub)
    for who, outcome in (
        (RUTLAND, NOT_ADDRESSED), (OPCC, NOT_ADDRESSED), (POWYS, HIDDEN),
        (actor("leicester-city-council", LEICS, "viewer"), VIEWER),
    ):
        _expect(outcome, lambda w=who: act(demo_hub, w, key), who)
    for who in (CITY, POLICE):
        assert act(demo_hub, who, require(demo_hub)).events


def _extension_asked(hub: Hub) -> str:
    key = require(hub, **FORMAL)
    handlers.request_extension(hub, CITY, key, requested_due_on=date(2099, 1, 1), reason="x")
    return key


REQUESTER_ACTIONS: dict[str, Any] = {
    "grant": lambda hub, who, key: handlers.grant_extension(hub, who, key),
    "refuse": lambda hub, who, key: handlers.refuse_extension(hub, who, key, reason="no"),
    "withdraw": lambda hub, who, key: handlers.withdraw_report(hub, who, key),
    "accept": lambda hub, who, key: handlers.accept_report(hub, who, key),
    "return": lambda hub, who, key: handlers.return_report(hub, who, key, reason="more"),
}


@pytest.mark.parametrize("action", list(REQUESTER_ACTIONS))
def test_only_the_requester_answers_extensions_accepts_returns_or_withdraws(
    demo_hub: Hub, action: str
) -> None:
    key = _extension_asked(demo_hub)
    if action in {"accept", "return"}:
        handlers.submit_report(demo_hub, CITY, key, text="r", attachments=NO_FILES)
    act = REQUESTER_ACTIONS[action]
    for who, outcome in ((CITY, NOT_BODY), (RUTLAND, NOT_BODY), (DP_OPCC, HIDDEN)):
        _expect(outcome, lambda w=who: act(demo_hub, w, key), who)
    assert act(demo_hub, OPCC, key).events


def test_only_the_requester_publishes_and_closes(demo_hub: Hub) -> None:
    hub = demo_hub
    key = require(hub, **FORMAL)
    handlers.submit_report(hub, CITY, key, text="r", attachments=NO_FILES)
    handlers.accept_report(hub, OPCC, key)
    today = reports.london_date(hub.clock())
    for who, outcome in ((CITY, NOT_BODY), (DP_OPCC, HIDDEN)):
        _expect(
            outcome,
            lambda w=who: handlers.publish_report(hub, w, key, published_on=today, location="x"),
            who,
        )
        _expect(outcome, lambda w=who: handlers.close_report(hub, w, key), who)
    handlers.publish_report(hub, OPCC, key, published_on=today, location="x")
    assert handlers.close_report(hub, OPCC, key).events


def test_a_returned_formal_report_is_published_without_waiting_for_acceptance(
    demo_hub: Hub,
) -> None:
    # The Specified Information Order's duty attaches to each report submitted under s.7.
    hub = demo_hub
    key = require(hub, **FORMAL, publication_required=True)
    assert row(hub, key)["publication_required"] and row(hub, key)["s6_functions_confirmed"]
    handlers.submit_report(hub, CITY, key, text="r", attachments=NO_FILES)
    today = reports.london_date(hub.clock())
    handlers.return_report(hub, OPCC, key, reason="Add the repeat-victim figures")
    handlers.publish_report(hub, OPCC, key, published_on=today, location="https://opcc/r/1")
    assert (row(hub, key)["status"], row(hub, key)["published_on"]) == ("returned", today)
    handlers.submit_report(hub, CITY, key, text="r2", attachments=NO_FILES, resubmission=True)
    handlers.accept_report(hub, OPCC, key)
    _expect((409, "report_request.publication_required"),
            lambda: handlers.close_report(hub, OPCC, key))
    handlers.publish_report(hub, OPCC, key, published_on=today, location="https://opcc/r/2")
    assert handlers.close_report(hub, OPCC, key).events
    assert row(hub, key)["publication_location"] == "https://opcc/r/2"


def test_a_formal_requirement_confirms_the_matters_relate_to_s6_functions(
    demo_hub: Hub,
) -> None:
    _expect((422, "report_request.s6_confirmation_missing"),
            lambda: require(demo_hub, **{**FORMAL, "s6_functions_confirmed": False}))
    _expect((422, "report_request.informal_not_published"),
            lambda: require(demo_hub, publication_required=True))


def test_a_welsh_request_needs_the_devolved_functions_confirmation(demo_hub: Hub) -> None:
    hub = demo_hub
    _expect(
        (422, "report_request.devolved_confirmation_missing"),
        lambda: require(hub, DP_OPCC, "powys-csp"),
    )
    key = require(hub, DP_OPCC, "powys-csp", devolved_functions_excluded=True)
    assert handlers.acknowledge_report(hub, POWYS, key).events
    _expect(HIDDEN, lambda: handlers.acknowledge_report(hub, CITY, key))


def test_a_stale_expected_version_is_a_conflict(demo_hub: Hub) -> None:
    key = require(demo_hub)
    handlers.acknowledge_report(demo_hub, CITY, key, expected_version=1)
    with pytest.raises(ConcurrencyConflict):
        handlers.acknowledge_report(demo_hub, POLICE, key, expected_version=1)
    assert handlers.acknowledge_report(demo_hub, POLICE, key, expected_version=2).version == 3


def test_a_transition_the_state_does_not_allow_raises_its_coded_error(demo_hub: Hub) -> None:
    hub = demo_hub
    key = require(hub)
    with pytest.raises(reports.NotSubmitted) as not_submitted:
        handlers.accept_report(hub, OPCC, key)
    assert (not_submitted.value.status, not_submitted.value.code) == (
        409, "report_request.not_submitted"
    )
    handlers.submit_report(hub, CITY, key, text="r", attachments=NO_FILES)
    with pytest.raises(reports.AlreadySubmitted):
        handlers.withdraw_report(hub, OPCC, key)
    handlers.accept_report(hub, OPCC, key)
    today = reports.london_date(hub.clock())
    with pytest.raises(reports.InformalNotPublished):
        handlers.publish_report(hub, OPCC, key, published_on=today, location="x")


def test_input_that_breaks_the_schema_is_a_coded_422(demo_hub: Hub) -> None:
    with pytest.raises(reports.InvalidReportInput) as caught:
        require(demo_hub, title="")
    assert caught.value.status == 422 and caught.value.errors[0]["field"] == "title"
    with pytest.raises(NotFound):
        require(demo_hub, csp_id="no-such-csp")


def test_a_retried_request_with_the_same_idempotency_key_is_the_same_request(
    demo_hub: Hub,
) -> None:
    first = handlers.require_report(
        demo_hub, OPCC, csp_id="safer-rutland", kind="informal", title="t", matters="m",
        idempotency_key="form-123",
    )
    again = handlers.require_report(
        demo_hub, OPCC, csp_id="safer-rutland", kind="informal", title="t", matters="m",
        idempotency_key="form-123",
    )
    assert again.id == first.id and again.result.replayed
    assert len(history(demo_hub, first.id)) == 1


def test_a_submission_uses_only_files_its_own_organisation_uploaded(
    demo_hub: Hub, store: AttachmentStore
) -> None:
    key = require(demo_hub)
    police_file = store.save(b"x", name="x.txt", media_type="text/plain",
                             organisation_id=POLICE_ORG)
    with pytest.raises(AttachmentNotFound):
        handlers.submit_report(
            demo_hub, CITY, key, text="r", attachments=store,
            attachment_ids=[police_file.ref.attachment_id],
        )
    assert handlers.attachment_requests(demo_hub, police_file.ref.attachment_id) == []


def test_lists_filter_by_status_csp_due_date_and_authority_and_page(demo_hub: Hub) -> None:
    hub = demo_hub
    today = reports.london_date(hub.clock())
    soon = require(hub, due_on=today + timedelta(days=10))
    later = require(hub, csp_id="safer-rutland", due_on=today + timedelta(days=40))
    submitted = require(hub, csp_id="charnwood-csp", due_on=today + timedelta(days=20))
    handlers.submit_report(hub, POLICE, submitted, text="r", attachments=NO_FILES)
    welsh = require(hub, DP_OPCC, "powys-csp", devolved_functions_excluded=True)

    def ids(**filters: Any) -> list[str]:
        return [r["request_id"] for r in handlers.list_report_requests(hub, **filters).rows]

    leics = {"area-leicestershire"}
    assert ids(workspace_ids=leics) == [soon, submitted, later]
    assert ids(workspace_ids=leics, status=["required"]) == [soon, later]
    assert ids(workspace_ids=leics, csp_id="safer-rutland") == [later]
    assert ids(workspace_ids=leics, due_before=today + timedelta(days=30)) == [soon, submitted]
    assert ids(workspace_ids=leics, addressed_to="rutland-county-council") == [later]
    assert ids(workspace_ids={"csp-safer-rutland"}) == [later]
    assert ids(workspace_ids={"area-dyfed-powys"}) == [welsh]
    assert ids(workspace_ids=set()) == []
    page = handlers.list_report_requests(hub, workspace_ids=leics, limit=2, offset=1)
    assert [r["request_id"] for r in page.rows] == [submitted, later] and page.total == 3
    with pytest.raises(NotFound):
        handlers.get_report_request(hub, welsh, workspace_ids=leics)


def test_after_governance_passes_open_requests_pass_to_the_successor(demo_hub: Hub) -> None:
    hub = demo_hub
    open_key = require(hub)
    handlers.submit_report(hub, CITY, open_key, text="r", attachments=NO_FILES)
    closed_key = require(hub)
    handlers.submit_report(hub, CITY, closed_key, text="r", attachments=NO_FILES)
    handlers.accept_report(hub, OPCC, closed_key)
    handlers.close_report(hub, OPCC, closed_key)

    mayor = "leicestershire-mayor-office"
    handle(hub, directory.ORGANISATION, mayor, directory_cmd.RegisterOrganisation(
        organisation_id=mayor, name="Office of the Mayor of Leicestershire",
        kind="policing_body_office", area_ids=[LEICS], country="england",
    ), SYSTEM)
    on = reports.london_date(hub.clock())
    handle(hub, directory.POLICE_AREA, LEICS, directory_cmd.TransferGovernance(
        area_id=LEICS, to_organisation_id=mayor, kind="mayor", on_date=on,
    ), SYSTEM)

    assert row(hub, open_key)["requester_id"] == mayor
    assert row(hub, closed_key)["requester_id"] == "leicestershire-opcc"
    _expect(NOT_BODY, lambda: handlers.accept_report(hub, OPCC, open_key))
    mayor_staff = actor(mayor, LEICS)
    handlers.return_report(hub, mayor_staff, open_key, reason="More detail")
    handlers.submit_report(
        hub, CITY, open_key, text="r2", attachments=NO_FILES, resubmission=True
    )
    handlers.accept_report(hub, mayor_staff, open_key)
    assert row(hub, open_key)["status"] == "accepted"
    assert [e.data["by_organisation"] for e in history(hub, open_key)[-3:]] == [
        mayor, CITY.organisation_id, mayor,
    ]
    handlers.close_report(hub, mayor_staff, open_key)
    assert row(hub, open_key)["requester_id"] == mayor
    assert row(hub, closed_key)["requester_id"] == "leicestershire-opcc"
    replayed = hub.projections.rebuild(hub.store, progress=False)
    assert replayed and row(hub, closed_key)["requester_id"] == "leicestershire-opcc"
    assert row(hub, open_key)["requester_id"] == mayor
