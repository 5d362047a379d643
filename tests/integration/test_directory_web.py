"""The directory through the real app: bad input is a clear 422 (API) or an error summary
(page); another area's records never leak; the office keeps its own area's directory."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.settings import public_url
from tests.web import client_of, csrf_of, followed, sign_in

LEICS_OPCC = "opcc@leicestershire.example.org"
DP_OPCC = "opcc@dyfed-powys.example.org"
DP_COUNCIL = "council@carmarthenshire.example.org"

ORGANISATION = {
    "name": "Leicester Community Trust", "kind": "voluntary", "area_ids": ["leicestershire"],
}
CSP = {
    "name": "New Partnership", "area_id": "leicestershire",
    "local_government_areas": ["Leicester"], "responsible_authorities": ["leicestershire-police"],
    "valid_from": "2026-04-01",
}


@pytest.fixture
def client(demo_hub: Hub) -> TestClient:
    return client_of(demo_hub)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/organisations", {**ORGANISATION, "kind": "guild"}, "kind"),
        ("/api/organisations", {**ORGANISATION, "name": "N" * 201}, "name"),
        ("/api/csps", {**CSP, "local_government_areas": []}, "local_government_areas"),
        ("/api/csps", {**CSP, "name": "N" * 201}, "name"),
        ("/api/invitations", {"email": "not-an-email"}, "email"),
        ("/api/invitations", {"email": "someone@"}, "email"),
    ],
    ids=["unknown-kind", "overlong-org-name", "csp-without-area", "overlong-csp-name",
         "malformed-email", "truncated-email"],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client: TestClient, demo_hub: Hub, path: str, body: dict[str, object], field: str
) -> None:
    sign_in(client, LEICS_OPCC)
    head = demo_hub.store.head_position()
    answer = client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "request.invalid"
    assert field in {e["field"] for e in problem["errors"]}
    assert demo_hub.store.head_position() == head


def test_a_body_that_is_not_json_is_a_422(client: TestClient) -> None:
    sign_in(client, LEICS_OPCC)
    answer = client.post(
        "/api/organisations", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "request.invalid"


def test_the_office_registers_an_organisation_in_its_area(client: TestClient) -> None:
    sign_in(client, LEICS_OPCC)
    answer = client.post("/api/organisations", json=ORGANISATION)
    assert answer.status_code == 201, answer.text
    assert answer.json()["events"][0]["type"] == "organisation.registered"
    names = {o["name"] for o in client.get("/api/organisations").json()["items"]}
    assert "Leicester Community Trust" in names


def test_only_the_policing_body_office_keeps_the_directory(client: TestClient) -> None:
    sign_in(client, "city@leicester.example.org")
    answer = client.post("/api/organisations", json=ORGANISATION)
    assert answer.status_code == 403 and answer.json()["code"] == "access.not_policing_body"


def test_another_areas_office_gets_a_404_not_a_403(client: TestClient) -> None:
    sign_in(client, DP_OPCC)
    answer = client.post("/api/csps", json=CSP)
    assert answer.status_code == 404 and answer.json()["code"] == "record.not_found"


@pytest.mark.parametrize(
    ("path", "form", "field", "message"),
    [
        ("/admin/organisations/new", {"name": "Trust", "kind": "guild"}, "kind",
         "Select the kind of organisation"),
        ("/admin/organisations/new", {"name": "N" * 201, "kind": "voluntary"}, "name",
         "Name must be 200 characters or fewer"),
        ("/admin/csps/new", {"name": "New CSP", "local_government_areas": "",
                             "responsible_authorities": "leicestershire-police",
                             "valid_from": "2026-04-01"},
         "local_government_areas", "Enter at least one local government area"),
        ("/admin/users", {"email": "not-an-email", "role": "member"}, "email",
         "Enter an email address in the correct format"),
    ],
    ids=["unknown-kind", "overlong-name", "csp-without-area", "malformed-email"],
)
def test_bad_input_on_a_page_shows_an_error_summary_and_the_error_beside_the_field(
    client: TestClient, demo_hub: Hub, path: str, form: dict[str, str], field: str, message: str
) -> None:
    csrf = sign_in(client, LEICS_OPCC)
    head = demo_hub.store.head_position()
    page = followed(client, client.post(path, data={**form, "csrf_token": csrf}))
    assert page.status_code == 400
    html = page.text
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert f'href="#{field}"' in html, "the summary must link to the field"
    assert message in html
    assert f'id="{field}-error"' in html, "the error must sit beside the field"
    assert "<title>Error:" in html
    assert demo_hub.store.head_position() == head


def test_a_form_keeps_what_was_typed_after_an_error(client: TestClient) -> None:
    csrf = sign_in(client, LEICS_OPCC)
    page = followed(client, client.post(
        "/admin/organisations/new", data={"name": "Trust & Co", "kind": "", "csrf_token": csrf}
    ))
    assert 'value="Trust &amp; Co"' in page.text
    assert csrf_of(page.text) == csrf


def test_another_areas_records_appear_in_no_list_feed_or_page(
    client: TestClient, demo_hub: Hub
) -> None:
    sign_in(client, DP_COUNCIL)
    me = client.get("/api/me").json()
    assert me["area_ids"] == ["dyfed-powys"]
    assert me["workspaces"] and all("leic" not in w for w in me["workspaces"])
    for path in ("/api/workspaces", "/api/organisations", "/api/csps", "/api/areas"):
        body = client.get(path).text
        assert "leicester" not in body.lower(), path
    feed = client.get("/api/events?limit=500").json()
    assert feed["events"], "the Dyfed-Powys council should see its own area's events"
    assert all("leic" not in str(e).lower() for e in feed["events"])
    for path in ("/api/workspaces/csp-safer-leicester", "/workspaces/csp-safer-leicester",
                 "/api/workspaces/area-leicestershire", "/workspaces/no-such-thing"):
        assert client.get(path).status_code == 404, path
    # Its own workspace is there.
    assert client.get("/workspaces/csp-carmarthenshire-csp").status_code == 200


def test_the_event_feed_pages_by_position_without_repeats(
    client: TestClient, demo_hub: Hub
) -> None:
    sign_in(client, "city@leicester.example.org")
    seen: list[str] = []
    after = "0"
    while True:
        page = client.get(f"/api/events?after={after}&limit=7").json()
        if not page["events"]:
            break
        seen.extend(e["position"] for e in page["events"])
        after = page["next_after"]
    # The cursors say nothing of the order themselves; inside, the positions rise.
    positions = [demo_hub.cursors.position(cursor) for cursor in seen]
    assert positions == sorted(set(positions)) and len(seen) > 7
    everything = client.get("/api/events?limit=500").json()["events"]
    assert [e["position"] for e in everything] == seen
    first = everything[0]
    assert first["specversion"] == "1.0" and first["dataschema"].startswith(f"{public_url()}/")


@pytest.mark.parametrize(
    "query", ["after=-1", "after=x", "after=5", "limit=0", "limit=100000"]
)
def test_a_malformed_feed_query_is_a_400(client: TestClient, query: str) -> None:
    sign_in(client, "city@leicester.example.org")
    answer = client.get(f"/api/events?{query}")
    assert answer.status_code == 400 and answer.json()["code"] == "request.bad_query"


def test_the_office_pages_answer_another_areas_names_and_emails_as_unknown_ones(
    client: TestClient, demo_hub: Hub
) -> None:
    # Ids made from names collided with another area's records, and an email with an account
    # in another area was refused: both told the office what existed there.
    csrf = sign_in(client, LEICS_OPCC)
    for name in ("Dyfed-Powys Police", "Nowhere Constabulary"):
        answer = client.post("/admin/organisations/new", data={
            "name": name, "kind": "police_force", "csrf_token": csrf,
        })
        assert answer.status_code == 303, answer.text
    for name in ("Carmarthenshire CSP", "Nowhere CSP"):
        answer = client.post("/admin/csps/new", data={
            "name": name, "local_government_areas": "Blaby", "valid_from": "2026-04-01",
            "responsible_authorities": "leicestershire-police", "csrf_token": csrf,
        })
        assert answer.status_code == 303, answer.text
    organisations = {o["name"]: o["organisation_id"]
                     for o in client.get("/api/organisations").json()["items"]}
    csps = {c["name"]: c["csp_id"] for c in client.get("/api/csps").json()["items"]}
    assert organisations["Dyfed-Powys Police"] != "dyfed-powys-police"
    assert "Nowhere Constabulary" in organisations
    assert csps["Carmarthenshire CSP"] != "carmarthenshire-csp" and "Nowhere CSP" in csps
    # A Leicestershire authority the office does not have: the answer a made-up one gets.
    refused = [followed(client, client.post("/admin/csps/new", data={
        "name": "Cross-border CSP", "local_government_areas": "Blaby",
        "valid_from": "2026-04-01", "responsible_authorities": other, "csrf_token": csrf,
    })) for other in ("dyfed-powys-police", "no-such-police")]
    assert [r.status_code for r in refused] == [400, 400]
    assert refused[0].text.count("Select responsible authorities from the list") == \
        refused[1].text.count("Select responsible authorities from the list") > 0

    invited = [followed(client, client.post("/admin/users", data={
        "email": email, "role": "member", "csrf_token": csrf,
    })) for email in (DP_COUNCIL, "nobody@nowhere.example.org")]
    assert [i.status_code for i in invited] == [200, 200]
    assert all("govuk-error-summary" not in i.text for i in invited)
    assert all(email in i.text for i, email in zip(
        invited, (DP_COUNCIL, "nobody@nowhere.example.org"), strict=True
    ))
