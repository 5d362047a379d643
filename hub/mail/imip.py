"""A meeting as an iMIP invitation (RFC 6047, with RFC 5546's iTIP semantics).

``METHOD:REQUEST`` invites (and, with the same UID and a higher ``SEQUENCE``, moves or changes)
a meeting; ``METHOD:CANCEL`` cancels it. The UID is the meeting's calendar feed UID and the
``SEQUENCE`` its revision, so a client that also subscribes to a feed sees one meeting, not
two. The organiser is the hub's own address (the convening office's name as ``CN``), the one
attendee the recipient, with ``RSVP=FALSE``: responses are given on the meeting's page, where
the law's record of them is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vDatetime

from hub.db import aware
from hub.feeds import ical
from hub.feeds.entries import MEETING_KIND, uid
from hub.i18n import _

PRODID = "-//Partnership Hub//Meeting invitations 1.0//EN"


def invitation(
    meeting: Any, method: str, *, convenor: str, sender: str, recipient: str,
    recipient_name: str, link: str, stamp: datetime,
) -> str:
    """The ``VCALENDAR`` of one meeting for one recipient, as ``method`` (REQUEST or CANCEL)."""
    starts, ends = aware(meeting.starts_at), aware(meeting.ends_at)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(ical.london_timezone(*ical.years_of([starts.year, ends.year], starts.date())))
    event = Event()
    event.add("uid", uid(MEETING_KIND, meeting.meeting_id))
    event.add("sequence", meeting.revision)
    event.add("dtstamp", stamp)
    event.add("dtstart", ical.london_time(starts))
    event.add("dtend", ical.london_time(ends))
    title = (meeting.title if method != "CANCEL"
             else _("Cancelled: %(title)s") % {"title": meeting.title})
    event.add("summary", ical.EscapedText(title))
    if meeting.place or meeting.online_link:
        event.add("location", ical.EscapedText(meeting.place or meeting.online_link))
    event.add("url", link)
    event.add("description", ical.EscapedText(
        _("%(purpose)s\n\nPapers, responses and minutes: %(link)s")
        % {"purpose": meeting.purpose, "link": link}))
    organizer = vCalAddress(f"mailto:{parseaddr(sender)[1]}")
    organizer.params["CN"] = convenor
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{recipient}")
    if recipient_name:
        attendee.params["CN"] = recipient_name
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    cal.add_component(event)
    text: str = cal.to_ical().decode("utf-8")
    return text


def for_digest(calendars: Sequence[str], *, stamp: datetime) -> str | None:
    """The calendar part of a daily digest holding meeting invitations: ``calendars`` are the
    iMIP parts the held messages would have carried, oldest first.

    For each meeting only its latest part counts: a later ``REQUEST`` (higher ``SEQUENCE``) or
    ``CANCEL`` supersedes the earlier ones (RFC 5546). One meeting: its part, unchanged, so the
    digest adds it in one click as the invitation itself would have. Several: iTIP lets one
    ``REQUEST`` carry one meeting only, so they go as one ``METHOD:PUBLISH`` calendar of every
    meeting as last sent (a cancelled one marked ``STATUS:CANCELLED``), which clients add in
    one step; PUBLISH names no attendees.
    """
    latest: dict[str, tuple[int, str, Any]] = {}
    for text in calendars:
        for event in Calendar.from_ical(text).walk("VEVENT"):
            key, sequence = str(event["uid"]), int(event.get("sequence", 0))
            if key not in latest or sequence >= latest[key][0]:
                latest[key] = (sequence, text, event)
    if len(latest) <= 1:
        return next((text for _sequence, text, _event in latest.values()), None)
    events = [event for _sequence, _text, event in latest.values()]
    years = [event.decoded("dtstart").year for event in events]
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add_component(ical.london_timezone(*ical.years_of(years, stamp.date())))
    for event in sorted(events, key=lambda e: e.decoded("dtstart")):
        event.pop("attendee", None)
        event["dtstamp"] = vDatetime(aware(stamp))
        cal.add_component(event)
    published: str = cal.to_ical().decode("utf-8")
    return published
