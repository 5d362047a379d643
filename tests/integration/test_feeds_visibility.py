"""A feed never shows what its owner may no longer see: another area's records, or a
workspace its organisation has left; and it stops with the account of the person it belongs
to — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from hub.access.policy import Actor
from hub.access.tables import users_table
from hub.bootstrap import Hub
from hub.domain import directory
from hub.handlers import meetings as meeting_handlers
from hub.service import handle
from schemas.commands import directory as directory_commands
from tests.clocks import HandClock
from tests.integration.test_feeds_content import (
    CITY_EMAIL,
    OPCC,
    OPCC_EMAIL,
    convene,
    meeting_uid,
    read_feed,
    subscribe,
)
from tests.web import client_of, sign_in

BOARD = "leicestershire-rutland-strategy-board"
NETWORK, NETWORK_EMAIL = "safer-communities-network", "network@voluntary.example.org"
DP_OFFICE = Actor(user_id="test-dp-opcc", organisation_id="dyfed-powys-opcc",
                  area_ids=frozenset({"dyfed-powys"}))


@pytest.fixture
def hub(demo_hub: Hub) -> Hub:
    demo_hub.clock = HandClock()
    return demo_hub


def person(hub: Hub, email: str) -> TestClient:
    client = client_of(hub)
    sign_in(client, email)
    return client


def shown(client: TestClient, path: str) -> set[str]:
    """The UIDs a calendar client polling ``path`` is shown (the feed must answer 200)."""
    answer = TestClient(client.app).get(path)
    assert answer.status_code == 200, answer.text
    return set(read_feed(answer.content))


def leave(hub: Hub, workspace_id: str, organisation_id: str) -> None:
    """The office takes an organisation out of a workspace."""
    handle(hub, directory.WORKSPACE, workspace_id, directory_commands.RemoveWorkspaceMember(
        workspace_id=workspace_id, organisation_id=organisation_id), OPCC)


def test_another_areas_meetings_are_in_no_feed_of_this_area(hub: Hub) -> None:
    welsh = meeting_handlers.convene_meeting(
        hub, DP_OFFICE, kind="voluntary", title="Dyfed-Powys community safety leads",
        purpose="Share plans.", starts_local=datetime(2027, 2, 2, 10),
        ends_local=datetime(2027, 2, 2, 11), place="Neuadd y Sir, Caerfyrddin",
        invitations=[{"organisation_id": "carmarthenshire-council"}],
    ).id
    english = convene(hub, starts=datetime(2027, 2, 2, 10))
    office, city = person(hub, OPCC_EMAIL), person(hub, CITY_EMAIL)
    for client, kinds in ((office, ("user", "organisation")), (city, ("user", "organisation"))):
        for kind in kinds:
            uids = shown(client, subscribe(client, kind=kind))
            assert meeting_uid(english) in uids
            assert meeting_uid(welsh) not in uids
    area = shown(office, subscribe(office, kind="workspace", workspace_id="area-leicestershire"))
    assert meeting_uid(english) in area and meeting_uid(welsh) not in area
    carmarthenshire = person(hub, "council@carmarthenshire.example.org")
    theirs = shown(carmarthenshire, subscribe(carmarthenshire, kind="user"))
    assert meeting_uid(welsh) in theirs and meeting_uid(english) not in theirs
    refused = carmarthenshire.post(
        "/api/calendar-feeds", json={"kind": "workspace", "workspace_id": "area-leicestershire"}
    )
    assert refused.status_code == 404 and refused.json()["code"] == "record.not_found"


def test_a_workspace_left_takes_its_meetings_out_of_the_feeds(hub: Hub) -> None:
    # The network is in the area's workspace and the board; once out of the area's workspace
    # it sees the board's meetings only through the board.
    leave(hub, "area-leicestershire", NETWORK)
    meeting_id = convene(hub, starts=datetime(2027, 3, 9, 14), kind="voluntary",
                         workspace_id=BOARD, invitations=[{"organisation_id": NETWORK}])
    network = person(hub, NETWORK_EMAIL)
    own = subscribe(network, kind="user")
    board = subscribe(network, kind="workspace", workspace_id=BOARD)
    assert meeting_uid(meeting_id) in shown(network, own)
    assert meeting_uid(meeting_id) in shown(network, board)

    leave(hub, BOARD, NETWORK)
    assert meeting_uid(meeting_id) not in shown(network, own)
    assert TestClient(network.app).get(board).status_code == 404


def test_a_persons_feeds_stop_with_their_account_but_not_the_organisations(hub: Hub) -> None:
    city = person(hub, CITY_EMAIL)
    own = subscribe(city, kind="user")
    shared = subscribe(city, kind="organisation")
    calendar = TestClient(city.app)
    assert calendar.get(own).status_code == 200
    with hub.engine.begin() as conn:
        conn.execute(update(users_table).where(users_table.c.email == CITY_EMAIL)
                     .values(disabled=True))
    assert calendar.get(own).status_code == 404
    assert calendar.get(shared).status_code == 200


def test_a_person_who_moves_organisation_loses_the_old_ones_feed(hub: Hub) -> None:
    police = person(hub, "police@leicestershire.example.org")
    own = subscribe(police, kind="user")
    with hub.engine.begin() as conn:
        conn.execute(update(users_table)
                     .where(users_table.c.email == "police@leicestershire.example.org")
                     .values(organisation_id="leicestershire-opcc"))
    assert TestClient(police.app).get(own).status_code == 404
