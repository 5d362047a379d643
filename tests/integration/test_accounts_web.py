"""Accounts through the real app: sign-in and its throttling, sessions, CSRF,
invitations and API tokens — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.clocks import HandClock
from tests.web import client_of, csrf_of, followed, sign_in

OPCC = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def hub(demo_hub: Hub, clock: HandClock) -> Hub:
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


def _attempts(client: TestClient, email: str, count: int) -> list[tuple[int, str, str]]:
    """``count`` failed sign-ins: each answer's status, error message and Retry-After."""
    answers = []
    for _ in range(count):
        page = client.get("/sign-in")
        answer = client.post("/sign-in", data={
            "email": email, "password": "wrong", "csrf_token": csrf_of(page.text)
        })
        message = re.search(r'govuk-error-message">\s*(?:<span[^>]*>[^<]*</span>)?([^<]+)<',
                            answer.text)
        answers.append((
            answer.status_code, message.group(1).strip() if message else "",
            "retry-after" if "retry-after" in answer.headers else "",
        ))
    return answers


def test_failed_sign_ins_answer_the_same_whether_or_not_the_account_exists(hub: Hub) -> None:
    # NCSC: the answers must not let anyone enumerate accounts, throttled or not.
    known = _attempts(client_of(hub), CITY, 7)
    unknown = _attempts(client_of(hub), "nobody@leicester.example.org", 7)
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 5 + [429] * 2
    assert known[0][1] == "The email address or password is not right"
    assert known[-1][1].startswith("Too many failed attempts: wait 15 minutes")


def test_repeated_failures_are_throttled_with_429_and_retry_after(hub: Hub) -> None:
    attacker = client_of(hub)
    _attempts(attacker, CITY, 5)
    page = attacker.get("/sign-in")
    answer = attacker.post("/sign-in", data={
        "email": CITY, "password": "partnership-demo-2026", "csrf_token": csrf_of(page.text)
    })
    assert answer.status_code == 429
    assert 800 < int(answer.headers["retry-after"]) <= 900
    assert attacker.get("/api/me").status_code == 401


def test_an_attacker_cannot_lock_the_owner_out_of_their_account(hub: Hub) -> None:
    attacker = TestClient(client_of(hub).app, client=("203.0.113.7", 40000))
    assert _attempts(attacker, CITY, 20)[-1][0] == 429
    owner = TestClient(attacker.app, client=("198.51.100.20", 40000), follow_redirects=False)
    sign_in(owner, CITY)
    assert owner.get("/api/me").json()["organisation_id"] == "leicester-city-council"


def test_one_address_trying_many_accounts_is_throttled(hub: Hub) -> None:
    attacker = client_of(hub)
    statuses = [
        status for n in range(8) for status, _, _ in _attempts(
            attacker, f"guess{n}@leicester.example.org", 4
        )
    ]
    assert statuses[:30] == [401] * 30 and statuses[30:] == [429, 429]
    # The owner of an account it never tried, at another address, is not affected.
    owner = TestClient(attacker.app, client=("198.51.100.20", 40000), follow_redirects=False)
    sign_in(owner, CITY)


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
    # A refused form comes back by a redirect with the name kept, never the passwords.
    refused = client.post(path, data={**data, "confirm_password": "correct horse battle"})
    page = followed(client, refused)
    assert page.status_code == 400 and "The passwords do not match" in page.text
    assert 'value="New Analyst"' in page.text and "correct horse" not in page.text
    assert client.post(path, data=data).status_code == 303
    assert client.get(path).status_code == 404
    sign_in(client, "new.analyst@example.org", "correct horse battery")
    assert client.get("/api/me").json()["organisation_id"] == "leicestershire-opcc"


def test_an_expired_invitation_is_refused(client: TestClient, clock: HandClock) -> None:
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
