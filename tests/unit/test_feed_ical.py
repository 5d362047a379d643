"""Feed entries as iCalendar, checked with independent parsers: ``icalendar`` (which also
wrote them), and ``vobject`` and Mozilla's ical.js (which read the ``VTIMEZONE`` we send rather
than a zone database of their own)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from hub.feeds import ical
from hub.feeds.entries import uid
from tests import icaljs

LONDON = ZoneInfo("Europe/London")
LINKS = ical.Links("https://hub.example.org")
NAMES = {
    "leicestershire-opcc": "Office of the Police and Crime Commissioner for Leicestershire",
    "leicester-city-council": "Leicester City Council",
    "leicestershire-police": "Leicestershire Police",
    "llr-icb": "NHS Leicester, Leicestershire and Rutland ICB",
    "probation-east-midlands": "Probation Service (East Midlands)",
}
TRICKY_TITLE = 'Safer Leicester, "Knife crime"; review\nPart 2'
WELSH_PLACE = "Ysgol Gyfun Ŵyr, Neuadd y Sir, Caerfyrddin"
CHANGED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def meeting(**overrides: Any) -> dict[str, Any]:
    """A meeting record as the read model gives it."""
    record: dict[str, Any] = {
        "meeting_id": "serious-violence", "kind": "reg_14a", "title": TRICKY_TITLE,
        "purpose": "Agree the needs assessment.", "status": "scheduled", "revision": 3,
        "starts_at": datetime(2027, 1, 12, 10, tzinfo=LONDON).astimezone(UTC),
        "ends_at": datetime(2027, 1, 12, 12, tzinfo=LONDON).astimezone(UTC),
        "place": WELSH_PLACE, "online_link": None, "convenor_id": "leicestershire-opcc",
        "agenda": [{"title": "Findings", "description": "Data; trends, and gaps"},
                   {"title": "Response"}],
        "cancel_reason": None, "changed_at": CHANGED,
        "invitations": [
            {"organisation_id": "leicester-city-council", "required": True,
             "response": "attending"},
            {"organisation_id": "leicestershire-police", "required": True,
             "response": "declining"},
            {"organisation_id": "llr-icb", "required": False, "response": "delegating"},
            {"organisation_id": "probation-east-midlands", "required": False, "response": None},
        ],
    }
    return {**record, **overrides}


def feed(*fragments: bytes, name: str = "Partnership Hub: Leicester City Council") -> bytes:
    """A whole calendar around rendered entries."""
    return ical.calendar(ical.head(name, (2026, 2027)), fragments)


def parse_both(body: bytes) -> tuple[icalendar.Calendar, Any]:
    """The calendar read by each parser (both must accept it)."""
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"))


def only_event(body: bytes) -> tuple[Any, Any]:
    """The single VEVENT of a calendar, as each parser reads it."""
    by_icalendar, by_vobject = parse_both(body)
    [event] = by_icalendar.walk("VEVENT")
    [vevent] = by_vobject.vevent_list
    return event, vevent


def test_a_meeting_has_its_stable_uid_sequence_and_stamps() -> None:
    event, vevent = only_event(feed(ical.fragment("meeting", meeting(), NAMES, LINKS)))
    assert str(event["uid"]) == vevent.uid.value == "meeting-serious-violence@partnership-hub"
    assert event.decoded("sequence") == int(vevent.sequence.value) == 3
    assert event.decoded("dtstamp") == event.decoded("last-modified") == CHANGED
    assert vevent.dtstamp.value == vevent.last_modified.value == CHANGED


def test_a_ten_oclock_meeting_is_ten_utc_in_january_and_nine_utc_in_july() -> None:
    winter = meeting()
    summer = meeting(
        meeting_id="summer",
        starts_at=datetime(2027, 7, 12, 10, tzinfo=LONDON).astimezone(UTC),
        ends_at=datetime(2027, 7, 12, 12, tzinfo=LONDON).astimezone(UTC),
    )
    body = feed(*(ical.fragment("meeting", m, NAMES, LINKS) for m in (winter, summer)))
    assert b"DTSTART;TZID=Europe/London:20270112T100000" in body
    assert b"DTSTART;TZID=Europe/London:20270712T100000" in body
    by_icalendar, by_vobject = parse_both(body)
    starts = {str(e["uid"]): e.decoded("dtstart").astimezone(UTC)
              for e in by_icalendar.walk("VEVENT")}
    assert starts == {
        "meeting-serious-violence@partnership-hub": datetime(2027, 1, 12, 10, tzinfo=UTC),
        "meeting-summer@partnership-hub": datetime(2027, 7, 12, 9, tzinfo=UTC),
    }
    # vobject reads the times through our VTIMEZONE, not a zone database of its own.
    assert {v.uid.value: v.dtstart.value.astimezone(UTC) for v in by_vobject.vevent_list} == (
        starts
    )
    assert {v.uid.value: v.dtend.value.astimezone(UTC) for v in by_vobject.vevent_list} == {
        k: v + timedelta(hours=2) for k, v in starts.items()
    }


def test_the_vtimezone_agrees_with_the_zone_database_every_day_and_at_each_change() -> None:
    by_icalendar, by_vobject = parse_both(feed())
    zones: list[Any] = by_icalendar.walk("VTIMEZONE")
    [zone] = zones
    assert str(zone["tzid"]) == "Europe/London"
    ours = zone.to_tz()
    theirs = by_vobject.vtimezone.gettzinfo()
    moments = [datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=n) for n in range(730)]
    for change in (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
                   datetime(2027, 3, 28, 1, tzinfo=UTC), datetime(2027, 10, 31, 1, tzinfo=UTC)):
        moments += [change + timedelta(minutes=m) for m in (-90, -30, 30, 90)]
    for moment in moments:
        expected = moment.astimezone(LONDON).utcoffset()
        assert moment.astimezone(ours).utcoffset() == expected, moment
        assert moment.astimezone(theirs).utcoffset() == expected, moment


def test_a_meeting_in_the_repeated_autumn_hour_is_given_in_utc() -> None:
    # 01:30 on 31 October 2027 happens twice; the hub means the first (BST) one.
    first = datetime(2027, 10, 31, 1, 30, tzinfo=LONDON, fold=0).astimezone(UTC)
    body = feed(ical.fragment("meeting", meeting(
        starts_at=first, ends_at=first + timedelta(hours=2)), NAMES, LINKS))
    assert b"DTSTART:20271031T003000Z" in body
    assert b"DTEND;TZID=Europe/London:20271031T023000" in body
    event, vevent = only_event(body)
    assert event.decoded("dtstart") == vevent.dtstart.value == first


def test_user_text_is_escaped_and_reads_back_exactly() -> None:
    body = feed(ical.fragment("meeting", meeting(), NAMES, LINKS))
    assert b'SUMMARY:Safer Leicester\\, "Knife crime"\\; review\\nPart 2' in body
    event, vevent = only_event(body)
    assert str(event["summary"]) == vevent.summary.value == TRICKY_TITLE
    assert str(event["location"]) == vevent.location.value == WELSH_PLACE
    description = str(event["description"])
    assert description == vevent.description.value
    assert "1. Findings\n   Data; trends, and gaps\n2. Response" in description


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    place = "Llanfairpwllgwyngyll, Ŵyr, Ŷ " * 12
    body = feed(ical.fragment("meeting", meeting(place=place.strip()), NAMES, LINKS),
                name="Bwrdd Diogelwch Cymunedol Ŵyr a Chaerfyrddin: cyfarfodydd a therfynau " * 2)
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "nothing was folded"
    for line in lines:
        line.decode("utf-8")  # a character split across two lines would not decode
    event, vevent = only_event(body)
    assert str(event["location"]) == vevent.location.value == place.strip()


def test_each_invitee_is_an_attendee_with_its_answer_and_the_office_organises() -> None:
    event, vevent = only_event(feed(ical.fragment("meeting", meeting(), NAMES, LINKS)))
    attendees: Any = event["attendee"]
    by_icalendar = {str(a.params["CN"]): (a.params["PARTSTAT"], a.params["ROLE"])
                    for a in attendees}
    by_vobject = {a.params["CN"][0]: (a.params["PARTSTAT"][0], a.params["ROLE"][0])
                  for a in vevent.attendee_list}
    assert by_icalendar == by_vobject == {
        "Leicester City Council": ("ACCEPTED", "REQ-PARTICIPANT"),
        "Leicestershire Police": ("DECLINED", "REQ-PARTICIPANT"),
        "NHS Leicester, Leicestershire and Rutland ICB": ("DELEGATED", "OPT-PARTICIPANT"),
        "Probation Service (East Midlands)": ("NEEDS-ACTION", "OPT-PARTICIPANT"),
    }
    assert event["organizer"].params["CN"] == NAMES["leicestershire-opcc"]
    assert vevent.organizer.value == "urn:x-partnership-hub:organisation:leicestershire-opcc"
    assert str(event["status"]) == vevent.status.value == "CONFIRMED"
    assert str(event["url"]) == "https://hub.example.org/meetings/serious-violence"


def test_an_online_meeting_links_to_join_and_says_so_where_clients_show_it() -> None:
    link = "https://meet.example.org/county-lines"
    event, vevent = only_event(feed(ical.fragment(
        "meeting", meeting(place=None, online_link=link), NAMES, LINKS)))
    assert str(event["location"]) == vevent.location.value == link
    assert str(event["conference"]) == link
    assert f"Join online: {link}" in vevent.description.value
    assert str(event["url"]) == "https://hub.example.org/meetings/serious-violence"


def test_a_cancelled_meeting_says_so_in_status_and_title() -> None:
    event, vevent = only_event(feed(ical.fragment("meeting", meeting(
        status="cancelled", cancel_reason="Folded into the serious violence meeting.",
        revision=4), NAMES, LINKS)))
    assert str(event["status"]) == vevent.status.value == "CANCELLED"
    assert vevent.summary.value == f"Cancelled: {TRICKY_TITLE}"
    assert vevent.description.value.startswith("This meeting was cancelled: Folded into")
    assert int(vevent.sequence.value) == 4


def deadline_records() -> dict[str, dict[str, Any]]:
    common = {"version": 5, "changed_at": CHANGED}
    return {
        "report": {**common, "request_id": "r1", "title": "Hate crime, 2026; trends",
                   "kind": "formal", "status": "acknowledged", "overdue": False,
                   "due_on": date(2027, 2, 1)},
        "merger": {**common, "merger_id": "m1", "proposed_name": "Safer Blaby and Charnwood",
                   "status": "proposed", "took_effect_on": None,
                   "effective_date": date(2027, 4, 1)},
        "arrangement": {**common, "arrangement_id": "a1", "title": "LCJB memorandum",
                        "status": "in_force", "review_on": date(2027, 3, 1)},
        "action": {"meeting_id": "da", "action_id": "refuge-data", "meeting_version": 9,
                   "changed_at": CHANGED, "description": "Share refuge data\nfor two years",
                   "meeting_title": "Domestic abuse", "owner_organisation_id":
                   "leicester-city-council", "status": "open", "note": None,
                   "due_on": date(2027, 1, 20)},
    }


@pytest.mark.parametrize(("kind", "key", "summary", "day", "path"), [
    ("report", "r1", "Report due: Hate crime, 2026; trends", date(2027, 2, 1), "/reports/r1"),
    ("merger", "m1", "Merger takes effect: Safer Blaby and Charnwood", date(2027, 4, 1),
     "/mergers/m1"),
    ("arrangement", "a1", "Arrangement review due: LCJB memorandum", date(2027, 3, 1),
     "/arrangements/a1"),
    ("action", "da/refuge-data", "Action due: Share refuge data", date(2027, 1, 20),
     "/meetings/da#action-refuge-data"),
])
def test_a_deadline_is_an_all_day_free_event_titled_and_linked_to_its_record(
    kind: str, key: str, summary: str, day: date, path: str
) -> None:
    body = feed(ical.fragment(kind, deadline_records()[kind], NAMES, LINKS))
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}".encode() in body
    event, vevent = only_event(body)
    assert str(event["uid"]) == vevent.uid.value == uid(kind, key)
    assert event.decoded("dtstart") == vevent.dtstart.value == day
    assert event.decoded("dtend") == vevent.dtend.value == day + timedelta(days=1)
    assert str(event["summary"]) == vevent.summary.value == summary
    assert str(event["url"]) == vevent.url.value == f"https://hub.example.org{path}"
    assert str(event["transp"]) == "TRANSPARENT"
    assert vevent.description.value.endswith(f"https://hub.example.org{path}")
    assert int(vevent.sequence.value) == (9 if kind == "action" else 5)


@pytest.mark.parametrize(("kind", "change"), [
    ("report", {"status": "withdrawn"}),
    ("merger", {"status": "withdrawn"}),
    ("merger", {"status": "terminated", "took_effect_on": None}),
    ("arrangement", {"status": "ended"}),
])
def test_a_deadline_that_will_not_happen_is_cancelled(kind: str, change: dict[str, Any]) -> None:
    record = {**deadline_records()[kind], **change}
    event, vevent = only_event(feed(ical.fragment(kind, record, NAMES, LINKS)))
    assert str(event["status"]) == vevent.status.value == "CANCELLED"
    assert vevent.summary.value.startswith("Cancelled: ")


def test_done_deadlines_say_so_in_the_title() -> None:
    records = deadline_records()
    report = {**records["report"], "status": "submitted"}
    action = {**records["action"], "status": "done", "note": "Shared with the analyst."}
    _event, vevent = only_event(feed(ical.fragment("report", report, NAMES, LINKS)))
    assert vevent.summary.value == "Report due: Hate crime, 2026; trends (submitted)"
    _event, vevent = only_event(feed(ical.fragment("action", action, NAMES, LINKS)))
    assert vevent.summary.value == "Action due: Share refuge data (done)"
    assert "Note: Shared with the analyst." in vevent.description.value


def test_the_calendar_names_itself_refreshes_hourly_and_publishes() -> None:
    body = feed(name="Partnership Hub: Safer Leicester, city; centre\nnorth")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"X-PUBLISHED-TTL:PT1H" in body
    by_icalendar, by_vobject = parse_both(body)
    name = "Partnership Hub: Safer Leicester, city; centre north"
    # Read as written by every parser, with no escape left in (\, \;).
    assert str(by_icalendar["name"]) == str(by_icalendar["x-wr-calname"]) == name
    assert by_vobject.contents["x-wr-calname"][0].value == name
    assert by_vobject.contents["name"][0].value == name
    [by_icaljs] = icaljs.read(body)
    assert by_icaljs["name"] == by_icaljs["x_wr_calname"] == name
    assert str(by_icalendar["method"]) == by_vobject.method.value == "PUBLISH"
    assert str(by_icalendar["version"]) == "2.0"
    assert str(by_icalendar["prodid"]) == ical.PRODID


def test_the_vtimezone_covers_every_year_a_meeting_falls_in() -> None:
    assert ical.years_of([2025, 2028, 2027], date(2026, 11, 24)) == (2025, 2028)
    assert ical.years_of([], date(2026, 11, 24)) == (2026, 2026)


SPANS = [(2026, 2026), (2026, 2028), (2027, 2030)]


@pytest.mark.parametrize(("first_year", "last_year"), SPANS)
def test_every_parser_reads_meetings_either_side_of_both_changes_in_every_year(
    first_year: int, last_year: int
) -> None:
    # ical.js once read the first and last years' summer an hour late (from RDATEs); each
    # year's meetings the day before, the day of and the day after each change, at 10:00 and
    # at 01:30 (within the hour that moves), must read as the zone database says.
    starts: dict[str, datetime] = {}
    for year in range(first_year, last_year + 1):
        for change in (_last_sunday(year, 3), _last_sunday(year, 10)):
            for shift in (-1, 0, 1):
                day = change + timedelta(days=shift)
                for hour, minute in ((10, 0), (1, 30)):
                    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
                    if local.astimezone(UTC).astimezone(LONDON).hour != hour:
                        continue  # a time the spring change skips
                    starts[f"m{day:%Y%m%d}{hour:02}{minute:02}"] = local.astimezone(UTC)
    body = ical.calendar(ical.head("Partnership Hub", (first_year, last_year)), (
        ical.fragment("meeting", meeting(
            meeting_id=key, starts_at=start, ends_at=start + timedelta(hours=1)), NAMES, LINKS)
        for key, start in starts.items()
    ))
    assert b"RDATE" not in body and body.count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=") == 2
    expected = {uid("meeting", key): start for key, start in starts.items()}
    by_icalendar, by_vobject = parse_both(body)
    assert {str(e["uid"]): e.decoded("dtstart").astimezone(UTC)
            for e in by_icalendar.walk("VEVENT")} == expected
    assert {v.uid.value: v.dtstart.value.astimezone(UTC)
            for v in by_vobject.vevent_list} == expected
    by_icaljs = icaljs.events(body)
    assert {key: icaljs.instant(e["start"]) for key, e in by_icaljs.items()} == expected
    assert {key: icaljs.instant(e["end"]) for key, e in by_icaljs.items()} == {
        key: start + timedelta(hours=1) for key, start in expected.items()
    }


def test_the_vtimezone_recurs_by_rule_from_the_year_before_the_first() -> None:
    [zone] = icalendar.Calendar.from_ical(feed()).walk("VTIMEZONE")
    parts = {part.name: part for part in zone.subcomponents}
    assert parts["DAYLIGHT"].decoded("dtstart") == datetime(2025, 3, 30, 1)
    assert parts["STANDARD"].decoded("dtstart") == datetime(2025, 10, 26, 2)
    assert parts["DAYLIGHT"]["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert parts["STANDARD"]["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"


def _last_sunday(year: int, month: int) -> date:
    day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_an_agreement_that_ended_with_its_combined_csp_says_so_and_is_not_cancelled() -> None:
    record = {**deadline_records()["merger"], "status": "ended_with_csp",
              "took_effect_on": date(2027, 4, 1)}
    event, vevent = only_event(feed(ical.fragment("merger", record, NAMES, LINKS)))
    assert "CANCELLED" not in str(event.get("status", ""))
    assert "ended with its combined partnership when a reorganisation replaced that " \
           "partnership by law" in " ".join(vevent.description.value.split())
