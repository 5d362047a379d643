"""Record forms offer the directory entries a field names (CSPs, areas, organisations,
workspaces) as choices from the caller's own police areas, and read the choices back."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.projections.directory import csps
from hub.queries.mergers import MERGER_QUERIES
from hub.web.pages.directory_choices import ENTRIES
from tests.web import followed, form_values, signed_in
from tests.web import offered_actions as _forms


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return signed_in(demo_hub, "opcc@leicestershire.example.org")


def _boxes(html: str, name: str) -> dict[str, bool]:
    """Each checkbox named ``name``: its value, and whether it is ticked."""
    return {
        value: bool(ticked) for value, ticked in re.findall(
            rf'name="{name}" type="checkbox" value="([^"]+)" (checked)?', html
        )
    }


def _radios(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="([^"]+)"', html)


def _options(html: str, name: str) -> list[str]:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select named {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', found.group(1)) if v]


def _all_csps(demo_hub: Hub) -> set[str]:
    with demo_hub.engine.connect() as conn:
        return set(conn.execute(select(csps.c.csp_id)).scalars())


def test_a_merger_is_proposed_by_ticking_the_areas_csps(
    office: TestClient, demo_hub: Hub
) -> None:
    form = office.get("/records/mergers/new").text
    offered = _boxes(form, "csp_ids")
    assert {"blaby-csp", "charnwood-csp", "safer-leicester"} <= set(offered)
    assert not any(offered.values()), "nothing is ticked on a new form"
    # Only Leicestershire's: the directory holds other areas' CSPs too.
    assert set(offered) < _all_csps(demo_hub)
    assert "blaby-csp" in _options(form, "requested_by_csp")
    assert 'type="checkbox" value="blaby-csp"' in form and "One per line" not in form

    before = MERGER_QUERIES.list(demo_hub, workspace_ids=None, limit=50, offset=0).total
    posted = {
        "csrf_token": office.csrf,  # type: ignore[attr-defined]
        "csp_ids": ["blaby-csp", "charnwood-csp"],
        "purposes": ["reducing_crime_and_disorder"],
        "proposed_name": "",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
        "requested_by_csp": "blaby-csp",
    }
    # Post/redirect/get: the errors and the input come back on a page a reload only reads.
    refused = office.post("/records/mergers/new", data=posted)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/records/mergers/new?kept=")
    shown = office.get(refused.headers["location"])
    assert shown.status_code == 400
    ticked = _boxes(shown.text, "csp_ids")
    assert {k for k, v in ticked.items() if v} == {"blaby-csp", "charnwood-csp"}
    reload = office.get(refused.headers["location"])
    assert reload.status_code == 400 and _boxes(reload.text, "csp_ids") == ticked, (
        "a reload only reads, and shows the same")
    other = signed_in(demo_hub, "opcc@leicestershire.example.org")
    assert other.get(refused.headers["location"]).status_code == 200, (
        "only the session that posted the form gets it back")

    posted["proposed_name"] = "Blaby and Charnwood Community Safety Partnership"
    # Proposing reaches every party: the answers are checked first, by name, with a change
    # link back to each question keeping the input.
    checking = office.post("/records/mergers/new", data=posted)
    assert checking.status_code == 303
    check = office.get(checking.headers["location"])
    assert "Check your answers" in check.text
    assert "Blaby Community Safety Partnership" in check.text and "blaby-csp<" not in check.text
    change = re.search(r'href="(/records/mergers/new\?kept=[^"#]+)#csp_ids"', check.text)
    assert change, "a change link back to the partnerships"
    again = office.get(change.group(1).replace("&amp;", "&")).text
    assert {k for k, v in _boxes(again, "csp_ids").items() if v} == {
        "blaby-csp", "charnwood-csp"}
    assert MERGER_QUERIES.list(demo_hub, workspace_ids=None, limit=50, offset=0).total == before
    carried = form_values(check.text, "check-form")
    assert carried["confirmed"] == ["yes"] and carried["csrf_token"] == [office.csrf]  # type: ignore[attr-defined]
    answer = office.post("/records/mergers/new", data=carried)
    assert answer.status_code == 303, answer.text
    merger_id = answer.headers["location"].rsplit("/", 1)[1]
    record = MERGER_QUERIES.get(demo_hub, merger_id, workspace_ids=None)
    assert record["constituents"] == ["blaby-csp", "charnwood-csp"]


def test_an_arrangements_parties_are_the_areas_criminal_justice_bodies(
    office: TestClient,
) -> None:
    offered = _boxes(office.get("/records/cj-arrangements/new").text, "party_ids")
    assert {"leicestershire-police", "cps-east-midlands", "probation-east-midlands"} <= set(
        offered
    )
    assert "leicester-city-council" not in offered, "a council is not a criminal justice body"


def test_a_meeting_invites_organisations_of_the_area_from_a_list(office: TestClient) -> None:
    form = office.get("/records/meetings/new").text
    assert _radios(form, "kind") == ["reg_14a", "voluntary"]
    assert "Organisations attend if they choose to" in form
    invitees = _options(form, "invitations-0-organisation_id")
    assert {"leicestershire-police", "leicester-city-council", "llr-icb"} <= set(invitees)
    assert not any("carmarthenshire" in o or "dyfed" in o for o in invitees)
    assert _options(form, "area_id") == ["leicestershire"]


def test_every_field_offered_from_the_directory_exists_on_some_form() -> None:
    # A renamed command field would silently fall back to a text box: keep the names honest.
    from hub.web.pages.record_forms import field_names, form_fields
    from hub.web.pages.record_types import PAGES
    from schemas.requests import CallerRequest

    names: set[str] = set()
    for pages in PAGES:
        api = pages.api
        models: list[type[CallerRequest]] = [a.request for a in api.actions]
        if api.create is not None:
            models.append(api.create.request)
        for model in models:
            names |= field_names(form_fields(model))
    assert set(ENTRIES) <= names


def test_a_proposal_is_offered_for_revision_until_it_is_withdrawn(office: TestClient) -> None:
    answer = office.post("/records/mergers/new", data={
        "csrf_token": office.csrf, "confirmed": "yes",  # type: ignore[attr-defined]
        "csp_ids": ["melton-csp", "harborough-csp"], "purposes": ["reducing_reoffending"],
        "proposed_name": "Melton and Harborough Community Safety Partnership",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
    })
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    page = office.get(location).text
    assert {"revision", "withdrawal"} <= _forms(page)
    assert not {"variation", "termination", "change-withdrawal"} & _forms(page), "not made"
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version
    posted = {
        "csrf_token": office.csrf,  # type: ignore[attr-defined]
        "expected_version": version.group(1), "reason": "Partners prefer joint working",
    }
    # Withdrawing cannot be undone: the first post only asks, and changes nothing.
    asking = office.post(location + "/withdrawal", data=posted)
    assert "Partners prefer" not in asking.headers["location"], "the input is not in the URL"
    asked = followed(office, asking)
    assert asked.status_code == 200
    assert "Are you sure you want to withdraw" in office.get(asking.headers["location"]).text, (
        "a reload asks again")
    assert "Are you sure you want to withdraw this proposal?" in asked.text
    assert 'name="reason" value="Partners prefer joint working"' in asked.text
    assert {"revision", "withdrawal"} <= _forms(office.get(location).text)
    withdrawn = office.post(location + "/withdrawal", data={**posted, "confirmed": "yes"})
    assert withdrawn.status_code == 303, withdrawn.text
    assert withdrawn.headers["location"] == location + "?done=withdrawal"
    after = office.get(withdrawn.headers["location"]).text
    assert "You withdrew the proposal" in after
    assert _forms(after) == set() and "What you can do" not in after


def test_a_revision_starts_as_the_proposal_stands_and_posts_back_changed(
    office: TestClient, demo_hub: Hub
) -> None:
    answer = office.post("/records/mergers/new", data={
        "csrf_token": office.csrf, "confirmed": "yes",  # type: ignore[attr-defined]
        "csp_ids": ["melton-csp", "harborough-csp"], "purposes": ["reducing_reoffending"],
        "proposed_name": "Melton and Harborough Community Safety Partnership",
        "effective_date": (date.today() + timedelta(days=200)).isoformat(),
        "cooperation_arrangements": "Joint analyst, hosted by Melton.",
    })
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    drawn = form_values(office.get(location).text, "revision-form")
    assert drawn["csp_ids"] == ["harborough-csp", "melton-csp"] or drawn["csp_ids"] == [
        "melton-csp", "harborough-csp"]
    assert drawn["purposes"] == ["reducing_reoffending"]
    assert drawn["proposed_name"] == ["Melton and Harborough Community Safety Partnership"]
    assert drawn["cooperation_arrangements"] == ["Joint analyst, hosted by Melton."]

    # Change one thing and post the rest back as drawn.
    drawn["proposed_name"] = ["Melton and Harborough Safer Communities Partnership"]
    revised = office.post(location + "/revision", data=drawn)
    assert revised.status_code == 303, revised.text
    merger_id = location.rsplit("/", 1)[1]
    record = MERGER_QUERIES.get(demo_hub, merger_id, workspace_ids=None)
    assert record["proposed_name"] == "Melton and Harborough Safer Communities Partnership"
    assert sorted(record["constituents"]) == ["harborough-csp", "melton-csp"]
    assert record["cooperation_arrangements"] == "Joint analyst, hosted by Melton."
    assert record["revision"] == 2


def test_a_plan_revision_starts_with_its_objectives(office: TestClient, demo_hub: Hub) -> None:
    page = office.get("/records/police-crime-plans/demo-leics-police-crime-plan").text
    drawn = form_values(page, "revise-form")
    assert drawn["title"] == ["Police and Crime Plan 2025-2029"]
    assert drawn["objectives-0-objective_id"] == ["safer-streets"]
    drawn["title"] = ["Police and Crime Plan 2025-2029 (refreshed)"]
    revised = office.post("/records/police-crime-plans/demo-leics-police-crime-plan/revise",
                          data=drawn)
    assert revised.status_code == 303, revised.text
    again = form_values(office.get("/records/police-crime-plans/demo-leics-police-crime-plan")
                        .text, "revise-form")
    assert again["title"] == ["Police and Crime Plan 2025-2029 (refreshed)"]
    assert again["objectives-0-objective_id"] == ["safer-streets"]
    assert {k: v for k, v in again.items() if k.startswith("objectives-")} == {
        k: v for k, v in drawn.items() if k.startswith("objectives-")}


def test_a_priority_revision_starts_as_the_priority_stands(demo_hub: Hub) -> None:
    city = signed_in(demo_hub, "city@leicester.example.org")
    page = city.get("/records/priorities/demo-leicester-asb").text
    drawn = form_values(page, "revise-form")
    assert drawn["title"] == [
        "Tackle anti-social behaviour in the city centre and on public transport"]
    assert drawn["source-kind"] == ["partnership_plan"]
    assert drawn["source-title"] == ["Safer Leicester Partnership Plan 2025-28"]
    assert drawn["period-starts_on"] and drawn["period-ends_on"]
    drawn["summary"] = ["Night-time economy first."]
    assert city.post("/records/priorities/demo-leicester-asb/revise", data=drawn).status_code == 303
