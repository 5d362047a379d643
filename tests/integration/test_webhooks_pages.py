"""The webhook pages through the real app: forms with CSRF, errors beside fields, actions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.integration.test_webhooks_receiver import Receiver, running
from tests.web import client_of, followed, sign_in

CITY = "city@leicester.example.org"
FIELD_ERROR = re.compile(r'<p id="([a-z_]+)-error" class="govuk-error-message">')


@pytest.fixture
def hub(demo_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Hub:
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_HTTP", "1")
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
    return demo_hub


@pytest.fixture
def browser(hub: Hub) -> tuple[TestClient, str]:
    client = client_of(hub)
    return client, sign_in(client, CITY)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as started:
        yield started


def _add(browser: tuple[TestClient, str], receiver: Receiver) -> tuple[str, str]:
    client, csrf = browser
    posted = client.post("/admin/webhooks", data={
        "csrf_token": csrf, "url": receiver.url, "description": "Case system",
        "event_types": "report_request.*\nworkspace.*", "handshake": "yes",
        "workspace_ids": "csp-safer-leicester",
    })
    assert "whsec_" not in posted.headers.get("location", "")
    page = followed(client, posted)
    assert page.status_code == 200, page.text
    secret = re.search(r'id="new-secret">(whsec_[^<]+)<', page.text)
    assert secret, "the page shows the new secret"
    endpoint_id = re.search(r'action="/admin/webhooks/([0-9a-f-]+)/test"', page.text)
    assert endpoint_id
    receiver.secrets.append(secret.group(1))
    reloaded = client.get(posted.headers["location"]).text
    assert "You added the endpoint" in reloaded and secret.group(1) not in reloaded, (
        "a reload says what was done, and shows the secret no more")
    return endpoint_id.group(1), secret.group(1)


def test_an_admin_adds_an_endpoint_and_sees_the_secret_only_once(
    browser: tuple[TestClient, str], receiver: Receiver
) -> None:
    client, _csrf = browser
    index = client.get("/admin/webhooks")
    assert index.status_code == 200 and "Add an endpoint" in index.text
    endpoint_id, secret = _add(browser, receiver)
    page = client.get(f"/admin/webhooks/{endpoint_id}")
    assert page.status_code == 200 and secret not in page.text
    assert "Safer Leicester" in page.text and "report_request.*, workspace.*" in page.text
    assert "Passed on" in page.text
    assert receiver.url in client.get("/admin/webhooks").text


def test_bad_input_is_summarised_and_shown_beside_each_field(
    browser: tuple[TestClient, str]
) -> None:
    client, csrf = browser
    page = followed(client, client.post("/admin/webhooks",
                                        data={"csrf_token": csrf, "url": "", "event_types": ""}))
    assert page.status_code == 400
    assert "There is a problem" in page.text and page.text.startswith("<!DOCTYPE html>")
    assert set(FIELD_ERROR.findall(page.text)) == {"url", "event_types", "handshake"}
    assert 'href="#url"' in page.text and "Enter the URL of the receiver" in page.text
    refused = followed(client, client.post("/admin/webhooks", data={
        "csrf_token": csrf, "url": "http://10.1.2.3/hooks", "event_types": "*",
        "handshake": "no",
    }))
    assert refused.status_code == 400
    assert FIELD_ERROR.findall(refused.text) == ["url"]
    assert "private address" in refused.text and 'value="http://10.1.2.3/hooks"' in refused.text
    typo = followed(client, client.post("/admin/webhooks", data={
        "csrf_token": csrf, "url": "https://x.invalid/", "event_types": "reports.*",
        "handshake": "no",
    }))
    assert FIELD_ERROR.findall(typo.text) == ["event_types"]


def test_forms_without_the_csrf_token_are_refused(
    browser: tuple[TestClient, str], receiver: Receiver
) -> None:
    client, _csrf = browser
    assert client.post("/admin/webhooks", data={"url": receiver.url}).status_code == 403
    endpoint_id, _secret = _add(browser, receiver)
    for action in ("disable", "rotate", "test", "remove"):
        answer = client.post(f"/admin/webhooks/{endpoint_id}/{action}",
                             data={"csrf_token": "forged"})
        assert answer.status_code == 403, action


def test_members_cannot_manage_webhooks(hub: Hub) -> None:
    member = client_of(hub)
    sign_in(member, "police@leicestershire.example.org")
    assert member.get("/admin/webhooks").status_code == 403
    assert client_of(hub).get("/admin/webhooks").headers["location"].startswith("/sign-in")


def test_the_endpoint_page_tests_rotates_disables_replays_and_removes(
    browser: tuple[TestClient, str], receiver: Receiver
) -> None:
    client, csrf = browser
    endpoint_id, first = _add(browser, receiver)
    base = f"/admin/webhooks/{endpoint_id}"
    tested = followed(client, client.post(base + "/test", data={"csrf_token": csrf}))
    assert "The receiver accepted the test event" in tested.text
    assert "webhook.test" in tested.text and "Attempt 1" in tested.text
    asked = followed(client, client.post(base + "/rotate", data={"csrf_token": csrf}))
    assert "Are you sure you want to rotate the signing secret?" in asked.text
    assert f"Webhook endpoint: {receiver.url}" in asked.text and "new-secret" not in asked.text
    rotated = followed(client, client.post(base + "/rotate",
                                           data={"csrf_token": csrf, "confirmed": "yes"}))
    second = re.search(r'id="new-secret">(whsec_[^<]+)<', rotated.text)
    assert second and second.group(1) != first
    asked = followed(client, client.post(base + "/disable", data={"csrf_token": csrf}))
    assert "Are you sure you want to disable the endpoint?" in asked.text
    page = followed(client, client.post(base + "/disable",
                                        data={"csrf_token": csrf, "confirmed": "yes"}))
    assert "You disabled the endpoint" in page.text
    assert "Disabled by Amira Patel." in page.text
    assert re.search(r">\s*Enable\s*</button>", page.text)
    assert f"{receiver.url}\n" in page.text
    assert client.post(base + "/enable", data={"csrf_token": csrf}).status_code == 303
    bad = followed(client, client.post(base + "/replay",
                                       data={"csrf_token": csrf, "since": "last tuesday"}))
    assert bad.status_code == 400 and FIELD_ERROR.findall(bad.text) == ["since"]
    good = followed(client, client.post(base + "/replay",
                                        data={"csrf_token": csrf, "since": "2026-01-01 09:00"}))
    assert "Replay started" in good.text
    message = re.search(r'action="(/admin/webhooks/[^"]+/redeliver)"', tested.text)
    assert message
    assert client.post(message.group(1), data={"csrf_token": csrf}).status_code == 303
    asked = followed(client, client.post(base + "/remove", data={"csrf_token": csrf}))
    assert asked.status_code == 200 and client.get(base).status_code == 200
    assert client.post(base + "/remove",
                       data={"csrf_token": csrf, "confirmed": "yes"}).status_code == 303
    assert client.get(base).status_code == 404
    assert client.get(base + "/rotate").status_code == 404, "its confirmation page is gone too"


def test_the_event_catalogue_page_is_public(hub: Hub) -> None:
    page = client_of(hub).get("/event-catalogue")
    assert page.status_code == 200
    assert "report_request.submitted" in page.text
    assert "/schemas/events/report_request.submitted.v1.json" in page.text
