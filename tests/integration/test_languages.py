"""A language per person, and activity lines in it (issue 19, "Ready for Welsh"): chosen on
the account page, it wins over the browser's Accept-Language for their pages; a workspace's
activity is written in the reader's language; a live broker describes an event once per
language among its sockets. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest

from hub.bootstrap import Hub, workspace_channel
from hub.events import NewEvent, StreamRef
from hub.web.auth import Credentials
from hub.web.describe import OrganisationNames, describe
from hub.web.live import Access, LiveBroker, Subscriber
from schemas.events import directory as ev
from tests.web import followed, signed_in
from tests.welsh import WELSH, welsh_locale  # noqa: F401 (the fixture below)

pytestmark = pytest.mark.usefixtures("welsh_locale")

CITY = "city@leicester.example.org"
OFFICE = "opcc@leicestershire.example.org"
WORKSPACE = "csp-safer-leicester"
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
JOINED = "%(organisation)s joined the workspace “%(subject)s”"
WORDS = {"organisation": "Rutland County Council", "subject": "Safer Leicester Partnership"}


def _join(hub: Hub) -> int:
    """Rutland County Council joins Safer Leicester's workspace; the event's position."""
    stream = StreamRef.of("workspace", WORKSPACE)
    result = hub.store.append(stream, hub.store.stream_version(stream.id), [NewEvent(
        ev.WorkspaceMemberAdded(workspace_id=WORKSPACE, organisation_id="rutland-county-council"),
        (WORKSPACE,),
    )])
    return result.events[0].position


def test_a_person_chooses_their_language_and_it_wins_over_their_browser(
    demo_hub: Hub
) -> None:
    city = signed_in(demo_hub, CITY)
    page = city.get("/account/language", headers=ENGLISH)
    assert page.status_code == 200 and '<html lang="en"' in page.text
    assert re.search(r'value="en" checked', page.text)
    # Each language is named in itself, and marked as such for screen readers.
    [welsh_label] = re.findall(r'<label[^>]*>\s*Cymraeg\s*</label>', page.text)
    assert 'lang="cy"' in welsh_label

    # Nothing chosen, or a language the hub does not have: an error beside the radios.
    for posted in ({}, {"locale": "fr"}):
        refused = followed(city, city.post(
            "/account/language", headers=ENGLISH,
            data={"csrf_token": city.csrf, **posted}))  # type: ignore[attr-defined]
        assert refused.status_code == 400
        assert 'id="locale-error"' in refused.text
        assert "Select the language you want to use" in refused.text
    assert demo_hub.accounts.user_by_email(CITY).locale is None

    saved = city.post("/account/language", headers=ENGLISH,
                      data={"csrf_token": city.csrf, "locale": "cy"})  # type: ignore[attr-defined]
    assert saved.status_code == 303
    assert saved.headers["location"] == "/account/language?saved=1"
    assert demo_hub.accounts.user_by_email(CITY).locale == "cy"
    page = city.get(saved.headers["location"], headers=ENGLISH)
    assert '<html lang="cy"' in page.text
    assert WELSH["Your language is saved"] in page.text.replace("&#39;", "'")
    assert re.search(r'value="cy" checked', page.text)

    # Their workspace's activity is in Welsh whatever the browser asks; another person's
    # stays in the language of theirs.
    _join(demo_hub)
    activity = city.get(f"/workspaces/{WORKSPACE}", headers=ENGLISH).text
    assert WELSH[JOINED] % WORDS in activity
    office = signed_in(demo_hub, OFFICE).get(f"/workspaces/{WORKSPACE}", headers=ENGLISH).text
    assert JOINED % WORDS in office and WELSH[JOINED] % WORDS not in office
    assert '<html lang="en"' in office


def test_a_broker_describes_an_event_once_per_language_among_its_sockets(
    demo_hub: Hub
) -> None:
    broker = LiveBroker(demo_hub, OrganisationNames(demo_hub.engine))
    access = Access("someone", "leicester-city-council", Credentials("", None))
    readers = {name: Subscriber(frozenset({WORKSPACE}), 10, 0.0, access, locale)
               for name, locale in (("cy1", "cy"), ("cy2", "cy"), ("en", "en"))}
    broker.by_workspace[WORKSPACE] = set(readers.values())
    position = _join(demo_hub)
    [event] = demo_hub.store.read_all(position - 1, 1)
    broker._route(workspace_channel(WORKSPACE), json.dumps(event.envelope()))

    frames = {name: reader.pending[0][1] for name, reader in readers.items()}
    # The two Welsh readers share one frame: the event was described once for them.
    assert frames["cy1"] is frames["cy2"]
    assert json.loads(frames["cy1"])["summary"] == WELSH[JOINED] % WORDS
    assert json.loads(frames["en"])["summary"] == JOINED % WORDS
    # The frames differ only in their summary: partners' browsers rely on the rest.
    welsh_frame, english_frame = json.loads(frames["cy1"]), json.loads(frames["en"])
    del welsh_frame["summary"], english_frame["summary"]
    assert welsh_frame == english_frame


def test_every_demo_event_reads_as_a_sentence_with_its_names_found(demo_hub: Hub) -> None:
    names = OrganisationNames(demo_hub.engine)
    fallbacks = ("untitled", "An organisation", "a person", "Something changed")
    events = demo_hub.store.read_all(0, 100_000)
    assert len({e.type for e in events}) > 60
    for event in events:
        line = describe(event.envelope(), names)
        assert not any(word in line for word in fallbacks), (event.type, line)
        assert event.type not in line, line
        # An organisation the event names is named, never shown by its id.
        for field in ("by_organisation", "organisation_id", "owner_organisation_id"):
            if event.data.get(field):
                assert str(event.data[field]) not in line, (event.type, line)
