"""The demo replayed, as a local would read it: North Yorkshire's history and today's bodies,
Cumbria's and the City of London's dates, Leicestershire's two youth justice services, and a
reg 14A meeting on a cross-area strategy subject; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from hub.access.accounts import Role
from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.demo import mergers as demo_mergers
from hub.demo.meetings import HELD
from hub.events import StreamRef
from hub.projections.directory import areas, csps, members, organisations, terms, workspaces
from hub.projections.meetings import get_meeting
from hub.projections.mergers import get_merger
from tests.conftest import DemoCopy, HubFactory
from tests.web import DEMO_PASSWORD, signed_in

NY = "north-yorkshire"
TODAYS_NY_BODIES = {
    "north-yorkshire-council", "north-yorkshire-police", "york-north-yorkshire-fire",
    "humber-north-yorkshire-icb", "west-yorkshire-icb", "probation-yorkshire-humber",
}
OF_2014 = {
    "craven-district-council", "hambleton-district-council", "richmondshire-district-council",
    "harrogate-borough-council", "ryedale-district-council", "scarborough-borough-council",
    "selby-district-council", "north-yorkshire-county-council", "north-yorkshire-fire-authority",
    "airedale-wharfedale-craven-ccg", "hambleton-richmondshire-whitby-ccg",
    "harrogate-rural-district-ccg", "scarborough-ryedale-ccg", "vale-of-york-ccg",
    "nps-north-east", "hlny-crc", "north-yorkshire-pcc-2012", "north-yorkshire-pfcc",
}


def _terms(hub: Hub, area_id: str) -> list[tuple[str, str, date]]:
    with hub.engine.connect() as conn:
        return [(r.organisation_id, r.kind, r.starts_on) for r in conn.execute(
            select(terms).where(terms.c.area_id == area_id).order_by(terms.c.starts_on))]


def _area(hub: Hub, area_id: str) -> Any:
    with hub.engine.connect() as conn:
        return conn.execute(select(areas).where(areas.c.area_id == area_id)).one()


def test_the_demo_replays_north_yorkshires_history_to_todays_bodies(
    make_hub: HubFactory, demo_copy: DemoCopy,
) -> None:
    hub = make_hub(database_url=demo_copy())
    assert _terms(hub, NY) == [
        ("north-yorkshire-pcc-2012", "pcc", date(2012, 11, 22)),
        ("north-yorkshire-pfcc", "pfcc", date(2018, 11, 15)),
        ("north-yorkshire-opcc", "mayor", date(2024, 5, 7)),
    ]
    assert _area(hub, NY).policing_body_id == "north-yorkshire-opcc"

    # The 2014 merger was proposed and signed by the PCC of the day.
    merger = get_merger(hub.engine, SYSTEM, demo_mergers.NY_MERGER)
    [body] = [p for p in merger["parties"] if p["role"] == "policing_body"]
    assert (body["organisation_id"], body["signed_on"]) == (
        "north-yorkshire-pcc-2012", "2014-09-09")
    proposed = hub.store.read_stream(StreamRef.of("merger", demo_mergers.NY_MERGER).id)[0]
    assert proposed.data["by_organisation"] == "north-yorkshire-pcc-2012"

    # On 1 April 2023 the CSP for the North Yorkshire Council area arose by law, with
    # today's bodies and no s.5A agreement, and the combined CSP of 2014 ended.
    today = "north-yorkshire-council-csp"
    with hub.engine.connect() as conn:
        rows = {r.csp_id: r for r in conn.execute(select(csps).where(csps.c.area_id == NY))}
        spaces = {r.workspace_id: r for r in conn.execute(select(workspaces))}
        space = set(conn.execute(select(members.c.organisation_id).where(
            members.c.workspace_id == f"csp-{today}")).scalars())
        ended = {r.organisation_id: (r.valid_to, r.succeeded_by) for r in conn.execute(
            select(organisations).where(organisations.c.valid_to.is_not(None)))}
    combined, arisen, york = rows[demo_mergers.NY_COMBINED], rows[today], rows[
        "safer-york-partnership"]
    assert (combined.valid_to, combined.succeeded_by) == (date(2023, 3, 31), today)
    assert (arisen.name, arisen.valid_from, arisen.valid_to, arisen.merged_from,
            arisen.local_government_areas) == (
        "North Yorkshire Community Safety Partnership", date(2023, 4, 1), None, [],
        ["North Yorkshire"])
    assert set(arisen.responsible_authorities) == TODAYS_NY_BODIES
    assert space == TODAYS_NY_BODIES | {"north-yorkshire-opcc"}
    assert spaces[f"csp-{demo_mergers.NY_COMBINED}"].merged_into == f"csp-{today}"
    assert not OF_2014 & set(york.responsible_authorities)
    assert "city-of-york-council" in york.responsible_authorities
    assert {c for c, r in rows.items() if r.valid_to is None} == {
        today, "safer-york-partnership"}

    # Every body of 2014 ended, on the day before its successor took over, and stays in the
    # history.
    assert ended["north-yorkshire-fire-authority"] == (
        date(2018, 11, 14), ["north-yorkshire-pfcc-fire"])
    assert ended["hlny-crc"] == ended["nps-north-east"] == (
        date(2021, 6, 25), ["probation-yorkshire-humber"])
    assert ended["airedale-wharfedale-craven-ccg"] == (date(2022, 6, 30), ["west-yorkshire-icb"])
    assert ended["vale-of-york-ccg"] == (date(2022, 6, 30), ["humber-north-yorkshire-icb"])
    assert ended["craven-district-council"] == ended["north-yorkshire-county-council"] == (
        date(2023, 3, 31), ["north-yorkshire-council"])
    assert ended["north-yorkshire-pfcc-fire"] == (date(2024, 5, 6), ["york-north-yorkshire-fire"])
    assert set(ended) >= OF_2014
    assert not TODAYS_NY_BODIES & set(ended)

    # The history is in the log, in the order it happened: the changes in force, and the
    # combined CSP's bodies changing until it ended.
    # The 2014 agreement ended with its combined CSP, in its own history, and reads ended
    # from 1 April 2023 on its page and in the list.
    [ending] = [e for e in hub.store.read_stream(StreamRef.of(
        "merger", demo_mergers.NY_MERGER).id) if e.type == "merger.combined_csp_ended"]
    assert (ending.data["csp_ended_on"], ending.data["succeeded_by"],
            ending.data["council_id"]) == ("2023-03-31", today, "north-yorkshire-council")
    merger = get_merger(hub.engine, SYSTEM, demo_mergers.NY_MERGER)
    assert (merger["status"], merger["csp_ended_on"]) == ("ended_with_csp", "2023-03-31")
    hub.accounts.create_user(email="officer@north-yorkshire.example.org", name="Ada Officer",
                             organisation_id="north-yorkshire-opcc", role=Role.MEMBER,
                             password=DEMO_PASSWORD)
    officer = signed_in(hub, "officer@north-yorkshire.example.org")
    page = " ".join(officer.get(f"/records/mergers/{demo_mergers.NY_MERGER}").text.split())
    assert "Ended with its partnership" in page and "In effect" not in page
    assert ("The combined partnership ended on 31 March 2023, when the North Yorkshire "
            "Community Safety Partnership arose by law for North Yorkshire Council&#39;s area."
            ) in page
    listed = " ".join(officer.get("/records/mergers").text.split())
    assert "1 April 2015 (ended 31 March 2023)" in listed

    in_force = [e.data["on_date"] for e in hub.store.iter_all()
                if e.type == "directory_change.took_effect"]
    assert in_force == ["2018-11-15", "2021-06-26", "2022-07-01", "2023-04-01", "2024-05-07"]
    changes = [e.data["responsible_authorities"] for e in hub.store.read_stream(
        StreamRef.of("csp", demo_mergers.NY_COMBINED).id) if e.type == "csp.authorities_changed"]
    assert [("north-yorkshire-pfcc-fire" in c, "probation-yorkshire-humber" in c,
             "west-yorkshire-icb" in c, "craven-district-council" in c) for c in changes] == [
        (True, False, False, True), (True, True, False, True), (True, True, True, True),
    ]


def test_the_demo_dates_and_bodies_a_local_would_check(
    make_hub: HubFactory, demo_copy: DemoCopy,
) -> None:
    hub = make_hub(database_url=demo_copy())
    assert _terms(hub, "cumbria") == [
        ("cumbria-pcc-2012", "pcc", date(2012, 11, 22)),
        ("cumbria-opcc", "pfcc", date(2023, 4, 1)),
    ]
    # No start date means anything for the City of London's Common Council: none is shown.
    city = _area(hub, "city-of-london")
    assert (city.policing_body_id, city.policing_body_since) == (
        "city-of-london-opcc", None)
    assert _terms(hub, "city-of-london") == []
    with hub.engine.connect() as conn:
        youth = {r.name for r in conn.execute(select(organisations).where(
            organisations.c.kind == "youth_offending_team"))}
    assert youth == {"Leicester City Youth Justice Service",
                     "Leicestershire County Youth Justice Service"}
    varied = [e for e in hub.store.read_stream(
        StreamRef.of("cj_arrangement", "demo-leics-youth-justice").id)
        if e.type == "cj_arrangement.terms_varied"]
    assert "joins" not in varied[0].data["reason"]
    assert "leicestershire-county-yjs" in {p["organisation_id"] for p in varied[0].data["parties"]}
    held = get_meeting(hub.engine, SYSTEM, HELD)
    assert held["kind"] == "reg_14a" and "re-offending" in held["title"]
    assert "abuse" not in held["title"].lower()
