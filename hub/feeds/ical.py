"""Feed entries as iCalendar ``VEVENT``s, and the calendar around them, built with ``icalendar``.

Every component is serialised by ``icalendar`` (escaping of commas, semicolons, backslashes and
newlines; folding at 75 octets without splitting a UTF-8 character). A feed is the calendar's
head (its properties and the ``VTIMEZONE``), each entry's ``VEVENT`` as ``icalendar`` wrote
it, and the closing line: so an unchanged entry's ``VEVENT`` is rendered once and reused by
every feed that holds it (:mod:`hub.feeds.publish`). The ``VTIMEZONE`` is built here from the
zone database, with ``icalendar``'s components (see :func:`london_timezone` for why not
``Timezone.from_tzinfo``).

Content is a function of the records alone: ``DTSTAMP`` is the entry's ``LAST-MODIFIED`` (its
newest event's time), never the time of rendering, so unchanged records give byte-identical
feeds and the same ``ETag`` from every web process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from icalendar import (
    Calendar,
    Conference,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from hub.domain.meetings import LONDON, LONDON_NAME
from hub.feeds.entries import (
    ACTION_KIND,
    ARRANGEMENT_KIND,
    MEETING_KIND,
    MERGER_KIND,
    REPORT_KIND,
    uid,
)

PRODID = "-//Partnership Hub//Calendar feeds 1.0//EN"
END = b"END:VCALENDAR\r\n"
REFRESH = timedelta(hours=1)
ORGANISATION_URI = "urn:x-partnership-hub:organisation:{}"
"""Organisations are not people with mailboxes: they are named by URN, so no client offers to
email them or sends them replies."""

PARTSTAT = {"attending": "ACCEPTED", "delegating": "DELEGATED", "declining": "DECLINED"}
MEETING_KINDS = {"reg_14a": "Joint meeting (reg 14A)", "voluntary": "Voluntary meeting"}
DEADLINE = "Deadline"
ACTION_TITLE_LIMIT = 120

Names = Mapping[str, str]
"""Organisation names by id."""


@dataclass(frozen=True)
class Links:
    """Addresses of records' pages, from the hub's public base URL."""

    base: str

    def record(self, kind: str, key: str) -> str:
        """The page of the record an entry shows."""
        if kind == ACTION_KIND:
            meeting_id, action_id = key.split("/", 1)
            return f"{self.base}/meetings/{meeting_id}#action-{action_id}"
        path = {
            MEETING_KIND: "meetings", REPORT_KIND: "reports", MERGER_KIND: "mergers",
            ARRANGEMENT_KIND: "arrangements",
        }[kind]
        return f"{self.base}/{path}/{key}"


# -- the calendar ------------------------------------------------------------------------------


def head(name: str, years: tuple[int, int]) -> bytes:
    """The calendar's opening: its properties and the Europe/London ``VTIMEZONE`` covering
    ``years`` (first and last, inclusive); everything up to the first ``VEVENT``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # NAME and X-WR-CALNAME are text, but ical.js does not know NAME and no parser knows
    # X-WR-CALNAME as such: each would read the escapes (\, \;) as written. VALUE=TEXT says
    # so to every parser tested (ical.js, icalendar, vobject), which then unescape them.
    one_line = EscapedText(_line(name))
    cal.add("name", one_line, parameters={"VALUE": "TEXT"})
    cal.add("x-wr-calname", one_line, parameters={"VALUE": "TEXT"})
    cal.add("description", "Meetings and deadlines from the Partnership Hub")
    cal.add("x-wr-caldesc", "Meetings and deadlines from the Partnership Hub")
    cal.add("x-wr-timezone", LONDON_NAME)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(london_timezone(*years))
    text: bytes = cal.to_ical()
    assert text.endswith(END)
    return text[: -len(END)]


def calendar(opening: bytes, events: Iterable[bytes]) -> bytes:
    """A whole calendar: its opening, each ``VEVENT`` as rendered, and the closing line."""
    return b"".join((opening, *events, END))


@lru_cache(maxsize=32)
def london_timezone(first_year: int, last_year: int) -> Timezone:
    """Europe/London for ``first_year`` to ``last_year`` as a ``VTIMEZONE``, from the zone
    database.

    One observance per kind of change (to summer time, back to winter time), each starting at
    its change in the year before ``first_year`` (so the first year's January is covered) and
    recurring by an ``RRULE`` (``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``) when every change in the
    span falls on the last Sunday of one month at one time, as London's have since 1996. That
    is the form clients expect: Mozilla's ical.js, given the first change as ``DTSTART`` and
    the later ones as ``RDATE``s, read the first and last years' summer an hour late. A zone
    whose changes follow no such rule falls back to ``RDATE``s.

    Each observance starts at the wall-clock time of its change as read *before* the change:
    with ``TZOFFSETFROM`` that gives the instant (RFC 5545, 3.6.5: the spring change is
    01:00, not 02:00). ``Timezone.from_tzinfo`` of ``icalendar`` 7.3 writes the spring change
    an hour late, which a client reading our ``VTIMEZONE`` (as Outlook and vobject do) would
    follow when it converts an instant in that hour.
    """
    start = datetime(first_year - 1, 1, 1, tzinfo=LONDON)
    end = datetime(last_year + 1, 1, 1, tzinfo=LONDON)
    observances: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {}
    for change in _changes(start.astimezone(UTC), end.astimezone(UTC)):
        before = (change - timedelta(seconds=1)).astimezone(LONDON)
        after = change.astimezone(LONDON)
        key = (_offset(before), _offset(after), str(after.tzname()), bool(after.dst()))
        observances.setdefault(key, []).append((change + _offset(before)).replace(tzinfo=None))
    if not observances:
        # No change in the span: one observance, in force from its start.
        first = start.astimezone(LONDON)
        key = (_offset(first), _offset(first), str(first.tzname()), bool(first.dst()))
        observances[key] = [start.replace(tzinfo=None)]
    zone = Timezone()
    zone.add("tzid", LONDON_NAME)
    for (offset_from, offset_to, name, daylight), onsets in observances.items():
        part = TimezoneDaylight() if daylight else TimezoneStandard()
        part.add("dtstart", onsets[0])
        rule = _yearly_rule(onsets, last_year, offset_from)
        if rule is not None:
            part.add("rrule", rule)
        elif onsets[1:]:
            part.add("rdate", onsets[1:])
        part.add("tzname", name)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        zone.add_component(part)
    return zone


def _yearly_rule(
    onsets: list[datetime], last_year: int, offset_from: timedelta
) -> dict[str, Any] | None:
    """The ``RRULE`` giving ``onsets`` (local wall-clock times, one a year) as "the last Sunday
    of the month at this time", or ``None`` when they follow no such rule. The rule is open
    when the changes go on to ``last_year`` (as far as the zone database knows, they go on);
    otherwise it ends at the last one (``UNTIL`` in UTC)."""
    first = onsets[0]
    years = [onset.year for onset in onsets]
    regular = len(onsets) > 1 and years == list(range(first.year, first.year + len(onsets)))
    for onset in onsets:
        last_sunday = onset.weekday() == 6 and (onset + timedelta(days=7)).month != onset.month
        if not (last_sunday and (onset.month, onset.time()) == (first.month, first.time())):
            regular = False
    if not regular:
        return None
    rule: dict[str, Any] = {"freq": "yearly", "bymonth": first.month, "byday": "-1SU"}
    if years[-1] < last_year:
        rule["until"] = (onsets[-1] - offset_from).replace(tzinfo=UTC)
    return rule


def _changes(start: datetime, end: datetime) -> Iterator[datetime]:
    """Every instant from ``start`` to ``end`` (UTC) at which London's offset changes."""
    day = timedelta(days=1)
    moment, offset = start, _offset(start.astimezone(LONDON))
    while moment < end:
        following = moment + day
        if _offset(following.astimezone(LONDON)) != offset:
            low, high = int(moment.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(datetime.fromtimestamp(middle, LONDON)) == offset:
                    low = middle
                else:
                    high = middle
            yield datetime.fromtimestamp(high, UTC)
            offset = _offset(following.astimezone(LONDON))
        moment = following


def _offset(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    assert offset is not None
    return offset


def years_of(years: Iterable[int], today: date) -> tuple[int, int]:
    """The span a ``VTIMEZONE`` must cover for timed entries in ``years`` (and today)."""
    covered = {today.year, *years}
    return min(covered), max(covered)


# -- entries -----------------------------------------------------------------------------------


def fragment(kind: str, record: Mapping[str, Any], names: Names, links: Links) -> bytes:
    """The ``VEVENT`` of one entry, serialised."""
    rendered: bytes = _BUILDERS[kind](record, names, links).to_ical()
    return rendered


def _meeting(m: Mapping[str, Any], names: Names, links: Links) -> Event:
    cancelled = m["status"] == "cancelled"
    url = links.record(MEETING_KIND, m["meeting_id"])
    event = _event(uid(MEETING_KIND, m["meeting_id"]), m["revision"], m["changed_at"])
    event.add("dtstart", london_time(m["starts_at"]))
    event.add("dtend", london_time(m["ends_at"]))
    event.add("summary", EscapedText(_summary(_text(m["title"]), cancelled)))
    if m["place"] or m["online_link"]:
        event.add("location", EscapedText(_text(m["place"] or m["online_link"])))
    event.add("url", url)
    if m["online_link"]:
        event.conferences = [Conference(m["online_link"], feature="VIDEO", label="Join online")]
    event.add("description", EscapedText(_meeting_description(m, url)))
    event.add("organizer", _organisation(m["convenor_id"], names))
    for invitation in m["invitations"]:
        event.add("attendee", _attendee(invitation, names))
    event.add("categories", [MEETING_KINDS.get(m["kind"], "Meeting")])
    event.add("transp", "OPAQUE")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _meeting_description(m: Mapping[str, Any], url: str) -> str:
    parts = []
    if m["status"] == "cancelled":
        parts.append(f"This meeting was cancelled: {m['cancel_reason']}")
    parts.append(m["purpose"])
    if m["agenda"]:
        items = []
        for number, item in enumerate(m["agenda"], start=1):
            line = f"{number}. {item['title']}"
            if item.get("description"):
                line += f"\n   {item['description']}"
            items.append(line)
        parts.append("Agenda\n" + "\n".join(items))
    if m["online_link"]:
        parts.append(f"Join online: {m['online_link']}")
    parts.append(f"Papers, responses and minutes: {url}")
    return _text("\n\n".join(parts))


def _organisation(organisation_id: str, names: Names) -> vCalAddress:
    address = vCalAddress(ORGANISATION_URI.format(organisation_id))
    address.params["CN"] = _parameter(names.get(organisation_id, "")) or organisation_id
    return address


def _attendee(invitation: Mapping[str, Any], names: Names) -> vCalAddress:
    address = _organisation(invitation["organisation_id"], names)
    address.params["CUTYPE"] = "GROUP"
    address.params["ROLE"] = "REQ-PARTICIPANT" if invitation["required"] else "OPT-PARTICIPANT"
    address.params["PARTSTAT"] = PARTSTAT.get(invitation["response"] or "", "NEEDS-ACTION")
    address.params["RSVP"] = "FALSE"
    return address


def _report(r: Mapping[str, Any], _names: Names, links: Links) -> Event:
    cancelled = r["status"] == "withdrawn"
    done = r["status"] in {"submitted", "accepted", "closed"}
    title = f"Report due: {_text(r['title'])}" + (" (submitted)" if done else "")
    basis = (
        "A formal requirement under section 7 of the Crime and Disorder Act 1998."
        if r["kind"] == "formal" else "An informal request for a report."
    )
    status = _words(r["status"]) + (", overdue" if r["overdue"] else "")
    url = links.record(REPORT_KIND, r["request_id"])
    return _deadline(
        REPORT_KIND, r["request_id"], r, r["due_on"], _summary(title, cancelled), url,
        f"{basis}\nStatus: {status}.", cancelled,
    )


def _merger(m: Mapping[str, Any], _names: Names, links: Links) -> Event:
    never = m["status"] == "withdrawn" or (
        m["status"] == "terminated" and m["took_effect_on"] is None
    )
    state = {
        "proposed": "Proposed: it takes effect on this date once every party has consented.",
        "made": "Agreement made: it takes effect on this date.",
        "in_effect": "The combined partnership took effect on this date.",
        "terminated": "It took effect on this date and has since been terminated.",
        "ended_with_csp": "It took effect on this date, and ended with its combined "
                          "partnership when a reorganisation replaced that partnership by law.",
        "withdrawn": "The proposal was withdrawn.",
    }.get(m["status"], _words(m["status"]))
    if never and m["status"] == "terminated":
        state = "The agreement was terminated before it took effect."
    title = f"Merger takes effect: {_text(m['proposed_name'])}"
    url = links.record(MERGER_KIND, m["merger_id"])
    return _deadline(
        MERGER_KIND, m["merger_id"], m, m["effective_date"], _summary(title, never), url,
        f"Combination of community safety partnerships (Crime and Disorder Act 1998, "
        f"s.5(1A)).\n{state}", never,
    )


def _arrangement(a: Mapping[str, Any], _names: Names, links: Links) -> Event:
    ended = a["status"] == "ended"
    title = f"Arrangement review due: {_text(a['title'])}"
    url = links.record(ARRANGEMENT_KIND, a["arrangement_id"])
    return _deadline(
        ARRANGEMENT_KIND, a["arrangement_id"], a, a["review_on"], _summary(title, ended), url,
        "Criminal justice arrangements (Police Reform and Social Responsibility Act 2011, "
        f"s.10(3)).\nStatus: {_words(a['status'])}.", ended,
    )


def _action(a: Mapping[str, Any], names: Names, links: Links) -> Event:
    key = f"{a['meeting_id']}/{a['action_id']}"
    done = a["status"] == "done"
    first_line = _text(a["description"]).split("\n", 1)[0]
    if len(first_line) > ACTION_TITLE_LIMIT:
        first_line = first_line[: ACTION_TITLE_LIMIT - 1].rstrip() + "…"
    owner = _line(names.get(a["owner_organisation_id"], a["owner_organisation_id"]))
    lines = [
        _text(a["description"]), "", f"From the meeting: {_text(a['meeting_title'])}",
        f"Owner: {owner}", f"Status: {_words(a['status'])}",
    ]
    if a["note"]:
        lines.append(f"Note: {_text(a['note'])}")
    record = {**a, "version": a["meeting_version"]}
    return _deadline(
        ACTION_KIND, key, record, a["due_on"],
        f"Action due: {first_line}" + (" (done)" if done else ""),
        links.record(ACTION_KIND, key), "\n".join(lines), False,
    )


def _deadline(
    kind: str, key: str, record: Mapping[str, Any], day: date, summary: str, url: str,
    description: str, cancelled: bool,
) -> Event:
    """An all-day entry: many clients ignore ``VTODO`` in subscriptions, so a deadline is an
    event on its day, free (transparent) so that it never blocks time."""
    event = _event(uid(kind, key), record["version"], record["changed_at"])
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", EscapedText(summary))
    event.add("url", url)
    event.add("description", EscapedText(f"{description}\n\nOpen it in the Partnership Hub: {url}"))
    event.add("categories", [DEADLINE])
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _event(entry_uid: str, sequence: int, changed_at: Any) -> Event:
    event = Event()
    event.add("uid", entry_uid)
    event.add("sequence", sequence)
    event.add("dtstamp", changed_at)
    event.add("last-modified", changed_at)
    return event


def london_time(instant: datetime) -> datetime:
    """An instant as London wall-clock time (``TZID=Europe/London``), or in UTC when that
    wall-clock time happens twice (the autumn's repeated hour): RFC 5545 says such a time
    means its first occurrence, but not every client reads it so, and UTC is unambiguous."""
    local = instant.astimezone(LONDON)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def _summary(title: str, cancelled: bool) -> str:
    # Outlook shows subscribed cancelled events like any other: say so in the title too.
    return f"Cancelled: {title}" if cancelled else title


def _words(status: str) -> str:
    return status.replace("_", " ")


_UNWRITABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
"""Control characters (no iCalendar text may hold them) and lone surrogates (no UTF-8 can)."""


class EscapedText(vText):
    """Text escaped as RFC 5545 section 3.3.11 says. icalendar's own escaping (7.x) first
    reads a written backslash and capital N as a line break, taking its input for half
    escaped, so a title holding those two characters reached every client broken in two."""

    def to_ical(self) -> bytes:
        escaped = (str(self).replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
                   .replace("\n", r"\n"))
        return escaped.encode()


def _text(value: str) -> str:
    """User text as iCalendar can carry it: every line break a bare newline (``icalendar``
    escapes it as \\n), without the characters in :data:`_UNWRITABLE`."""
    return _UNWRITABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _line(value: str) -> str:
    """User text on one line (a calendar's name)."""
    return " ".join(_text(value).split())


_PARAMETER_UNSAFE = str.maketrans({'"': "'", "\\": None, "^": None})


def _parameter(value: str) -> str:
    """User text as a parameter value (a ``CN``), which clients read differently when it holds
    a double quote or caret (RFC 6868's escapes, unknown to Outlook and vobject) or a
    backslash (which icalendar's parser takes for an escape): the quote becomes an
    apostrophe, the others go."""
    return _line(value).translate(_PARAMETER_UNSAFE)


_BUILDERS: dict[str, Callable[[Mapping[str, Any], Names, Links], Event]] = {
    MEETING_KIND: _meeting, ACTION_KIND: _action, REPORT_KIND: _report,
    MERGER_KIND: _merger, ARRANGEMENT_KIND: _arrangement,
}
