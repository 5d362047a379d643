"""What the feeds hold, through the real app: meetings and deadlines made by the demo users'
commands, every feed read by three independent parsers (``icalendar``, and ``vobject`` and
Mozilla's ical.js, which read the times through the feed's own ``VTIMEZONE``) — on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from starlette.testclient import TestClient

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.handlers import duties as duty_handlers
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as merger_handlers
from hub.handlers import reports as report_handlers
from hub.settings import public_url
from tests import icaljs
from tests.clocks import HandClock
from tests.web import client_of, sign_in

LEICS = "leicestershire"
OPCC = Actor(user_id="test-opcc", organisation_id="leicestershire-opcc",
             area_ids=frozenset({LEICS}))
CITY_EMAIL, OPCC_EMAIL = "city@leicester.example.org", "opcc@leicestershire.example.org"
TRICKY_TITLE = 'Safer Leicester, "Knife crime"; review\nPart 2'
WELSH_PLACE = "Ysgol Gyfun Ŵyr, Neuadd y Sir, Caerfyrddin"


@dataclass(frozen=True)
class Seen:
    """One VEVENT as each parser reads it (they must agree on each of these)."""

    summary: str
    sequence: int
    status: str
    start: Any
    end: Any
    location: str | None
    url: str | None
    attendees: dict[str, str]


def read_feed(body: bytes) -> dict[str, Seen]:
    """Every VEVENT of a feed by UID, read by icalendar, vobject and ical.js, which must
    agree."""
    by_icalendar = icalendar.Calendar.from_ical(body)
    by_vobject = vobject.readOne(body.decode("utf-8"))
    assert [str(z["tzid"]) for z in by_icalendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(by_icalendar["method"]) == "PUBLISH"
    first = {str(e["uid"]): _from_icalendar(e) for e in by_icalendar.walk("VEVENT")}
    second = {v.uid.value: _from_vobject(v) for v in by_vobject.contents.get("vevent", [])}
    assert first == second
    assert {key: _from_icaljs(e) for key, e in icaljs.events(body).items()} == first
    return first


def _utc(value: Any) -> Any:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def _from_icalendar(event: Any) -> Seen:
    attendees = event.get("attendee", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return Seen(
        str(event["summary"]), int(event.decoded("sequence")), str(event["status"]),
        _utc(event.decoded("dtstart")), _utc(event.decoded("dtend")),
        str(event["location"]) if "location" in event else None,
        str(event["url"]) if "url" in event else None,
        {str(a.params["CN"]): str(a.params["PARTSTAT"]) for a in attendees},
    )


def _from_vobject(vevent: Any) -> Seen:
    return Seen(
        vevent.summary.value, int(vevent.sequence.value), vevent.status.value,
        _utc(vevent.dtstart.value), _utc(vevent.dtend.value),
        vevent.location.value if hasattr(vevent, "location") else None,
        vevent.url.value if hasattr(vevent, "url") else None,
        {a.params["CN"][0]: a.params["PARTSTAT"][0]
         for a in vevent.contents.get("attendee", [])},
    )


def _from_icaljs(event: dict[str, Any]) -> Seen:
    return Seen(
        event["summary"], event["sequence"], event["status"], icaljs.instant(event["start"]),
        icaljs.instant(event["end"]), event["location"], event["url"],
        {a["cn"]: a["partstat"] for a in event["attendees"]},
    )


def subscribe(client: TestClient, **body: Any) -> str:
    """Create a feed through the API; its path (the secret is in it)."""
    answer = client.post("/api/calendar-feeds", json=body)
    assert answer.status_code == 201, answer.text
    return urlsplit(answer.json()["url"]).path


def fetch(app_client: TestClient, path: str) -> dict[str, Seen]:
    """A feed, as a calendar client with no session fetches it."""
    answer = TestClient(app_client.app).get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return read_feed(answer.content)


def convene(hub: Hub, *, starts: datetime, hours: int = 2, **fields: Any) -> str:
    """A Leicestershire meeting convened by the office; its id."""
    details: dict[str, Any] = {
        "kind": "reg_14a", "title": "Serious violence duty", "purpose": "Agree the strategy.",
        "place": "County Hall, Glenfield",
        "invitations": [{"organisation_id": "leicester-city-council", "required": True},
                        {"organisation_id": "leicestershire-police", "required": True}],
        **fields,
    }
    return meeting_handlers.convene_meeting(
        hub, OPCC, starts_local=starts, ends_local=starts + timedelta(hours=hours), **details
    ).id


def meeting_uid(meeting_id: str) -> str:
    return f"meeting-{meeting_id}@partnership-hub"


def as_organisation(organisation_id: str, area_id: str = LEICS) -> Actor:
    return Actor(user_id=f"test-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({area_id}))


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def hub(demo_hub: Hub, clock: HandClock) -> Hub:
    demo_hub.clock = clock
    return demo_hub


@pytest.fixture
def city(hub: Hub) -> TestClient:
    client = client_of(hub)
    sign_in(client, CITY_EMAIL)
    return client


def test_a_ten_oclock_meeting_is_ten_utc_in_january_and_nine_utc_in_july(
    hub: Hub, city: TestClient
) -> None:
    winter = convene(hub, starts=datetime(2027, 1, 12, 10))
    summer = convene(hub, starts=datetime(2027, 7, 12, 10))
    seen = fetch(city, subscribe(city, kind="user"))
    assert seen[meeting_uid(winter)].start == datetime(2027, 1, 12, 10, tzinfo=UTC)
    assert seen[meeting_uid(winter)].end == datetime(2027, 1, 12, 12, tzinfo=UTC)
    assert seen[meeting_uid(summer)].start == datetime(2027, 7, 12, 9, tzinfo=UTC)
    assert seen[meeting_uid(summer)].end == datetime(2027, 7, 12, 11, tzinfo=UTC)


def test_a_meeting_keeps_its_uid_and_raises_its_sequence_with_every_change(
    hub: Hub, city: TestClient
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 1, 12, 10))
    path = subscribe(city, kind="user")
    first = fetch(city, path)[meeting_uid(meeting_id)]
    assert first.sequence == 0 and first.status == "CONFIRMED"

    meeting_handlers.reschedule_meeting(
        hub, OPCC, meeting_id, starts_local=datetime(2027, 1, 19, 14),
        ends_local=datetime(2027, 1, 19, 16),
    )
    moved = fetch(city, path)[meeting_uid(meeting_id)]
    assert moved.sequence == 1
    assert moved.start == datetime(2027, 1, 19, 14, tzinfo=UTC)

    meeting_handlers.amend_meeting(hub, OPCC, meeting_id, place="City Hall, Leicester")
    amended = fetch(city, path)[meeting_uid(meeting_id)]
    assert (amended.sequence, amended.location) == (2, "City Hall, Leicester")


def test_a_cancelled_meeting_stays_cancelled_for_thirty_days_then_leaves(
    hub: Hub, city: TestClient, clock: HandClock
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 6, 2, 10))
    path = subscribe(city, kind="user")
    meeting_handlers.cancel_meeting(hub, OPCC, meeting_id, reason="Folded into another.")
    cancelled = fetch(city, path)[meeting_uid(meeting_id)]
    assert cancelled.status == "CANCELLED"
    assert cancelled.sequence == 1
    assert cancelled.summary == "Cancelled: Serious violence duty"

    clock.now += timedelta(days=29)
    assert fetch(city, path)[meeting_uid(meeting_id)].status == "CANCELLED"
    clock.now += timedelta(days=2)
    assert meeting_uid(meeting_id) not in fetch(city, path)


def test_titles_and_welsh_place_names_come_through_exactly(
    hub: Hub, city: TestClient
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 2, 3, 10), title=TRICKY_TITLE,
                         place=WELSH_PLACE)
    answer = TestClient(city.app).get(subscribe(city, kind="user"))
    assert b'SUMMARY:Safer Leicester\\, "Knife crime"\\; review\\nPart 2' in answer.content
    assert all(len(line) <= 75 for line in answer.content.split(b"\r\n"))
    seen = read_feed(answer.content)[meeting_uid(meeting_id)]
    assert seen.summary == TRICKY_TITLE
    assert seen.location == WELSH_PLACE


def test_each_invited_organisation_is_an_attendee_with_its_answer(
    hub: Hub, city: TestClient
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 3, 3, 10), invitations=[
        {"organisation_id": "leicester-city-council", "required": True},
        {"organisation_id": "leicestershire-police", "required": True},
        {"organisation_id": "llr-icb", "required": True},
        {"organisation_id": "probation-east-midlands", "required": False},
    ])
    meeting_handlers.respond_to_meeting(
        hub, as_organisation("leicester-city-council"), meeting_id, response="attending",
        representatives=[{"name": "Amira Patel"}],
    )
    meeting_handlers.respond_to_meeting(
        hub, as_organisation("llr-icb"), meeting_id, response="delegating",
        delegate={"name": "Rachel Moore"},
    )
    meeting_handlers.respond_to_meeting(
        hub, as_organisation("leicestershire-police"), meeting_id, response="declining",
        reason="The superintendent is on leave.",
    )
    seen = fetch(city, subscribe(city, kind="user"))[meeting_uid(meeting_id)]
    assert seen.attendees == {
        "Leicester City Council": "ACCEPTED",
        "Leicestershire Police": "DECLINED",
        "NHS Leicester, Leicestershire and Rutland ICB": "DELEGATED",
        "Probation Service (East Midlands)": "NEEDS-ACTION",
    }
    assert seen.url == f"{public_url()}/meetings/{meeting_id}"


def test_an_organisation_invited_later_finds_the_meeting_in_its_feed(hub: Hub) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 3, 10, 10), invitations=[
        {"organisation_id": "leicester-city-council", "required": True}])
    police = client_of(hub)
    sign_in(police, "police@leicestershire.example.org")
    path = subscribe(police, kind="user")
    assert meeting_uid(meeting_id) not in fetch(police, path)
    meeting_handlers.invite_to_meeting(hub, OPCC, meeting_id, invitations=[
        {"organisation_id": "leicestershire-police", "required": True}])
    seen = fetch(police, path)[meeting_uid(meeting_id)]
    assert seen.sequence == 0
    assert seen.attendees == {"Leicester City Council": "NEEDS-ACTION",
                              "Leicestershire Police": "NEEDS-ACTION"}


def test_deadlines_are_all_day_entries_for_the_organisations_that_own_them(
    hub: Hub, city: TestClient, clock: HandClock
) -> None:
    office = client_of(hub)
    sign_in(office, OPCC_EMAIL)
    office_feed, city_feed = subscribe(office, kind="user"), subscribe(city, kind="user")
    report = report_handlers.require_report(
        hub, OPCC, csp_id="safer-leicester", kind="informal", title="Hate crime; trends",
        matters="Hate crime reported in the city, 2025-26.", due_on=date(2027, 2, 1),
    ).id
    merger = merger_handlers.propose_merger(
        hub, OPCC, csp_ids=["blaby-csp", "charnwood-csp"],
        purposes=["reducing_crime_and_disorder"], proposed_name="Safer Blaby and Charnwood",
        effective_date=date(2027, 4, 1),
    ).id
    arrangement = duty_handlers.draft_arrangement(
        hub, OPCC, title="Local criminal justice board memorandum", terms="Shared terms.",
        party_ids=["cps-east-midlands", "hmcts-midlands"], review_on=date(2027, 3, 1),
    ).id
    held = convene(hub, starts=datetime(2026, 11, 25, 10))
    clock.now = datetime(2026, 11, 25, 13, tzinfo=UTC)
    meeting_handlers.record_meeting_held(hub, OPCC, held)
    action = meeting_handlers.assign_meeting_action(
        hub, OPCC, held, description="Share refuge occupancy data\nfor two years",
        owner_organisation_id="leicester-city-council", due_on=date(2027, 1, 20),
    ).id

    expected = {
        f"report-{report}-due@partnership-hub":
            ("Report due: Hate crime; trends", date(2027, 2, 1), f"/reports/{report}"),
        f"merger-{merger}-effective@partnership-hub":
            ("Merger takes effect: Safer Blaby and Charnwood", date(2027, 4, 1),
             f"/mergers/{merger}"),
        f"arrangement-{arrangement}-review@partnership-hub":
            ("Arrangement review due: Local criminal justice board memorandum",
             date(2027, 3, 1), f"/arrangements/{arrangement}"),
        f"action-{held}-{action}@partnership-hub":
            ("Action due: Share refuge occupancy data", date(2027, 1, 20),
             f"/meetings/{held}#action-{action}"),
    }
    # The office requested the report, proposed the merger and is party to the arrangement;
    # the city is addressed by the request and owns the action, and is no party to the rest.
    by_office, by_city = fetch(office, office_feed), fetch(city, city_feed)
    report_uid, merger_uid, arrangement_uid, action_uid = expected
    assert {u for u in expected if u in by_office} == {report_uid, merger_uid, arrangement_uid}
    assert {u for u in expected if u in by_city} == {report_uid, action_uid}
    for entry_uid, (summary, day, path) in expected.items():
        seen = by_office.get(entry_uid) or by_city[entry_uid]
        assert (seen.summary, seen.start, seen.end) == (summary, day, day + timedelta(days=1))
        assert seen.url == f"{public_url()}{path}"
        assert seen.status == "CONFIRMED"


def test_a_meeting_downloads_with_the_same_uid_for_those_who_may_see_it(
    hub: Hub, city: TestClient
) -> None:
    meeting_id = convene(hub, starts=datetime(2027, 1, 12, 10), title=TRICKY_TITLE)
    answer = city.get(f"/meetings/{meeting_id}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="{meeting_id}.ics"'
    downloaded = read_feed(answer.content)
    in_feed = fetch(city, subscribe(city, kind="user"))
    assert downloaded[meeting_uid(meeting_id)] == in_feed[meeting_uid(meeting_id)]
    again = city.get(f"/meetings/{meeting_id}.ics",
                     headers={"if-none-match": answer.headers["etag"]})
    assert again.status_code == 304

    welsh = client_of(hub)
    sign_in(welsh, "council@carmarthenshire.example.org")
    assert welsh.get(f"/meetings/{meeting_id}.ics").status_code == 404
    anonymous = TestClient(city.app, follow_redirects=False)
    assert anonymous.get(f"/meetings/{meeting_id}.ics").headers["location"].startswith(
        "/sign-in"
    )
