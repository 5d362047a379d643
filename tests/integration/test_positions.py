"""What a caller is shown of positions says nothing of events it may not see (issue 18,
finding 11 and item 9): another area's activity cannot be counted from a page, the event feed
or a socket, whether from the latest position or from the gaps between two."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.events.cursors import BadCursor, Cursors
from tests.e2e.live_server import append_members
from tests.web import client_of, signed_in

CITY = "city@leicester.example.org"
OTHER_AREA = "area-dyfed-powys"


def _live_after(html: str) -> str:
    found = re.search(r'data-live-after="([^"]+)"', html)
    assert found, "the page has no live position"
    return found.group(1)


def test_the_head_of_some_workspaces_moves_only_with_their_events(demo_hub: Hub) -> None:
    store = demo_hub.store
    mine = ["csp-safer-leicester", "area-leicestershire"]
    before = store.head_position(mine)
    assert 0 < before <= store.head_position()
    append_members(demo_hub, OTHER_AREA, 3, area_workspace=OTHER_AREA)
    assert store.head_position(mine) == before
    added = append_members(demo_hub, "csp-safer-leicester", 1)
    assert store.head_position(mine) == added[-1] == store.head_position()
    assert store.head_position([]) == 0
    assert store.head_position(["no-such-workspace"]) == 0


def test_pages_do_not_show_another_areas_event_count(demo_hub: Hub) -> None:
    client = signed_in(demo_hub, CITY)
    pages = ("/", "/areas/leicestershire/duty-register")
    before = [_live_after(client.get(path).text) for path in pages]
    append_members(demo_hub, OTHER_AREA, 3, area_workspace=OTHER_AREA)
    assert [_live_after(client.get(path).text) for path in pages] == before


def test_readiness_gives_the_dispatchers_lag_to_the_operator_alone(demo_hub: Hub) -> None:
    # The lag counts the whole log's undispatched events: anyone else could watch it grow
    # with another area's work.
    demo_hub.settings = dataclasses.replace(demo_hub.settings, metrics_token="operator")
    client = client_of(demo_hub)
    anyone = client.get("/readyz")
    assert anyone.status_code == 200 and "dispatcher_lag" not in anyone.json()
    assert anyone.json()["status"] == "ready"
    wrong = client.get("/readyz", headers={"Authorization": "Bearer guessed"})
    assert "dispatcher_lag" not in wrong.json()
    operator = client.get("/readyz", headers={"Authorization": "Bearer operator"})
    assert isinstance(operator.json()["dispatcher_lag"], int)


def _feed(client: TestClient) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = "0"
    while page := client.get("/api/events", params={"after": after}).json()["events"]:
        events += page
        after = page[-1]["position"]
    return events


def test_the_positions_a_caller_sees_hide_what_other_areas_recorded_between(
    demo_hub: Hub,
) -> None:
    client = signed_in(demo_hub, CITY)
    mine = "csp-safer-leicester"
    append_members(demo_hub, mine, 1)
    append_members(demo_hub, OTHER_AREA, 3, area_workspace=OTHER_AREA)
    append_members(demo_hub, mine, 1)
    *_, first, second = _feed(client)
    page = client.get(f"/workspaces/{mine}").text
    shown = [first["position"], second["position"], _live_after(page)]
    # Two numbers would differ by one plus Dyfed-Powys' three events: these are no numbers,
    # and open with the deployment's key alone.
    for cursor in shown:
        assert isinstance(cursor, str) and not cursor.isdigit(), shown
        with pytest.raises(BadCursor):
            Cursors("a key the caller might guess").position(cursor)
    assert shown[2] == shown[1], "the page resumes from the newest event it shows"
    assert f'data-position="{second["position"]}"' in page
    # Resuming works, and a raw number is no way in: it would let a caller probe positions.
    assert [e["id"] for e in client.get(
        "/api/events", params={"after": first["position"]}
    ).json()["events"]] == [second["id"]]
    guess = client.get("/api/events", params={"after": demo_hub.store.head_position() - 1})
    assert guess.status_code == 400 and guess.json()["code"] == "request.bad_query"
