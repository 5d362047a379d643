"""Search through the real app on both databases: words of titles and text find the caller's
records, never another area's; the read model is rebuilt from the log to the same answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.projections.search import search_entries
from hub.queries.search import search
from tests.web import client_of, signed_in

LEICS = "opcc@leicestershire.example.org"
DYFED = "opcc@dyfed-powys.example.org"


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, LEICS)


def _api(hub: Hub, organisation_id: str) -> TestClient:
    _id, token = hub.accounts.create_client(
        name="search", organisation_id=organisation_id, permissions=[Permission.READ_EVENTS],
        created_by="tests",
    )
    client = client_of(hub)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_the_page_finds_records_by_title_and_text_and_links_to_them(office: TestClient) -> None:
    # "Hate crime action plan" is an agenda item the demo added by amending the board meeting.
    page = office.get("/search", params={"q": "hate crime action"})
    assert page.status_code == 200
    assert 'href="/records/meetings/leicestershire-rutland-board-quarterly"' in page.text
    assert "Safer Communities Strategy Board" in page.text
    assert "Meeting · Starts " in page.text
    # A report request's title, found by the start of a word; its due date in words.
    page = office.get("/search", params={"q": "nigh"})
    assert 'href="/records/report-requests/demo-leicester-required"' in page.text
    assert "Report request · Due " in page.text
    assert 'href="/search"' in office.get("/").text, "the header links to search"


def test_another_areas_records_are_never_found(demo_hub: Hub, office: TestClient) -> None:
    # Both areas have a report request on rural crime: each office finds only its own.
    page = office.get("/search", params={"q": "rural"})
    assert "Rural crime" in page.text
    assert "Rural thefts" not in page.text and "carmarthenshire" not in page.text
    welsh = signed_in(demo_hub, DYFED).get("/search", params={"q": "rural"})
    assert "Rural thefts" in welsh.text and "Rural crime" not in welsh.text
    # Dyfed-Powys's meeting of its community safety leads, searched for from Leicestershire.
    assert "No results for ‘community safety leads’" in office.get(
        "/search", params={"q": "community safety leads"}
    ).text
    found = _api(demo_hub, "leicestershire-opcc").get("/api/search", params={"q": "rural"})
    assert found.status_code == 200
    assert [r["record_id"] for r in found.json()["results"]] == ["demo-rutland-extension"]


def test_the_api_answers_with_records_and_refuses_a_bad_query(demo_hub: Hub) -> None:
    client = _api(demo_hub, "dyfed-powys-opcc")
    found = client.get("/api/search", params={"q": "Rural THEFTS"}).json()
    assert found["results"] == [{
        "record_type": "report_request", "record_id": "demo-carmarthenshire-closed",
        "title": "Rural thefts", "date": found["results"][0]["date"],
        "path": "/records/report-requests/demo-carmarthenshire-closed",
    }]
    for bad in ({}, {"q": ""}, {"q": "?!"}, {"q": "x" * 201}):
        answer = client.get("/api/search", params=bad)
        assert answer.status_code == 400, bad
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "request.bad_query"
    # Query syntax of either database is only ever words to it.
    for odd in ('"rural', "rural*", "rural OR crime", "rural & !crime", "NEAR(rural)", "rural's"):
        assert client.get("/api/search", params={"q": odd}).status_code == 200, odd
    assert "/api/search" in client.get("/openapi.json").json()["paths"]


def test_a_bad_query_is_an_error_beside_the_field(office: TestClient) -> None:
    page = office.get("/search", params={"q": "  "})
    assert page.status_code == 400
    assert 'href="#q"' in page.text and "Enter words to search for" in page.text
    assert office.get("/search", params={"q": "x" * 201}).status_code == 400
    assert office.get("/search").status_code == 200


def test_a_change_is_found_at_once_and_a_rebuild_gives_the_same_index(
    demo_hub: Hub, office: TestClient
) -> None:
    made = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "confirmed": "yes", "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": "Scooter thefts", "matters": "Trends in e-scooter thefts.",
    })
    assert made.status_code == 303, made.text
    record_id = made.headers["location"].rsplit("/", 1)[1]
    hits = search(demo_hub.engine, "scooter", workspace_ids=None)
    assert [h.record_id for h in hits] == [record_id]

    def entries() -> list[tuple[object, ...]]:
        with demo_hub.engine.connect() as conn:
            query = select(search_entries).order_by(search_entries.c.entry_id)
            return [tuple(r) for r in conn.execute(query)]

    before = entries()
    demo_hub.projections.rebuild(demo_hub.store, progress=False)
    assert entries() == before
    assert [h.record_id for h in search(demo_hub.engine, "e-scooter", workspace_ids=None)] == [
        record_id
    ]
