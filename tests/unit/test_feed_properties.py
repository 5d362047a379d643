"""Whatever people type, a feed stays valid iCalendar that both parsers read back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import vobject
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hub.feeds import ical
from tests.unit.test_feed_ical import LINKS, NAMES, feed, meeting

# Any text a form or the API accepts, Welsh and emoji included; controls are dropped on the way.
WRITABLE = st.characters(blacklist_categories=("Cs", "Cc"))
TEXT = st.text(alphabet=WRITABLE | st.sampled_from(",;:\\\"\n"), min_size=1, max_size=300)
LINE = st.text(alphabet=WRITABLE | st.sampled_from(",;:\\\""), min_size=1, max_size=120)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, purpose=TEXT, place=TEXT, item=TEXT, name=LINE, invitee=LINE)
# A written backslash and N, which icalendar's own escaping takes for a line break.
@example(title="a\\Nb", purpose="\\N", place="\\N;", item="x\\N", name="\\N", invitee="\\N")
def test_any_user_text_round_trips_through_both_parsers(
    title: str, purpose: str, place: str, item: str, name: str, invitee: str
) -> None:
    starts = datetime(2027, 2, 3, 10, tzinfo=UTC)
    record = meeting(
        title=title, purpose=purpose, place=place, agenda=[{"title": item}],
        starts_at=starts, ends_at=starts + timedelta(hours=1),
    )
    names = {**NAMES, "leicester-city-council": invitee}
    body = feed(ical.fragment("meeting", record, names, LINKS), name=name)
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    [vevent] = vobject.readOne(body.decode("utf-8")).vevent_list
    assert str(event["summary"]) == vevent.summary.value == title
    assert str(event["location"]) == vevent.location.value == place
    assert purpose in vevent.description.value and item in vevent.description.value
    assert str(event["description"]) == vevent.description.value
    attendees: Any = event["attendee"]
    cn = {a.params["PARTSTAT"]: a.params["CN"] for a in attendees}
    # A name on one line; in a parameter, no client reads \\ or ^ alike, and " becomes '.
    expected = " ".join(invitee.replace('"', "'").replace("\\", "").replace("^", "").split())
    expected = expected or "leicester-city-council"
    assert cn["ACCEPTED"] == expected
    assert {a.params["CN"][0] for a in vevent.attendee_list} >= {expected}
