"""The browser-facing protections through the real app: CSRF on the JSON API, the
security headers on every response, and the operator's metrics (issue 18, findings 5, 9
and 12)."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.conftest import HubFactory
from tests.web import client_of, sign_in

ADMIN = "opcc@leicestershire.example.org"
NEW_CLIENT = {"name": "Case system", "permissions": ["read_events"]}


@pytest.fixture
def admin(demo_hub: Hub) -> TestClient:
    client = client_of(demo_hub)
    sign_in(client, ADMIN)
    return client



def test_a_session_write_without_the_csrf_header_is_refused(admin: TestClient) -> None:
    # What a cross-site form or text/plain fetch can send: the cookie, no custom header.
    answer = admin.post(
        "/api/clients", content=b'{"name": "x", "permissions": ["act"]}',
        headers={"Content-Type": "text/plain", "X-CSRF-Token": ""},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "request.csrf_failed"
    assert answer.headers["content-type"] == "application/problem+json"
    assert admin.get("/api/clients").json()["items"] == []


def test_a_session_write_with_a_wrong_csrf_token_is_refused(admin: TestClient) -> None:
    answer = admin.post("/api/clients", json=NEW_CLIENT, headers={"X-CSRF-Token": "guess"})
    assert answer.status_code == 403 and answer.json()["code"] == "request.csrf_failed"


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:9999"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
])
def test_a_session_write_from_another_origin_is_refused_even_with_the_token(
    admin: TestClient, headers: dict[str, str]
) -> None:
    answer = admin.post("/api/clients", json=NEW_CLIENT, headers=headers)
    assert answer.status_code == 403 and answer.json()["code"] == "request.csrf_failed"


def test_a_session_write_from_our_own_pages_goes_through(admin: TestClient) -> None:
    token = admin.get("/api/me").json()["csrf_token"]
    answer = admin.post("/api/clients", json=NEW_CLIENT, headers={
        "X-CSRF-Token": token, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin",
    })
    assert answer.status_code == 201, answer.text


def test_a_bearer_token_write_needs_neither_header_nor_origin(admin: TestClient) -> None:
    token = admin.post(
        "/api/clients", json={"name": "Hooks", "permissions": ["manage_webhooks"]}
    ).json()["token"]
    partner = TestClient(admin.app)
    answer = partner.post(
        "/api/webhooks",
        json={"url": "https://partner.example.org/hook", "event_types": ["meeting.convened"]},
        headers={"Authorization": f"Bearer {token}", "Origin": "https://elsewhere.example"},
    )
    # The endpoint itself answered (its own check of the receiver's host name), not the guard.
    assert answer.json()["code"] == "webhook.url_unresolvable", answer.text


def _csp(response_headers: dict[str, str]) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response_headers["content-security-policy"].split(";"))
    }


@pytest.mark.parametrize("path", [
    "/", "/sign-in", "/records/meetings/none", "/api/me", "/static/hub.css", "/no-such-page",
    "/openapi.json",
])
def test_every_response_carries_the_security_headers(admin: TestClient, path: str) -> None:
    answer = admin.get(path)
    policy = _csp(dict(answer.headers))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in answer.headers, "HSTS only behind HTTPS"


def test_hsts_is_sent_behind_https(demo_hub: Hub) -> None:
    client = TestClient(client_of(demo_hub).app, base_url="https://hub.example.org")
    answer = client.get("/sign-in")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script_but_the_nonced_one(admin: TestClient) -> None:
    pages = (
        "/", "/sign-in", "/admin/clients", "/calendar-feeds", "/workspaces/area-leicestershire",
        "/areas/leicestershire/duty-register", "/event-catalogue",
    )
    for path in pages:
        answer = admin.get(path)
        assert answer.status_code == 200, path
        nonce = re.search(r"'nonce-([^']+)'", answer.headers["content-security-policy"])
        assert nonce
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", answer.text)
        assert inline, "GOV.UK's template marks the body js-enabled with one inline script"
        for attributes in inline:
            assert f'nonce="{nonce.group(1)}"' in attributes, (path, attributes)


def test_each_response_gets_a_fresh_nonce(admin: TestClient) -> None:
    first = admin.get("/sign-in").headers["content-security-policy"]
    second = admin.get("/sign-in").headers["content-security-policy"]
    assert first != second


def test_metrics_in_production_need_the_operators_token(make_hub: HubFactory) -> None:
    client = client_of(make_hub(metrics_token="metrics-secret"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": "Bearer metrics-secret"})
    assert answer.status_code == 200 and "hub_webhook_delivered_total" in answer.text


def test_metrics_in_production_without_a_token_are_not_served(make_hub: HubFactory) -> None:
    client = client_of(make_hub())
    answer, unknown = client.get("/metrics"), client.get("/no-such-page")
    assert answer.status_code == unknown.status_code == 404
    assert "hub_" not in answer.text


def test_metrics_in_embedded_mode_are_open_on_the_laptop(make_hub: HubFactory) -> None:
    hub = make_hub(redis_url="")
    assert hub.settings.embedded
    assert client_of(hub).get("/metrics").status_code == 200
