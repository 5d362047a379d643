"""Calendar feed tokens from the API and the web page: created, listed, rotated, revoked;
stored only as digests; managed only by whom they belong to — on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.access.accounts import Permission, Role
from hub.bootstrap import Hub
from hub.feeds.tables import calendar_feeds
from hub.settings import public_url
from tests.clocks import HandClock
from tests.integration.test_feeds_content import CITY_EMAIL, OPCC_EMAIL
from tests.web import client_of, csrf_of, followed, sign_in


@pytest.fixture
def hub(demo_hub: Hub) -> Hub:
    demo_hub.clock = HandClock()
    return demo_hub


def person(hub: Hub, email: str, password: str | None = None) -> TestClient:
    client = client_of(hub)
    if password is None:
        sign_in(client, email)
    else:
        sign_in(client, email, password)
    return client


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_a_feed_is_created_listed_and_its_secret_stored_only_as_a_digest(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    created = city.post("/api/calendar-feeds", json={"kind": "user"})
    assert created.status_code == 201, created.text
    feed = created.json()
    assert feed["name"] == "Partnership Hub: Leicester City Council"
    assert feed["url"].startswith(f"{public_url()}/calendars/cal_")
    assert feed["webcal_url"] == "webcal://" + feed["url"].split("://", 1)[1]
    token = path_of(feed["url"]).removeprefix("/calendars/").removesuffix(".ics")
    assert len(token) >= 40

    listed = city.get("/api/calendar-feeds").json()["items"]
    assert [f["feed_id"] for f in listed] == [feed["feed_id"]]
    assert "url" not in listed[0] and token not in str(listed)
    with hub.engine.connect() as conn:
        stored = conn.execute(select(calendar_feeds)).all()
    assert token not in str(stored)
    assert TestClient(city.app).get(path_of(feed["url"])).status_code == 200


def test_links_use_the_public_https_address_when_configured(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_PUBLIC_URL", "https://hub.example.org/")
    feed = person(hub, CITY_EMAIL).post("/api/calendar-feeds", json={"kind": "user"}).json()
    assert feed["url"].startswith("https://hub.example.org/calendars/cal_")
    assert feed["webcal_url"].startswith("webcal://hub.example.org/calendars/cal_")


def test_rotating_gives_a_new_link_and_the_old_one_stops(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    calendar = TestClient(city.app)
    feed = city.post("/api/calendar-feeds", json={"kind": "user", "name": "Ours"}).json()
    rotated = city.post(f"/api/calendar-feeds/{feed['feed_id']}/rotate")
    assert rotated.status_code == 200
    assert rotated.json()["feed_id"] == feed["feed_id"] and rotated.json()["name"] == "Ours"
    assert rotated.json()["rotated_at"] is not None
    assert calendar.get(path_of(feed["url"])).status_code == 404
    assert calendar.get(path_of(rotated.json()["url"])).status_code == 200


def test_a_revoked_feed_answers_404_and_cannot_be_revived(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    feed = city.post("/api/calendar-feeds", json={"kind": "user"}).json()
    assert city.delete(f"/api/calendar-feeds/{feed['feed_id']}").status_code == 204
    assert TestClient(city.app).get(path_of(feed["url"])).status_code == 404
    listed = city.get("/api/calendar-feeds").json()["items"]
    assert listed[0]["revoked"] is True and listed[0]["revoked_at"] is not None
    for again in (city.post(f"/api/calendar-feeds/{feed['feed_id']}/rotate"),
                  city.delete(f"/api/calendar-feeds/{feed['feed_id']}")):
        assert again.status_code == 404 and again.json()["code"] == "calendar_feed.not_found"


def test_nobody_manages_another_persons_feed(hub: Hub) -> None:
    feed = person(hub, CITY_EMAIL).post("/api/calendar-feeds", json={"kind": "user"}).json()
    police = person(hub, "police@leicestershire.example.org")
    assert police.get("/api/calendar-feeds").json()["items"] == []
    refused = police.delete(f"/api/calendar-feeds/{feed['feed_id']}")
    assert refused.status_code == 404 and refused.json()["code"] == "calendar_feed.not_found"
    assert TestClient(police.app).get(path_of(feed["url"])).status_code == 200


def test_organisation_feeds_are_for_admins_and_any_admin_manages_them(hub: Hub) -> None:
    member = person(hub, "police@leicestershire.example.org")
    refused = member.post("/api/calendar-feeds", json={"kind": "organisation"})
    assert refused.status_code == 403 and refused.json()["code"] == "calendar_feed.admin_only"

    office = person(hub, OPCC_EMAIL)
    feed = office.post("/api/calendar-feeds", json={"kind": "organisation"}).json()
    assert feed["name"].endswith("(all workspaces)")
    hub.accounts.create_user(
        email="second.admin@leicestershire.example.org", name="Second Admin",
        organisation_id="leicestershire-opcc", role=Role.ADMIN,
        password="correct horse battery",
    )
    other_admin = person(hub, "second.admin@leicestershire.example.org",
                         "correct horse battery")
    assert [f["feed_id"] for f in other_admin.get("/api/calendar-feeds").json()["items"]] == [
        feed["feed_id"]
    ]
    assert other_admin.delete(f"/api/calendar-feeds/{feed['feed_id']}").status_code == 204


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "workspace"}, "body"),
    ({"kind": "user", "workspace_id": "area-leicestershire"}, "body"),
    ({"kind": "everything"}, "kind"),
    ({"kind": "user", "name": "N" * 101}, "name"),
    ({"kind": "user", "name": "two\nlines"}, "name"),
    ({"kind": "user", "token": "mine"}, "token"),
])
def test_a_bad_body_is_a_422_naming_the_field(
    hub: Hub, body: dict[str, object], field: str
) -> None:
    answer = person(hub, CITY_EMAIL).post("/api/calendar-feeds", json=body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "request.invalid"
    assert field in {e["field"] for e in answer.json()["errors"]}


def test_a_workspace_feed_needs_a_workspace_of_ones_own(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    refused = city.post("/api/calendar-feeds",
                        json={"kind": "workspace", "workspace_id": "csp-safer-rutland"})
    assert refused.status_code == 404 and refused.json()["code"] == "record.not_found"
    made = city.post("/api/calendar-feeds",
                     json={"kind": "workspace", "workspace_id": "csp-safer-leicester"})
    assert made.status_code == 201
    assert made.json()["name"] == "Partnership Hub: Safer Leicester Partnership"


def test_api_tokens_cannot_manage_calendar_feeds(hub: Hub) -> None:
    _id, token = hub.accounts.create_client(
        name="Case system", organisation_id="leicester-city-council",
        permissions=[Permission.READ_EVENTS, Permission.ACT], created_by="test",
    )
    system = TestClient(client_of(hub).app)
    answer = system.post("/api/calendar-feeds", json={"kind": "user"},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "calendar_feed.person_required"


def test_the_page_adds_a_feed_shows_its_links_once_and_revokes_it(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    page = city.get("/calendar-feeds")
    assert page.status_code == 200 and "You have no calendar feeds yet." in page.text
    csrf = csrf_of(page.text)

    missing = followed(city, city.post("/calendar-feeds", data={"csrf_token": csrf}))
    assert missing.status_code == 400 and "Select what the feed shows" in missing.text
    no_workspace = followed(city, city.post("/calendar-feeds",
                                            data={"csrf_token": csrf, "kind": "workspace"}))
    assert no_workspace.status_code == 400 and "Select the workspace" in no_workspace.text

    posted = city.post("/calendar-feeds", data={
        "csrf_token": csrf, "kind": "workspace", "workspace_id": "csp-safer-leicester",
        "name": "",
    })
    assert posted.status_code == 303 and "cal_" not in posted.headers["location"]
    added = city.get(posted.headers["location"])
    assert added.status_code == 200
    assert "Copy the link now: it is shown only once" in added.text
    assert 'data-copy-target="feed-url"' in added.text and "/static/copy.js" in added.text
    [feed] = city.get("/api/calendar-feeds").json()["items"]
    https_link = f'value="{public_url()}/calendars/cal_'
    webcal_link = 'value="webcal://' + public_url().split("://", 1)[1] + "/calendars/cal_"
    assert https_link in added.text and webcal_link in added.text
    url = added.text.split(https_link, 1)[1].split('"', 1)[0]
    calendar = TestClient(city.app)
    assert calendar.get(f"/calendars/cal_{url}").status_code == 200
    listing = city.get("/calendar-feeds").text
    assert "Everything in Safer Leicester Partnership" in listing and "cal_" not in listing
    reloaded = city.get(posted.headers["location"]).text
    assert "Everything in Safer Leicester" in reloaded and "cal_" not in reloaded, "shown once"

    asked = followed(city, city.post(f"/calendar-feeds/{feed['feed_id']}/rotate",
                                     data={"csrf_token": csrf}))
    assert "Are you sure you want to get a new link for this feed?" in asked.text
    assert calendar.get(f"/calendars/cal_{url}").status_code == 200, "nothing changed yet"
    rotated = followed(city, city.post(f"/calendar-feeds/{feed['feed_id']}/rotate",
                                       data={"csrf_token": csrf, "confirmed": "yes"}))
    assert "The old link has stopped working" in rotated.text
    assert calendar.get(f"/calendars/cal_{url}").status_code == 404

    forged = city.post(f"/calendar-feeds/{feed['feed_id']}/revoke", data={"csrf_token": "x"})
    assert forged.status_code == 403
    asked = followed(city, city.post(f"/calendar-feeds/{feed['feed_id']}/revoke",
                                     data={"csrf_token": csrf}))
    assert "Are you sure you want to revoke this feed?" in asked.text
    revoked = city.post(f"/calendar-feeds/{feed['feed_id']}/revoke",
                        data={"csrf_token": csrf, "confirmed": "yes"})
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/calendar-feeds?done=revoked"
    after = city.get(revoked.headers["location"]).text
    assert "You have no calendar feeds yet." in after and "You revoked the feed" in after
    # A revoked feed's confirmation page is not found, as a made-up one's is.
    gone, made_up = (city.get(f"/calendar-feeds/{feed_id}/rotate")
                     for feed_id in (feed["feed_id"], "no-such-feed"))
    assert gone.status_code == made_up.status_code == 404


def test_only_admins_are_offered_the_organisation_feed(hub: Hub) -> None:
    assert 'value="organisation"' in person(hub, CITY_EMAIL).get("/calendar-feeds").text
    member = person(hub, "police@leicestershire.example.org")
    assert 'value="organisation"' not in member.get("/calendar-feeds").text
    csrf = csrf_of(member.get("/calendar-feeds").text)
    refused = followed(member, member.post("/calendar-feeds",
                                           data={"csrf_token": csrf, "kind": "organisation"}))
    assert refused.status_code == 403 and "Only an admin" in refused.text


def test_the_page_is_for_signed_in_people(hub: Hub) -> None:
    anonymous = client_of(hub)
    assert anonymous.get("/calendar-feeds").headers["location"].startswith("/sign-in")
