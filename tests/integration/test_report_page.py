"""The report request page through the real app: an authority submits its report with files
chosen in the form, and the page shows every submission with its files to download."""

from __future__ import annotations

import re

import pytest
from httpx import Response
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.web import offered_actions as _forms
from tests.web import signed_in as _client

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSV = b"district,incidents\nCity centre,41\nBraunstone,12\n"


@pytest.fixture
def office(demo_hub: Hub) -> TestClient:
    return _client(demo_hub, "opcc@leicestershire.example.org")


@pytest.fixture
def city(demo_hub: Hub) -> TestClient:
    return _client(demo_hub, "city@leicester.example.org")


def _version(client: TestClient, location: str) -> str:
    found = re.search(r'name="expected_version" value="(\d+)"', client.get(location).text)
    assert found, "the page offers no form"
    return found.group(1)


def _require(office: TestClient, title: str) -> str:
    answer = office.post("/records/report-requests/new", data={
        "csrf_token": office.csrf, "confirmed": "yes", "csp_id": "safer-leicester",  # type: ignore[attr-defined]
        "kind": "informal", "title": title, "matters": "Trends.",
    })
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


@pytest.fixture
def acknowledged(office: TestClient, city: TestClient) -> str:
    """A request to Safer Leicester that the city council has acknowledged: its page."""
    location = _require(office, "Knife crime, city centre")
    done = city.post(location + "/acknowledge", data={
        "csrf_token": city.csrf,  # type: ignore[attr-defined]
        "expected_version": _version(city, location),
    })
    assert done.status_code == 303
    return location


def _submit(client: TestClient, location: str, text: str,
            files: list[tuple[str, bytes, str]], version: str | None = None,
            follow: bool = False) -> Response:
    return client.post(location + "/submit", data={
        "csrf_token": client.csrf,  # type: ignore[attr-defined]
        "expected_version": version or _version(client, location), "text": text,
    }, files=[("attachment_ids", file) for file in files], follow_redirects=follow)


def _kept(hub: Hub) -> set[str]:
    directory = hub.attachments.directory
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def test_a_report_is_submitted_with_files_and_shown_with_them_to_download(
    office: TestClient, city: TestClient, acknowledged: str, demo_hub: Hub
) -> None:
    form = city.get(acknowledged).text
    submit = re.search(r'<form[^>]*id="submit-form"[^>]*>', form)
    assert submit and 'enctype="multipart/form-data"' in submit.group(0)
    assert 'type="file" multiple id="submit-attachment_ids"' in form
    assert "No report has been submitted yet." in form

    answer = _submit(city, acknowledged, "Incidents fell by a fifth.\nSee the tables.", [
        ("report.pdf", PDF, "application/pdf"), ("tables.csv", CSV, "text/csv"),
    ])
    assert answer.status_code == 303, answer.text

    page = office.get(acknowledged).text
    section = re.search(r'<section id="report-submissions".*?</section>', page, re.S)
    assert section, "no submissions section"
    shown = section.group(0)
    assert "Submitted by Leicester City Council" in shown
    assert "Incidents fell by a fifth.\nSee the tables." in shown
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a> '
                       r'<span class="govuk-body-s">\(([^)]+)\)</span>', shown)
    assert [(name, size) for _, name, size in links] == [
        ("report.pdf", f"{len(PDF)} bytes"), ("tables.csv", f"{len(CSV)} bytes"),
    ]
    pdf = office.get(links[0][0])
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert office.get(links[1][0]).content == CSV

    welsh = _client(demo_hub, "council@carmarthenshire.example.org")
    assert welsh.get(links[0][0]).status_code == 404, "another area's user cannot download it"


def test_a_file_is_downloaded_only_through_the_request_it_was_submitted_to(
    office: TestClient, city: TestClient, acknowledged: str
) -> None:
    assert _submit(city, acknowledged, "Our report.", [
        ("report.pdf", PDF, "application/pdf"),
    ]).status_code == 303
    link = re.search(r'href="(/records/report-requests/[^"]+/attachments/([0-9a-f]{32}))"',
                     office.get(acknowledged).text)
    assert link
    # The same file asked for through another request the office can see.
    other = _require(office, "Shoplifting, city centre")
    assert office.get(f"{other}/attachments/{link.group(2)}").status_code == 404
    assert office.get(link.group(1)).status_code == 200
    assert office.get(f"{acknowledged}/attachments/{'0' * 32}").status_code == 404


def test_a_refused_submission_keeps_no_file_and_says_why_beside_the_field(
    city: TestClient, acknowledged: str, demo_hub: Hub
) -> None:
    before = _kept(demo_hub)
    empty = _submit(city, acknowledged, "", [("report.pdf", PDF, "application/pdf")],
                    follow=True)
    assert empty.status_code == 400
    assert 'href="#submit-text"' in empty.text
    disguised = _submit(city, acknowledged, "Our report.", [
        ("report.pdf", PDF, "application/pdf"), ("notes.pdf", b"not a pdf", "application/pdf"),
    ], follow=True)
    assert disguised.status_code == 400
    assert 'id="submit-attachment_ids-error"' in disguised.text
    assert "The file must be a PDF, Word" in disguised.text
    stale = _submit(city, acknowledged, "Our report.", [("report.pdf", PDF, "application/pdf")],
                    version="1", follow=True)
    assert stale.status_code == 409
    assert _kept(demo_hub) == before
    assert "No report has been submitted yet." in city.get(acknowledged).text



def test_each_side_is_offered_only_its_next_steps(
    office: TestClient, city: TestClient, acknowledged: str
) -> None:
    council = _forms(city.get(acknowledged).text)
    assert {"submit", "extension-request"} <= council
    assert "acknowledge" not in council, "the council has acknowledged already"
    requester = _forms(office.get(acknowledged).text)
    assert "withdraw" in requester and not {"accept", "return", "close"} & requester

    assert _submit(city, acknowledged, "Our report.", []).status_code == 303
    requester = _forms(office.get(acknowledged).text)
    assert {"accept", "return"} <= requester and "withdraw" not in requester
    assert not {"submit", "acknowledge", "extension-request"} & _forms(city.get(acknowledged).text)
