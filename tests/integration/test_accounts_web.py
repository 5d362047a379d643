"""Accounts through the real app: sign-in, throttling and lock-out, sessions, CSRF,
invitations and API tokens — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.web import client_of, csrf_of, sign_in

OPCC = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hub(demo_hub: Hub, clock: Clock) -> Hub:
    demo_hub.clock = clock
    return demo_hub


@pytest.fixture
def client(hub: Hub) -> TestClient:
    return client_of(hub)


def _attempt(client: TestClient, email: str, password: str) -> str:
    page = client.get("/sign-in")
    answer = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    )
    return answer.text


def test_a_user_signs_in_and_out(client: TestClient) -> None:
    csrf = sign_in(client, CITY)
    me = client.get("/api/me").json()
    assert me["organisation_id"] == "leicester-city-council"
    assert "csp-safer-leicester" in me["workspaces"]
    assert client.post("/sign-out", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/api/me").status_code == 401
    assert client.get("/").headers["location"].startswith("/sign-in")


def test_a_wrong_password_is_refused_beside_the_field(client: TestClient) -> None:
    page = _attempt(client, CITY, "wrong")
    assert "There is a problem" in page
    assert "The email address or password is not right" in page
    assert client.get("/api/me").status_code == 401


def test_sign_in_is_throttled_then_locked_after_repeated_failures(
    client: TestClient, clock: Clock
) -> None:
    for _ in range(3):
        assert "not right" in _attempt(client, CITY, "wrong")
    assert "wait 2 seconds" in _attempt(client, CITY, "wrong")
    for _ in range(3):
        clock.now += timedelta(seconds=60)
        page = _attempt(client, CITY, "wrong")
    assert "locked" in page
    clock.now += timedelta(minutes=5)
    assert "locked" in _attempt(client, CITY, "partnership-demo-2026")
    clock.now += timedelta(minutes=11)
    sign_in(client, CITY)


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    sign_in(client, OPCC)
    assert client.post("/sign-out", data={}).status_code == 403
    assert client.post("/admin/users", data={"email": "a@example.org", "role": "member",
                                             "csrf_token": "forged"}).status_code == 403
    page = client.get("/sign-in")
    assert client.post("/sign-in", data={"email": OPCC, "password": "x"}).status_code == 403
    assert page.status_code == 200


def test_an_invitation_is_single_use(client: TestClient) -> None:
    csrf = sign_in(client, OPCC)
    link = client.post(
        "/api/invitations", json={"email": "new.analyst@example.org", "role": "member"}
    ).json()["link"]
    path = link.split("testserver", 1)[1]
    client.post("/sign-out", data={"csrf_token": csrf})

    form = client.get(path)
    assert form.status_code == 200 and "new.analyst@example.org" in form.text
    data = {"name": "New Analyst", "password": "correct horse battery", "csrf_token":
            csrf_of(form.text), "confirm_password": "correct horse battery"}
    assert client.post(path, data=data).status_code == 303
    assert client.get(path).status_code == 404
    sign_in(client, "new.analyst@example.org", "correct horse battery")
    assert client.get("/api/me").json()["organisation_id"] == "leicestershire-opcc"


def test_an_expired_invitation_is_refused(client: TestClient, clock: Clock) -> None:
    sign_in(client, OPCC)
    link = client.post("/api/invitations", json={"email": "late@example.org"}).json()["link"]
    clock.now += timedelta(days=8)
    assert client.get(link.split("testserver", 1)[1]).status_code == 404


def test_only_admins_invite_or_manage_tokens(client: TestClient) -> None:
    sign_in(client, "police@leicestershire.example.org")
    assert client.post("/api/invitations", json={"email": "x@example.org"}).status_code == 403
    assert client.get("/admin/users").status_code == 403
    token = client.post("/api/clients", json={"name": "x", "permissions": ["act"]})
    assert token.status_code == 403


def test_api_tokens_are_shown_once_scoped_and_revocable(client: TestClient, hub: Hub) -> None:
    sign_in(client, CITY)
    created = client.post(
        "/api/clients", json={"name": "Case system", "permissions": ["read_events"]}
    ).json()
    token = created["token"]
    assert token.startswith("hub_")
    listed = client.get("/api/clients").json()["items"]
    assert [c["name"] for c in listed] == ["Case system"] and "token" not in listed[0]
    from hub.access.tables import api_clients_table

    with hub.engine.connect() as conn:
        stored = conn.execute(api_clients_table.select()).one()
    assert token not in str(tuple(stored)), "the token must be stored only as a digest"

    partner = TestClient(client.app)
    bearer = {"Authorization": f"Bearer {token}"}
    assert partner.get("/api/events", headers=bearer).status_code == 200
    assert partner.get("/api/me", headers=bearer).json()["organisation_id"] == (
        "leicester-city-council"
    )
    assert client.delete(f"/api/clients/{created['client_id']}").status_code == 204
    refused = partner.get("/api/events", headers=bearer)
    assert refused.status_code == 401 and refused.json()["code"] == "auth.required"


def test_a_token_without_read_events_cannot_read_the_feed(client: TestClient) -> None:
    sign_in(client, CITY)
    token = client.post(
        "/api/clients", json={"name": "Hooks", "permissions": ["manage_webhooks"]}
    ).json()["token"]
    answer = TestClient(client.app).get(
        "/api/events", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403 and answer.json()["code"] == "auth.missing_permission"
