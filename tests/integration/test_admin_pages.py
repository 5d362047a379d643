"""Organisation admin pages through the real app, on SQLite and PostgreSQL: a token with two
permissions, revoking an invitation, changing a user's role, and disabling a user (which ends
their sessions and revokes their tokens) and enabling them again. Each change that cannot be
undone is asked about first."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from hub.access.tables import api_clients_table
from hub.bootstrap import Hub
from tests.web import client_of, csrf_of, followed, sign_in

OPCC = "opcc@leicestershire.example.org"
PASSWORD = "correct horse battery"


def _invite(admin: TestClient, csrf: str, email: str, role: str = "member") -> str:
    page = followed(admin, admin.post("/admin/users", data={
        "csrf_token": csrf, "email": email, "role": role}))
    assert page.status_code == 200, page.text
    found = re.search(r'id="invitation-link">http://testserver([^<]+)<', page.text)
    assert found
    return found.group(1)


def _join(hub: Hub, path: str, name: str) -> TestClient:
    person = client_of(hub)
    form = person.get(path)
    assert form.status_code == 200
    assert person.post(path, data={"name": name, "password": PASSWORD,
                                   "confirm_password": PASSWORD,
                                   "csrf_token": csrf_of(form.text)}).status_code == 303
    return person


def _user_id(admin: TestClient, name: str) -> str:
    found = re.search(rf'<tr class="govuk-table__row" id="user-([^"]+)">\s*<th[^>]*>{name}',
                      admin.get("/admin/users").text)
    assert found, f"{name} is not listed"
    return found.group(1)


def _unnonced(html: str) -> str:
    """A page without its per-response script nonce."""
    return re.sub(r' nonce="[^"]*"', "", html)


def test_a_token_is_made_with_two_permissions_from_the_form(demo_hub: Hub) -> None:
    admin = client_of(demo_hub)
    csrf = sign_in(admin, OPCC)
    made = admin.post("/admin/clients", data={
        "csrf_token": csrf, "name": "Case system", "permissions": ["read_events", "act"],
    })
    assert made.status_code == 303 and "hub_" not in made.headers["location"]
    page = admin.get(made.headers["location"])
    token = re.search(r'id="new-token">(hub_[^<]+)<', page.text)
    assert page.status_code == 200 and token, page.text
    again = admin.get(made.headers["location"])
    assert again.status_code == 200 and token.group(1) not in again.text, "shown once only"
    with demo_hub.engine.connect() as conn:
        stored = conn.execute(api_clients_table.select()).one()
    assert stored.permissions == ["act", "read_events"]
    one = admin.post("/admin/clients", data={
        "csrf_token": csrf, "name": "Feed reader", "permissions": "read_events",
    })
    assert "hub_" in followed(admin, one).text, "one ticked box is a list of one"
    none = followed(admin, admin.post("/admin/clients", data={
        "csrf_token": csrf, "name": "Nothing"}))
    assert none.status_code == 400 and "Select at least one permission" in none.text
    assert 'value="Nothing"' in none.text, "the input is kept"


def test_an_invitation_is_revoked_after_a_check_and_its_link_stops_working(
    demo_hub: Hub,
) -> None:
    admin = client_of(demo_hub)
    csrf = sign_in(admin, OPCC)
    path = _invite(admin, csrf, "leaver@example.org")
    listed = admin.get("/admin/users").text
    revoke = re.search(r'action="(/admin/invitations/[0-9a-f]+/revoke)"', listed)
    assert revoke and "leaver@example.org" in listed
    asked = followed(admin, admin.post(revoke.group(1), data={"csrf_token": csrf}))
    assert asked.status_code == 200
    assert "Are you sure you want to revoke the invitation to leaver@example.org?" in asked.text
    assert client_of(demo_hub).get(path).status_code == 200, "nothing changed yet"
    done = admin.post(revoke.group(1), data={"csrf_token": csrf, "confirmed": "yes"})
    assert done.status_code == 303
    after = admin.get(done.headers["location"]).text
    assert "You revoked the invitation" in after and "leaver@example.org" not in after
    assert client_of(demo_hub).get(path).status_code == 404
    made_up = admin.post("/admin/invitations/" + "0" * 64 + "/revoke",
                         data={"csrf_token": csrf, "confirmed": "yes"})
    assert made_up.status_code == 404
    assert admin.get("/admin/invitations/" + "0" * 64 + "/revoke").status_code == 404


def test_a_disabled_user_is_signed_out_loses_their_tokens_and_can_be_enabled_again(
    demo_hub: Hub,
) -> None:
    admin = client_of(demo_hub)
    csrf = sign_in(admin, OPCC)
    analyst = _join(demo_hub, _invite(admin, csrf, "analyst@example.org"), "Ana Lyst")
    sign_in(analyst, "analyst@example.org", PASSWORD)
    # Only admins make tokens: Ana becomes one, so that disabling her has a token to revoke.
    assert analyst.post("/api/clients", json={"name": "Ana's script",
                                              "permissions": ["read_events"]}).status_code == 403
    user_id = _user_id(admin, "Ana Lyst")
    assert admin.post(f"/admin/users/{user_id}/role",
                      data={"csrf_token": csrf, "role": "admin"}).status_code == 303
    made = analyst.post("/api/clients", json={"name": "Ana's script",
                                              "permissions": ["read_events"]}).json()["token"]
    bearer = {"Authorization": f"Bearer {made}"}
    assert client_of(demo_hub).get("/api/events", headers=bearer).status_code == 200

    asked = followed(admin, admin.post(f"/admin/users/{user_id}/disable",
                                       data={"csrf_token": csrf}))
    assert asked.status_code == 200 and "Are you sure you want to disable Ana Lyst?" in asked.text
    assert analyst.get("/").status_code == 200, "nothing changed yet"
    done = admin.post(f"/admin/users/{user_id}/disable",
                      data={"csrf_token": csrf, "confirmed": "yes"})
    assert done.status_code == 303
    assert "You disabled the user" in admin.get(done.headers["location"]).text
    assert analyst.get("/").status_code in (302, 303), "her session has ended"
    assert client_of(demo_hub).get("/api/events", headers=bearer).status_code == 401
    retry = client_of(demo_hub)
    page = retry.get("/sign-in")
    refused = retry.post("/sign-in", data={"email": "analyst@example.org", "password": PASSWORD,
                                           "csrf_token": csrf_of(page.text)})
    assert refused.status_code != 303

    assert admin.post(f"/admin/users/{user_id}/enable",
                      data={"csrf_token": csrf}).status_code == 303
    sign_in(client_of(demo_hub), "analyst@example.org", PASSWORD)
    assert client_of(demo_hub).get("/api/events", headers=bearer).status_code == 401, (
        "a revoked token stays revoked")


def test_an_admin_cannot_disable_or_demote_themselves(demo_hub: Hub) -> None:
    admin = client_of(demo_hub)
    csrf = sign_in(admin, OPCC)
    me = _user_id(admin, "Priya Shah")
    assert f'/admin/users/{me}/disable' not in admin.get("/admin/users").text
    demoted = followed(admin, admin.post(f"/admin/users/{me}/role",
                                         data={"csrf_token": csrf, "role": "member"}))
    assert demoted.status_code == 409
    assert "You cannot give up your own admin role" in demoted.text
    disabled = followed(admin, admin.post(f"/admin/users/{me}/disable",
                                          data={"csrf_token": csrf, "confirmed": "yes"}))
    assert disabled.status_code == 409
    assert admin.get("/admin/users").status_code == 200
    assert admin.post("/admin/users/no-such-user/role",
                      data={"csrf_token": csrf, "role": "viewer"}).status_code == 404
    city = client_of(demo_hub)
    city_csrf = sign_in(city, "city@leicester.example.org")
    another = city.post(f"/admin/users/{me}/role", data={"csrf_token": city_csrf, "role": "viewer"})
    made_up = city.post("/admin/users/no-such-user/role",
                        data={"csrf_token": city_csrf, "role": "viewer"})
    assert another.status_code == made_up.status_code == 404
    assert _unnonced(another.text) == _unnonced(made_up.text)
    assert city.post(f"/admin/users/{me}/disable",
                     data={"csrf_token": city_csrf, "confirmed": "yes"}).status_code == 404
