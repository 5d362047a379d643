"""Mail end to end on SQLite and PostgreSQL: commands by the demo's people, the reactions and
delivery jobs on real Redis and RQ, a real SMTP server (STARTTLS, AUTH) that receives every
message, each parsed as a mail client would; the Notify client against a local stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
from sqlalchemy import select

from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.events.checkpoints import save_checkpoint
from hub.handlers import meetings as meeting_handlers
from hub.handlers import mergers as merger_handlers
from hub.handlers import reports as report_handlers
from hub.mail import outbox
from hub.mail.notices import Kind, event_types
from hub.mail.preferences import DAILY, choose
from hub.mail.recipients import recipients, set_contact
from hub.mail.tables import messages_table
from hub.settings import public_url
from tests import icaljs
from tests.clocks import HandClock
from tests.mail_servers import Inbox, notify_stand_in, smtp_server
from tests.web import signed_in
from tests.welsh import WELSH as IN_WELSH
from tests.welsh import welsh_locale  # noqa: F401 (a fixture)
from workers import mail as mail_jobs
from workers import reports as report_jobs
from workers.runtime import use_hub
from workers.worker import HubWorker

LEICS, WALES = "leicestershire", "dyfed-powys"
OPCC = Actor(user_id="test-opcc", organisation_id="leicestershire-opcc",
             area_ids=frozenset({LEICS}))
WELSH_OPCC = Actor(user_id="test-dp-opcc", organisation_id="dyfed-powys-opcc",
                   area_ids=frozenset({WALES}))
CITY = "city@leicester.example.org"
POLICE = "police@leicestershire.example.org"
COUNTY = "county@leicestershire.example.org"
WELSH = ("opcc@dyfed-powys.example.org", "council@carmarthenshire.example.org",
         "health@hyweldda.example.org")
INFORMAL: dict[str, Any] = {
    "not_satisfied_reasons": None, "proportionate_reasons": None, "s6_functions_confirmed": False,
}
REASONS = {"not_satisfied_reasons": "The strategy is two years late.",
           "proportionate_reasons": "One report of modest length.",
           "s6_functions_confirmed": True}


@pytest.fixture
def hub(demo_hub: Hub) -> Iterator[Hub]:
    """The demo, on a hand-moved clock, with mail reactions run from its current head."""
    clock = HandClock()
    demo_hub.clock = clock
    save_checkpoint(demo_hub.engine, "mail-test", demo_hub.store.head_position())
    use_hub(demo_hub)
    yield demo_hub


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    monkeypatch.setenv("HUB_MAIL_BACKOFF", "0,0,0")
    with smtp_server(tmp_path, monkeypatch) as received:
        yield received


def deliver(hub: Hub, after: int) -> int:
    """Run the mail reaction of every event after ``after``, as the dispatcher's jobs do, then
    the queued delivery jobs in an RQ worker; the head position."""
    mailing = set(event_types())
    for event in hub.store.read_all(after, 10_000):
        if event.type in mailing:
            mail_jobs.mail_event(hub, event)
    HubWorker([hub.queue], connection=hub.redis).work(burst=True)
    return hub.store.head_position()


def require(hub: Hub, **fields: Any) -> str:
    details: dict[str, Any] = {
        "csp_id": "safer-leicester", "kind": "formal", "title": "Knife crime; a review",
        "matters": "Knife crime in the city centre, 2025-26.", "due_on": date(2027, 2, 1),
        **REASONS, **fields,
    }
    return report_handlers.require_report(hub, OPCC, **details).id


def parts(message: EmailMessage) -> dict[str, Any]:
    """A received message's parts by content type (the iMIP part with its method)."""
    found: dict[str, Any] = {}
    for part in message.walk():
        if part.get_content_maintype() != "multipart":
            found[part.get_content_type()] = part
    return found


def links(text: str) -> list[str]:
    """Every absolute link of the hub in a text part."""
    base = public_url()
    return [word for word in text.split() if word.startswith(base)]


def test_a_formal_requirement_reaches_every_addressed_authority_once(
    hub: Hub, inbox: Inbox
) -> None:
    start = hub.store.head_position()
    request_id = require(hub)
    head = deliver(hub, start)
    # The responsible authorities of Safer Leicester with demo users: each gets one message.
    addressed = {CITY, POLICE, "fire@llr.example.org", "icb@llr.example.org",
                 "probation@eastmidlands.example.org"}
    assert {r.recipients[0] for r in inbox.received} == addressed
    assert len(inbox.received) == len(addressed)
    assert inbox.logins and all(r.sender == "hub@hub.example.org" for r in inbox.received)

    [message] = inbox.to(CITY)
    assert message["Subject"] == "Report required: Knife crime; a review"
    assert message["From"] == "Partnership Hub <hub@hub.example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    found = parts(message)
    assert set(found) == {"text/plain", "text/html"}
    text, html = found["text/plain"].get_content(), found["text/html"].get_content()
    assert "section 7 of the Crime and Disorder Act 1998" in text
    assert "Due: 1 February 2027" in text and "Knife crime; a review" in html
    # A statutory notice cannot be turned off: no unsubscribe, and it says so.
    assert message["List-Unsubscribe"] is None
    assert "statutory notice" in text
    # The link works for the person it went to.
    [link] = links(text)
    assert link == f"{public_url()}/reports/{request_id}"
    assert f'href="{link}"' in html
    opened = signed_in(hub, CITY).get(urlsplit(link).path, follow_redirects=True)
    assert opened.status_code == 200

    # Run again (a retried job, a restarted dispatcher): nothing new is stored or sent.
    deliver(hub, start)
    assert len(inbox.received) == len(addressed)
    assert hub.store.head_position() == head


def test_an_organisations_shared_address_gets_its_mail(hub: Hub, inbox: Inbox) -> None:
    set_contact(hub.engine, "leicester-city-council", "team@leicester.example.org", "test",
                hub.clock())
    start = hub.store.head_position()
    require(hub, kind="informal", **INFORMAL)
    deliver(hub, start)
    [message] = inbox.to("team@leicester.example.org")
    assert message["Subject"] == "Report requested: Knife crime; a review"
    # No person to unsubscribe: the organisation's admin removes the address instead.
    assert message["List-Unsubscribe"] is None
    assert len(inbox.to(CITY)) == 1


def convene_for_the_city(hub: Hub) -> tuple[str, int]:
    """The office convenes a reg 14A meeting requiring the city council, and its invitation
    is mailed; the meeting's id and the head position after it."""
    start = hub.store.head_position()
    meeting_id = meeting_handlers.convene_meeting(
        hub, OPCC, kind="reg_14a", title="Serious violence duty", purpose="Agree the strategy.",
        place="County Hall, Glenfield", starts_local=datetime(2027, 7, 12, 10),
        ends_local=datetime(2027, 7, 12, 12),
        invitations=[{"organisation_id": "leicester-city-council", "required": True}],
    ).id
    return meeting_id, deliver(hub, start)


def test_a_meeting_is_an_imip_request_then_a_higher_sequence_then_a_cancel(
    hub: Hub, inbox: Inbox
) -> None:
    meeting_id, after = convene_for_the_city(hub)
    meeting_handlers.reschedule_meeting(
        hub, OPCC, meeting_id, starts_local=datetime(2027, 7, 19, 14),
        ends_local=datetime(2027, 7, 19, 16),
    )
    after = deliver(hub, after)
    meeting_handlers.cancel_meeting(hub, OPCC, meeting_id, reason="The venue is closed.")
    deliver(hub, after)

    invited, moved, cancelled = inbox.to(CITY)
    assert [m["Subject"] for m in (invited, moved, cancelled)] == [
        "Invitation: Serious violence duty, Monday 12 July 2027, 10:00",
        "Meeting moved: Serious violence duty, Monday 19 July 2027, 14:00",
        "Cancelled: Serious violence duty, Monday 19 July 2027, 14:00",
    ]
    calendars = [parts(m)["text/calendar"] for m in (invited, moved, cancelled)]
    assert [c.get_param("method") for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    bodies = [c.get_content().encode() for c in calendars]
    by_icalendar = [icalendar.Calendar.from_ical(b) for b in bodies]
    by_icaljs = icaljs.read(*bodies)
    uid = f"meeting-{meeting_id}@partnership-hub"
    sequences = []
    for cal, js in zip(by_icalendar, by_icaljs, strict=True):
        [event] = cal.walk("VEVENT")
        [js_event] = js["events"]
        assert str(event["uid"]) == js_event["uid"] == uid
        assert str(cal["method"]) == js["method"]
        assert str(event["organizer"]) == "mailto:hub@hub.example.org"
        assert [a["value"] for a in js_event["attendees"]] == [f"mailto:{CITY}"]
        assert event.decoded("sequence") == js_event["sequence"]
        sequences.append(js_event["sequence"])
    assert sequences[0] < sequences[1] <= sequences[2]
    # Read through the message's own VTIMEZONE: 10:00 and 14:00 in summer are 09:00 and
    # 13:00 UTC.
    assert by_icaljs[0]["events"][0]["start"] == "2027-07-12T09:00:00.000Z"
    assert by_icaljs[1]["events"][0]["start"] == "2027-07-19T13:00:00.000Z"
    assert by_icaljs[2]["events"][0]["status"] == "CANCELLED"
    # A reg 14A summons is statutory: no unsubscribe.
    assert invited["List-Unsubscribe"] is None


def test_organisations_invited_later_get_the_same_calendar_event_and_no_one_is_mailed_again(
    hub: Hub, inbox: Inbox
) -> None:
    meeting_id, after = convene_for_the_city(hub)
    meeting_handlers.invite_to_meeting(hub, OPCC, meeting_id, invitations=[
        {"organisation_id": "leicestershire-police", "required": True},
        {"organisation_id": "leicester-city-council", "required": True}])
    deliver(hub, after)

    [first] = inbox.to(CITY)
    [later] = inbox.to(POLICE)
    assert later["Subject"] == first["Subject"] == (
        "Invitation: Serious violence duty, Monday 12 July 2027, 10:00")
    events = []
    for message in (first, later):
        calendar = parts(message)["text/calendar"]
        assert calendar.get_param("method") == "REQUEST"
        parsed = icalendar.Calendar.from_ical(calendar.get_content().encode())
        [event] = parsed.walk("VEVENT")
        events.append(event)
    # RFC 5546: the new attendee is sent the event as it stands, with the same UID, and a
    # SEQUENCE no lower than the one the others hold.
    assert str(events[1]["uid"]) == str(events[0]["uid"]) == f"meeting-{meeting_id}@partnership-hub"
    assert events[1].decoded("sequence") >= events[0].decoded("sequence")
    assert str(events[1]["attendee"]) == f"mailto:{POLICE}"
    assert events[1].decoded("dtstart") == events[0].decoded("dtstart")


def test_other_notices_carry_a_signed_one_click_unsubscribe(hub: Hub, inbox: Inbox) -> None:
    start = hub.store.head_position()
    require(hub, kind="informal", **INFORMAL)
    deliver(hub, start)
    [message] = inbox.to(CITY)
    assert message["Subject"] == "Report requested: Knife crime; a review"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{public_url()}/mail/unsubscribe/")
    path = urlsplit(url).path
    # RFC 8058: the mail client POSTs, with no session and no CSRF token.
    anonymous = signed_in(hub, POLICE)
    anonymous.cookies.clear()
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    # A forged token is refused.
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert anonymous.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404

    # The city's user no longer gets informal requests; the police still do.
    inbox.received.clear()
    later = hub.store.head_position()
    require(hub, kind="informal", title="Drug markets", **INFORMAL)
    deliver(hub, later)
    assert inbox.to(CITY) == [] and len(inbox.to(POLICE)) == 1


def test_a_provider_failing_is_retried_with_every_attempt_recorded(
    hub: Hub, inbox: Inbox
) -> None:
    inbox.refuse = True
    start = hub.store.head_position()
    require(hub)  # the command succeeds whatever the mail does
    deliver(hub, start)
    assert inbox.received == []
    with hub.engine.connect() as conn:
        keys = list(conn.execute(select(messages_table.c.message_key).where(
            messages_table.c.recipient == CITY)).scalars())
    [key] = keys
    tried = outbox.attempts_of(hub.engine, key)
    # Three attempts by the shortened schedule (0, 0, 0): each failed, the last final.
    assert [a.outcome for a in tried] == ["failed"] * 3
    assert "451" in tried[0].detail
    with hub.engine.connect() as conn:
        status = conn.execute(select(messages_table.c.status).where(
            messages_table.c.message_key == key)).scalar()
    assert status == "failed"


def test_a_recovered_provider_gets_the_retry(hub: Hub, inbox: Inbox,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_MAIL_BACKOFF", "0,0.5")
    inbox.refuse = True
    start = hub.store.head_position()
    require(hub)
    mailing = set(event_types())
    for event in hub.store.read_all(start, 100):
        if event.type in mailing:
            mail_jobs.mail_event(hub, event)
    worker = HubWorker([hub.queue], connection=hub.redis)
    worker.work(burst=True)  # the first attempts fail; the retries are scheduled
    assert inbox.received == []
    inbox.refuse = False
    hub.clock.now += timedelta(seconds=1)  # type: ignore[attr-defined]
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while len(inbox.received) < 5 and datetime.now(UTC) < deadline:
        worker.work(burst=True, with_scheduler=True)
    assert len(inbox.to(CITY)) == 1
    with hub.engine.connect() as conn:
        key = conn.execute(select(messages_table.c.message_key).where(
            messages_table.c.recipient == CITY)).scalar_one()
    assert [a.outcome for a in outbox.attempts_of(hub.engine, key)] == ["failed", "sent"]


def test_no_mail_carries_another_areas_record(hub: Hub, inbox: Inbox) -> None:
    start = hub.store.head_position()
    leics = require(hub, title="Leicester knife crime")
    welsh = report_handlers.require_report(
        hub, WELSH_OPCC, csp_id="carmarthenshire-csp", kind="informal",
        title="Carmarthenshire rural crime", matters="Farm thefts.", due_on=date(2027, 2, 1),
        devolved_functions_excluded=True,
    ).id
    meeting_handlers.convene_meeting(
        hub, OPCC, kind="voluntary", title="Leicester night-time economy",
        purpose="Plan the winter.", place="Town Hall", starts_local=datetime(2027, 1, 12, 10),
        ends_local=datetime(2027, 1, 12, 12),
        invitations=[{"organisation_id": "leicester-city-council", "required": False}],
    )
    deliver(hub, start)
    assert inbox.received
    welsh_people = set(WELSH)
    for received in inbox.received:
        [to] = received.recipients
        text = parts(received.message)["text/plain"].get_content()
        if to in welsh_people:
            assert "Leicester" not in text and leics not in text
        else:
            assert "Carmarthenshire" not in text and welsh not in text
        # Every link in every message opens for the person it went to.
        for link in links(text):
            if "/mail/" not in link:
                opened = signed_in(hub, to).get(urlsplit(link).path, follow_redirects=True)
                assert opened.status_code == 200, link
    # The Welsh request reached its authorities with demo users (the council, the health
    # board), and nothing reached the Welsh office, which is no party to the rest.
    assert {r.recipients[0] for r in inbox.received} & welsh_people == {
        "council@carmarthenshire.example.org", "health@hyweldda.example.org",
    }
    # A notice naming an organisation that may not see the record reaches no one there.
    [event] = [e for e in hub.store.read_all(start, 100)
               if e.type == "report_request.required" and e.data["request_id"] == leics]
    with hub.engine.connect() as conn:
        assert recipients(conn, event, ("carmarthenshire-council", "dyfed-powys-opcc")) == []


def test_notify_gets_each_message_when_its_key_is_set(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_SMTP_HOST", raising=False)
    with notify_stand_in(monkeypatch) as notify:
        start = hub.store.head_position()
        require(hub, kind="informal", **INFORMAL)
        deliver(hub, start)
    by_address = {r["email_address"]: r for r in notify.requests}
    assert CITY in by_address and len(notify.requests) == 5
    sent = by_address[CITY]
    assert sent["path"] == "/v2/notifications/email"
    assert sent["iss"] == "26785a09-ab16-4eb0-8407-a37497a57506"
    assert sent["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sent["personalisation"]["subject"] == "Report requested: Knife crime; a review"
    assert "Open the report request:" in sent["personalisation"]["body"]
    assert sent["one_click_unsubscribe_url"].startswith(f"{public_url()}/mail/unsubscribe/")
    with hub.engine.connect() as conn:
        row = conn.execute(select(messages_table).where(
            messages_table.c.message_key == sent["reference"])).one()
    assert (row.status, row.provider, row.recipient) == ("sent", "notify", CITY)
    assert row.provider_reference.startswith("notify-")


def test_without_a_provider_mail_stays_in_the_outbox(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HUB_SMTP_HOST", "HUB_NOTIFY_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    start = hub.store.head_position()
    require(hub)
    deliver(hub, start)
    kept = outbox.kept(hub.engine)
    assert {m.recipient for m in kept} >= {CITY, POLICE}
    page = signed_in(hub, CITY).get("/admin/outbox")
    assert page.status_code == 200
    assert "Report required: Knife crime; a review" in page.text and CITY in page.text
    # An admin sees only the mail of their own organisation's people.
    assert POLICE not in page.text


def test_the_daily_digest_gathers_held_mail_and_what_is_due(hub: Hub, inbox: Inbox) -> None:
    city_user = hub.accounts.user_by_email(CITY)
    choose(hub.engine, city_user.user_id, Kind.REPORT_REQUIRED, DAILY)
    start = hub.store.head_position()
    request_id = require(hub, kind="informal", due_on=date(2026, 11, 30), **INFORMAL)
    deliver(hub, start)
    assert inbox.to(CITY) == [] and len(inbox.to(POLICE)) == 1
    # 07:00 London (GMT in November) is the default hour.
    at = datetime(2026, 11, 25, 7, tzinfo=UTC)
    keys = mail_jobs.digests.compose_due(hub, at)
    mail_jobs.send(hub, keys)
    [digest] = inbox.to(CITY)
    assert digest["Subject"] == "Partnership Hub: your summary for 25 November 2026"
    text = parts(digest)["text/plain"].get_content()
    assert "Report requested: Knife crime; a review" in text
    assert "Due in the next 7 days" in text and "due 30 November 2026" in text
    assert f"{public_url()}/reports/{request_id}" in text
    # Not twice in one day.
    assert mail_jobs.digests.compose_due(hub, at + timedelta(minutes=30)) == []


@pytest.mark.usefixtures("welsh_locale")
def test_each_reader_gets_notices_and_digests_in_their_own_language(
    hub: Hub, inbox: Inbox
) -> None:
    city_user = hub.accounts.user_by_email(CITY)
    hub.accounts.set_locale(city_user.user_id, "cy")
    choose(hub.engine, city_user.user_id, Kind.REPORT_REQUIRED, DAILY)
    start = hub.store.head_position()
    require(hub)
    require(hub, title="Shop theft", kind="informal", due_on=date(2026, 11, 30), **INFORMAL)
    deliver(hub, start)
    # A formal requirement is statutory, so sent at once: in Welsh to the council's reader
    # who chose it, in English to the police's, who did not.
    [welsh], [english] = inbox.to(CITY), inbox.to(POLICE)[:1]
    assert welsh["Subject"] == IN_WELSH["Report required: %(title)s"] % {
        "title": "Knife crime; a review"}
    assert english["Subject"] == "Report required: Knife crime; a review"
    text, html = parts(welsh)["text/plain"].get_content(), parts(welsh)["text/html"].get_content()
    # Dates are written in Welsh; words not yet translated fall back to English.
    assert "1 Chwefror 2027" in text and "Open the report request" in text
    assert '<html lang="cy"' in html
    assert "1 February 2027" in parts(english)["text/plain"].get_content()

    # The informal request was held for the daily summary, written in Welsh too.
    at = datetime(2026, 11, 25, 7, tzinfo=UTC)
    mail_jobs.send(hub, mail_jobs.digests.compose_due(hub, at))
    digest = inbox.to(CITY)[-1]
    assert digest["Subject"] == IN_WELSH["Partnership Hub: your summary for %(day)s"] % {
        "day": "25 Tachwedd 2026"}
    assert "30 Tachwedd 2026" in parts(digest)["text/plain"].get_content()


def test_a_meeting_invitation_taken_daily_carries_its_calendar_in_the_digest(
    hub: Hub, inbox: Inbox
) -> None:
    city_user = hub.accounts.user_by_email(CITY)
    choose(hub.engine, city_user.user_id, Kind.MEETING_INVITATION, DAILY)
    voluntary: dict[str, Any] = {
        "kind": "voluntary", "purpose": "Share the plans.", "place": "County Hall",
        "invitations": [{"organisation_id": "leicester-city-council", "required": False}],
    }
    start = hub.store.head_position()
    first = meeting_handlers.convene_meeting(
        hub, OPCC, title="Night-time economy", starts_local=datetime(2027, 3, 1, 10),
        ends_local=datetime(2027, 3, 1, 11), **voluntary,
    ).id
    after = deliver(hub, start)
    meeting_handlers.reschedule_meeting(
        hub, OPCC, first, starts_local=datetime(2027, 4, 5, 14),
        ends_local=datetime(2027, 4, 5, 15),
    )
    after = deliver(hub, after)
    assert inbox.to(CITY) == []

    # One meeting, invited then moved: the moved invitation's own REQUEST.
    at = datetime(2027, 2, 1, 7, tzinfo=UTC)
    mail_jobs.send(hub, mail_jobs.digests.compose_due(hub, at))
    [digest] = inbox.to(CITY)
    part = parts(digest)["text/calendar"]
    assert part.get_param("method") == "REQUEST"
    cal = icalendar.Calendar.from_ical(part.get_content().encode())
    [event] = cal.walk("VEVENT")
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"meeting-{first}@partnership-hub"
    assert event.decoded("dtstart").hour == 14 and event.decoded("sequence") >= 1
    assert str(event["attendee"]) == f"mailto:{CITY}"

    # Two meetings the next day, one of them cancelled: one PUBLISH calendar of both.
    second = meeting_handlers.convene_meeting(
        hub, OPCC, title="Knife crime", starts_local=datetime(2027, 5, 3, 10),
        ends_local=datetime(2027, 5, 3, 12), **voluntary,
    ).id
    after = deliver(hub, after)
    meeting_handlers.cancel_meeting(hub, OPCC, first, reason="The venue is closed.")
    deliver(hub, after)
    mail_jobs.send(hub, mail_jobs.digests.compose_due(hub, at + timedelta(days=1)))
    _first_digest, digest = inbox.to(CITY)
    part = parts(digest)["text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    cal = icalendar.Calendar.from_ical(part.get_content().encode())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"meeting-{first}@partnership-hub", f"meeting-{second}@partnership-hub"}
    assert str(events[f"meeting-{first}@partnership-hub"]["status"]) == "CANCELLED"
    assert str(events[f"meeting-{second}@partnership-hub"]["status"]) == "CONFIRMED"
    assert not any("attendee" in e for e in events.values())


def test_mergers_papers_minutes_and_actions_reach_their_people(hub: Hub, inbox: Inbox) -> None:
    start = hub.store.head_position()
    merger_id = merger_handlers.propose_merger(
        hub, OPCC, csp_ids=["blaby-csp", "charnwood-csp"],
        purposes=["reducing_crime_and_disorder"], proposed_name="Safer Blaby and Charnwood",
        effective_date=date(2027, 4, 1),
    ).id
    blaby = Actor(user_id="test-blaby", organisation_id="blaby-council",
                  area_ids=frozenset({LEICS}))
    merger_handlers.consent_to_merger(
        hub, blaby, merger_id, revision=1, signatory="Jo Bloggs", signatory_role="Chief Executive",
        signed_on=date(2026, 11, 24), document_title="Consent letter",
        document_reference="https://blaby.example.org/consent.pdf",
    )
    meeting_id = meeting_handlers.convene_meeting(
        hub, OPCC, kind="voluntary", title="Night-time economy", purpose="Plan the winter.",
        place="Town Hall", starts_local=datetime(2026, 11, 24, 10),
        ends_local=datetime(2026, 11, 24, 11),
        invitations=[{"organisation_id": "leicester-city-council", "required": False}],
    ).id
    meeting_handlers.publish_meeting_papers(hub, OPCC, meeting_id, papers=[
        {"title": "Footfall data", "reference": "https://example.org/footfall.pdf"}])
    hub.clock.now = datetime(2026, 11, 24, 12, tzinfo=UTC)  # type: ignore[attr-defined]
    meeting_handlers.record_meeting_held(hub, OPCC, meeting_id)
    meeting_handlers.draft_meeting_minutes(hub, OPCC, meeting_id, text="Agreed a plan.")
    meeting_handlers.approve_meeting_minutes(hub, OPCC, meeting_id, draft=1)
    action_id = meeting_handlers.assign_meeting_action(
        hub, OPCC, meeting_id, description="Share the taxi marshal rota",
        owner_organisation_id="leicester-city-council", due_on=date(2026, 12, 12),
    ).id
    hub.clock.now = datetime(2026, 12, 5, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    assert meeting_handlers.send_action_reminder(hub, meeting_id, action_id, date(2026, 12, 12))
    deliver(hub, start)
    blaby_subjects = [m["Subject"] for m in inbox.to("district@blaby.example.org")]
    assert blaby_subjects == ["Consent requested: Safer Blaby and Charnwood",
                              "Consent given: Safer Blaby and Charnwood"]
    assert "Consent requested: Safer Blaby and Charnwood" in [
        m["Subject"] for m in inbox.to(COUNTY)]
    assert [m["Subject"] for m in inbox.to(CITY)] == [
        "Invitation: Night-time economy, Tuesday 24 November 2026, 10:00",
        "Papers published: Night-time economy",
        "Minutes approved: Night-time economy",
        "Action for your organisation: Night-time economy",
        "Action due soon: Night-time economy",
    ]
    due = parts(inbox.to(CITY)[-1])["text/plain"].get_content()
    assert "An action is due on 12 December 2026" in due and "taxi marshal rota" in due
    # The city is no party to the merger: none of its mail names it.
    assert all("Blaby" not in m["Subject"] for m in inbox.to(CITY))


def test_a_request_tells_each_side_what_the_other_did(hub: Hub, inbox: Inbox) -> None:
    city = Actor(user_id="test-city", organisation_id="leicester-city-council",
                 area_ids=frozenset({LEICS}))
    start = hub.store.head_position()
    request_id = require(hub, kind="informal", due_on=date(2026, 12, 1), **INFORMAL)
    report_handlers.request_extension(hub, city, request_id,
                                      requested_due_on=date(2026, 12, 15), reason="Data late.")
    report_handlers.grant_extension(hub, OPCC, request_id)
    # The reminder a week before and the overdue mark, as the scheduled jobs run them.
    hub.clock.now = datetime(2026, 12, 8, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    assert report_jobs.run_deadline(request_id, "2026-12-15", 7) == "done"
    hub.clock.now = datetime(2026, 12, 16, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    assert report_jobs.run_deadline(request_id, "2026-12-15") == "done"
    report_handlers.submit_report(hub, city, request_id, text="Our report.",
                                  attachments=hub.attachments)
    report_handlers.return_report(hub, OPCC, request_id, reason="Add the ward figures.")
    report_handlers.submit_report(hub, city, request_id, text="With ward figures.",
                                  attachments=hub.attachments, resubmission=True)
    report_handlers.accept_report(hub, OPCC, request_id)
    deliver(hub, start)
    title = "Knife crime; a review"
    assert [m["Subject"] for m in inbox.to(CITY)] == [
        f"Report requested: {title}", f"Extension granted: {title}",
        f"Report due soon: {title}", f"Report overdue: {title}",
        f"Report returned: {title}", f"Report accepted: {title}",
    ]
    granted = parts(inbox.to(CITY)[1])["text/plain"].get_content()
    assert "now due on 15 December 2026, not 1 December 2026" in granted
    assert [m["Subject"] for m in inbox.to("opcc@leicestershire.example.org")] == [
        f"Report received: {title}", f"Report resubmitted: {title}",
    ]
