"""Organisations end, and CSPs arise by law: a reorganisation dated in the future, through the
handlers, the scheduled job, the operator command and the API, each with its dry run; on
SQLite and PostgreSQL with real Redis and RQ."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.access.policy import SYSTEM, Actor, NotPermitted
from hub.bootstrap import Hub
from hub.demo.meetings import BOARD, HELD
from hub.domain import directory
from hub.domain.directory import london_today
from hub.domain.duties_errors import NotStrategyOwner
from hub.domain.errors import NotFound
from hub.domain.meetings import NotActionOwner, NotInvited
from hub.domain.reorganisation import OrganisationAlreadyEnded
from hub.domain.reports import NotAddressedAuthority
from hub.events import StreamRef
from hub.feeds.scope import open_feed
from hub.feeds.tokens import CalendarFeeds, FeedKind
from hub.handlers import duties as duty_handlers
from hub.handlers import meetings as meeting_handlers
from hub.handlers import reorganisation
from hub.handlers import reports as report_handlers
from hub.mail.recipients import set_contact
from hub.mail.tables import messages_table
from hub.projections.directory import csps, members, organisations
from hub.projections.meetings import invitations, meetings
from hub.projections.reports import report_authorities, report_requests
from hub.service import handle, handle_as_hub
from schemas.commands import directory as dcmd
from schemas.events.directory import Succession
from tests.clocks import ShiftedClock
from tests.conftest import DemoCopy, HubFactory
from tests.integration.test_duties_register import OBJECTIVES, period, register
from tests.integration.test_meetings_schedules import react, scheduled
from tests.integration.test_reports_api import Api
from tests.web import client_of, signed_in
from workers import reorganisation as jobs
from workers.runtime import use_hub
from workers.scheduling import unschedule

LEICS, OPCC = "leicestershire", "leicestershire-opcc"
NEW = "leicestershire-council"
DISTRICTS = ("blaby", "charnwood", "harborough", "hinckley-and-bosworth", "melton",
             "north-west-leicestershire", "oadby-and-wigston")
COUNCILS = (*(f"{d}-council" for d in DISTRICTS), "leicestershire-county-council")
ON = date(2027, 4, 1)
RECORDED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LONDON_MIDNIGHT = datetime(2027, 3, 31, 23, 0, 1, tzinfo=UTC)  # just after 00:00 BST, 1 April
ENDS = [Succession(organisation_id=c, successor_ids=[NEW]) for c in COUNCILS]


def staff(organisation_id: str) -> Actor:
    return Actor(user_id=f"u-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({LEICS}))


def _register_new_council(hub: Hub) -> None:
    handle(hub, directory.ORGANISATION, NEW, dcmd.RegisterOrganisation(
        organisation_id=NEW, name="Leicestershire Council", kind="unitary_council",
        area_ids=[LEICS], country="england",
    ), SYSTEM)


@pytest.fixture
def clocked(make_hub: HubFactory, demo_copy: DemoCopy, redis_url: str) -> tuple[Hub, ShiftedClock]:
    """The demo on a clock in November 2026, with a queue of the test's own."""
    database = os.getpid() % 15 + 1
    hub = make_hub(database_url=demo_copy(),
                   redis_url=f"{redis_url.rsplit('/', 1)[0]}/{database}",
                   queue_name=f"test-{uuid.uuid4().hex[:12]}")
    clock = ShiftedClock(RECORDED)
    hub.clock = clock
    use_hub(hub)
    react(hub)
    _register_new_council(hub)
    return hub, clock


def _csp(hub: Hub, csp_id: str) -> Any:
    with hub.engine.connect() as conn:
        return conn.execute(select(csps).where(csps.c.csp_id == csp_id)).one()


def _members(hub: Hub, workspace_id: str) -> set[str]:
    with hub.engine.connect() as conn:
        return set(conn.execute(select(members.c.organisation_id).where(
            members.c.workspace_id == workspace_id)).scalars())


def test_a_reorganisation_dated_later_changes_nothing_until_its_london_date(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    asked = report_handlers.require_report(
        hub, staff(OPCC), csp_id="blaby-csp", kind="informal", title="Night-time economy",
        matters="ASB in the town centre",
    )
    county = "leicestershire-county-council"
    blaby = staff("blaby-council")
    priority = register(hub, blaby, csp_id="blaby-csp")
    plan = duty_handlers.record_plan(hub, staff(OPCC), title="Police and Crime Plan",
                                     period=period(hub), objectives=OBJECTIVES).id
    regard = duty_handlers.record_strategy_regard(
        hub, blaby, plan_id=plan, csp_id="blaby-csp",
        strategy={"kind": "partnership_plan", "title": "Blaby community safety plan"}).id
    feed = CalendarFeeds(hub.engine, hub.clock).create(
        Actor(user_id="u-county-admin", organisation_id=county, area_ids=frozenset({LEICS}),
              role="admin"), FeedKind.ORGANISATION)
    # The dry run lists what will move, and writes nothing.
    head = hub.store.head_position()
    preview = reorganisation.preview_change(hub, staff(OPCC), on_date=ON, ends=ENDS)
    assert hub.store.head_position() == head
    [arising] = preview["csps_arising"]
    assert (arising["csp_id"], arising["name"], set(arising["replaces"])) == (
        "leicestershire-council-csp", "Leicestershire Community Safety Partnership",
        {f"{d}-csp" for d in DISTRICTS})
    assert asked.id in {r["request_id"] for r in preview["records"]["report_requests"]}
    assert priority in preview["records"]["priorities"]
    assert regard in preview["records"]["regard_records"]
    assert {"workspace_id": f"area-{LEICS}", "organisation_id": NEW} in (
        preview["memberships"]["joining"])
    assert preview["takes_effect"] == "on the date"
    assert [(f["feed_id"], f["to"]) for f in preview["feeds"]] == [(feed.feed.feed_id, NEW)]
    invited = {i["meeting_id"] for i in preview["records"]["invitations"]
               if i["organisation_id"] == county}
    assert invited, "the demo's open meetings invite the county council"

    created = reorganisation.record_change(hub, staff(OPCC), on_date=ON, ends=ENDS)
    react(hub)
    # Nothing has changed yet: the districts' CSPs stand, the county council is an authority.
    assert _csp(hub, "blaby-csp").valid_to is None
    assert "leicestershire-county-council" in _members(hub, f"area-{LEICS}")
    # A second change naming a council the first will end is refused.
    with pytest.raises(OrganisationAlreadyEnded):
        reorganisation.record_change(hub, staff(OPCC), on_date=date(2027, 6, 1), ends=ENDS[:1])

    # The job is scheduled for the start of 1 April in London; Redis losing it, a worker
    # starting re-arms it.
    job_id = jobs.change_job_id(created.id, ON)
    assert job_id in scheduled(hub)
    unschedule(hub, job_id)
    assert jobs.resume_changes(hub) == 1
    assert jobs.resume_changes(hub) == 0, "a job still armed is left as it is"

    clock.set(datetime(2027, 3, 31, 22, 0, tzinfo=UTC))
    assert jobs.carry_out(created.id, ON.isoformat()) is False
    assert _csp(hub, "blaby-csp").valid_to is None

    clock.set(LONDON_MIDNIGHT)
    # A worker stopped half way (the new CSP registered, two of the districts' CSPs ended):
    # the job finishes the change as it was planned.
    for step in reorganisation.planned(hub, created.id).steps[:4]:
        handle_as_hub(hub, step.record, step.key, step.command, step.idempotency_key)
    assert _csp(hub, "blaby-csp").valid_to == date(2027, 3, 31)
    assert jobs.carry_out(created.id, ON.isoformat()) is True
    assert jobs.carry_out(created.id, ON.isoformat()) is True
    took = [e for e in hub.store.iter_all() if e.type == "directory_change.took_effect"
            and e.data["change_id"] == created.id]
    assert len(took) == 1, "the change happens once however often the job runs"

    # The CSP for the new area arose by law, with its responsible authorities; the districts'
    # CSPs ended the day before; the city's and Rutland's stand.
    arisen = _csp(hub, "leicestershire-council-csp")
    assert (arisen.valid_from, arisen.merged_from, arisen.local_government_areas) == (
        ON, [], ["Leicestershire"])
    assert arisen.responsible_authorities[0] == NEW
    assert not set(COUNCILS) & set(arisen.responsible_authorities)
    assert {"leicestershire-police", "llr-icb", "probation-east-midlands"} <= set(
        arisen.responsible_authorities)
    for d in DISTRICTS:
        ended = _csp(hub, f"{d}-csp")
        assert (ended.valid_to, ended.succeeded_by) == (date(2027, 3, 31), arisen.csp_id)
    assert _csp(hub, "safer-leicester").valid_to is None
    assert "leicestershire-county-council" not in _csp(hub, "safer-rutland").responsible_authorities

    # Open records pass on; memberships follow.
    with hub.engine.connect() as conn:
        request = conn.execute(select(report_requests).where(
            report_requests.c.request_id == asked.id)).one()
        addressed = set(conn.execute(select(report_authorities.c.organisation_id).where(
            report_authorities.c.request_id == asked.id)).scalars())
        county_row = conn.execute(select(organisations).where(
            organisations.c.organisation_id == county)).one()
    assert request.csp_id == arisen.csp_id
    assert NEW in addressed and "blaby-council" not in addressed
    # The request's own history says so, and the successor answers it as an addressed
    # authority; the ended council no longer can.
    [passed] = [e for e in report_handlers.report_history(hub, asked.id)
                if e.type == "report_request.authorities_succeeded"]
    assert {s["organisation_id"] for s in passed.data["successions"]} == {
        "blaby-council", county}
    assert NEW in passed.data["addressed"] and county not in passed.data["addressed"]
    report_handlers.acknowledge_report(hub, staff(NEW), asked.id)
    with pytest.raises(NotAddressedAuthority):
        report_handlers.acknowledge_report(hub, staff("blaby-council"), asked.id)
    assert (county_row.valid_to, county_row.succeeded_by) == (date(2027, 3, 31), [NEW])
    # The ended council's priority and record of regard pass to its successor and the new CSP
    # in their own histories: the successor keeps them, the ended council no longer can.
    for record, key in (("priority", priority), ("reciprocal_regard", regard)):
        [moved] = [e for e in hub.store.read_stream(StreamRef.of(record, key).id)
                   if e.type == f"{record}.passed_to_successor"]
        assert (moved.data["organisation_id"], moved.data["csp_id"], moved.data["change_id"]) == (
            NEW, arisen.csp_id, created.id)
    duty_handlers.note_objective_regard(hub, staff(NEW), regard, objective_id="safer-streets",
                                        note="Shaped the new council's strategy")
    with pytest.raises(NotStrategyOwner):
        duty_handlers.finalise_strategy_regard(hub, blaby, regard)
    # Through the API too: the ended council has left every workspace, so its system no
    # longer finds the priority at all; its successor's retires it.
    client = client_of(hub)
    retire = f"/api/priorities/{priority}/retire"
    read = {"expected_version": hub.store.stream_version(f"priority-{priority}")}
    refused = Api(hub, client, "blaby-council").post(retire, {**read, "reason": "Not ours"})
    assert (refused.status_code, refused.json()["code"]) == (404, "record.not_found")
    retired = Api(hub, client, NEW).post(retire, {**read, "reason": "Replaced by the new plan"})
    assert retired.status_code == 200, retired.text
    area = _members(hub, f"area-{LEICS}")
    assert NEW in area and not set(COUNCILS) & area
    assert NEW in _members(hub, "csp-leicestershire-council-csp")
    with hub.engine.connect() as conn:
        now_invited = {(r.meeting_id, r.organisation_id) for r in conn.execute(
            select(invitations).where(invitations.c.meeting_id.in_(sorted(invited))))}
    assert {m for m, o in now_invited if o == NEW} == invited
    assert not {m for m, o in now_invited if o == county}
    # The county council's calendar feed follows it to its successor's workspaces.
    scope = open_feed(hub.engine, feed.token, hub.clock())
    assert scope is not None and scope.organisation_id == NEW
    assert "csp-leicestershire-council-csp" in scope.workspace_ids
    assert jobs.resume_changes(hub) == 0


def test_open_meetings_pass_to_the_successor_who_answers_completes_and_keeps_them(
    clocked: tuple[Hub, ShiftedClock],
) -> None:
    hub, clock = clocked
    county = "leicestershire-county-council"
    convened = meeting_handlers.convene_meeting(
        hub, staff(OPCC), kind="reg_14a", title="Serious violence: the county's hotspots",
        purpose="Agree the hotspot policing and youth diversion plan", place="County Hall",
        starts_local=datetime(2027, 5, 12, 10, 0), ends_local=datetime(2027, 5, 12, 12, 0),
        invitations=[{"organisation_id": county, "required": True},
                     {"organisation_id": "blaby-council", "required": False},
                     {"organisation_id": "leicestershire-police", "required": False}],
    ).id
    meeting_handlers.respond_to_meeting(hub, staff(county), convened, response="declining",
                                        reason="Cabinet meets that morning")
    # A voluntary meeting the county council convened in the strategy board's workspace.
    kept = meeting_handlers.convene_meeting(
        hub, staff(county), kind="voluntary", title="Strategy board: drugs partnership",
        purpose="Agree the combating drugs partnership's plan", place="County Hall",
        starts_local=datetime(2027, 6, 2, 14, 0), ends_local=datetime(2027, 6, 2, 16, 0),
        invitations=[{"organisation_id": "leicestershire-police"}], workspace_id=BOARD,
    ).id
    for organisation_id in (NEW, county):
        set_contact(hub.engine, organisation_id, f"team@{organisation_id}.example.org", "test",
                    hub.clock())
    react(hub)
    clock.set(LONDON_MIDNIGHT)

    # The dry run names each invitation and action that moves, and where it goes.
    preview = reorganisation.preview_change(hub, staff(OPCC), on_date=ON, ends=ENDS)
    moving = preview["records"]
    assert {(i["organisation_id"], tuple(i["to"])) for i in moving["invitations"]
            if i["meeting_id"] == convened} == {(county, (NEW,)), ("blaby-council", (NEW,))}
    assert not {i["meeting_id"] for i in moving["invitations"]} & {HELD}, (
        "a held meeting's invitations stay as they were")
    assert [(m["meeting_id"], m["convened_by"], m["to"]) for m in moving["meetings"]] == [
        (kept, county, NEW)]
    [action] = [a for a in moving["actions"] if a["meeting_id"] == HELD]
    assert (action["action_id"], action["organisation_id"], action["to"], action["title"]) == (
        "cohort-criteria", county, NEW,
        "Reducing re-offending: integrated offender management across the area")

    head = hub.store.head_position()
    reorganisation.record_change(hub, staff(OPCC), on_date=ON, ends=ENDS)
    react(hub)
    passed = [e for e in hub.store.read_all(head, 10_000) if e.type.startswith("meeting.")]
    [invites] = [e for e in passed if e.type == "meeting.invitations_succeeded"
                 and e.data["meeting_id"] == convened]
    assert invites.data["invited"] == [{"organisation_id": NEW, "required": True}]
    [owner] = [e for e in passed if e.type == "meeting.action_owner_succeeded"
               and e.data["meeting_id"] == HELD]
    assert (owner.data["meeting_id"], owner.data["action_id"], owner.data["owner_organisation_id"]
            ) == (HELD, "cohort-criteria", NEW)
    assert not [e for e in passed if e.data.get("meeting_id") == HELD
                and e.type == "meeting.invitations_succeeded"]

    # The page's read model names the successor, unanswered; the ended council's decline and
    # its flag went with it.
    with hub.engine.connect() as conn:
        rows = {r.organisation_id: r for r in conn.execute(
            select(invitations).where(invitations.c.meeting_id == convened))}
        declines = conn.execute(select(meetings.c.required_declines).where(
            meetings.c.meeting_id == convened)).scalar_one()
    assert set(rows) == {NEW, "leicestershire-police"}
    assert (rows[NEW].required, rows[NEW].response, declines) == (True, None, 0)

    # The successor answers and completes; the ended council can do neither.
    meeting_handlers.respond_to_meeting(hub, staff(NEW), convened, response="attending",
                                        representatives=[{"name": "Priya Shah"}])
    with pytest.raises(NotInvited):
        meeting_handlers.respond_to_meeting(hub, staff(county), convened, response="attending",
                                            representatives=[{"name": "Claire Hughes"}])
    with pytest.raises(NotActionOwner):
        meeting_handlers.complete_meeting_action(hub, staff(county), HELD, "cohort-criteria",
                                                 note="Drafted")
    meeting_handlers.complete_meeting_action(hub, staff(NEW), HELD, "cohort-criteria",
                                             note="Criteria drafted by the new council")
    # The meeting the ended council kept is the successor's to run.
    with pytest.raises(NotPermitted):
        meeting_handlers.cancel_meeting(hub, staff(county), kept, reason="No longer needed")
    meeting_handlers.cancel_meeting(hub, staff(NEW), kept, reason="Merged into the new board")

    # The successor gets the invitation any new invitee gets, with its calendar REQUEST, is
    # told of the action, and gets the papers; the ended council's people no longer do.
    meeting_handlers.publish_meeting_papers(hub, staff(OPCC), convened, papers=[
        {"title": "Hotspot map", "reference": "https://papers.example.org/hotspots.pdf"}])
    react(hub)
    papers = "Papers published: Serious violence: the county's hotspots"
    with hub.engine.connect() as conn:
        mail = {m.subject: m for m in conn.execute(select(messages_table).where(
            messages_table.c.recipient == f"team@{NEW}.example.org"))}
        to_county = set(conn.execute(select(messages_table.c.subject).where(
            messages_table.c.recipient == f"team@{county}.example.org")).scalars())
    assert papers in mail and papers not in to_county
    assert any(s.startswith("Invitation: Serious violence: the county") for s in to_county), (
        "the county council had its invitation before it ended")
    invitation = mail["Invitation passed to you: Serious violence: the county's hotspots, "
                      "Wednesday 12 May 2027, 10:00"]
    assert "METHOD:REQUEST" in invitation.calendar
    assert ("Action passed to you: Reducing re-offending: integrated offender management "
            "across the area") in mail


OTHER_AREA_ORG = "carmarthenshire-council"
PROBATION, NEW_PROBATION = "probation-east-midlands", "probation-midlands"
OFFICE_USER = "opcc@leicestershire.example.org"


def test_the_api_dry_run_lists_what_will_move_with_the_office_rules(demo_hub: Hub) -> None:
    _register_new_council(demo_hub)
    client: TestClient = client_of(demo_hub)
    office, city = Api(demo_hub, client, OPCC), Api(demo_hub, client, "leicester-city-council")
    body = {"on_date": "2031-04-01", "ends": [
        {"organisation_id": c, "successor_ids": [NEW]} for c in COUNCILS]}
    head = demo_hub.store.head_position()
    answer = office.post("/api/directory/changes/dry-run", body)
    assert answer.status_code == 200, answer.text
    assert [c["csp_id"] for c in answer.json()["csps_arising"]] == ["leicestershire-council-csp"]
    assert demo_hub.store.head_position() == head

    # Only the area's office; another area's organisation is answered as a made-up one.
    refused = city.post("/api/directory/changes/dry-run", body)
    assert (refused.status_code, refused.json()["code"]) == (403, "access.not_policing_body")
    unseen = office.post("/api/directory/changes/dry-run", {**body, "ends": [
        {"organisation_id": OTHER_AREA_ORG, "successor_ids": [NEW]}]})
    made_up = office.post("/api/directory/changes/dry-run", {**body, "ends": [
        {"organisation_id": "no-such-council", "successor_ids": [NEW]}]})
    assert unseen.status_code == made_up.status_code == 404
    assert unseen.json()["code"] == made_up.json()["code"]
    itself = office.post("/api/directory/changes/dry-run", {**body, "ends": [
        {"organisation_id": NEW, "successor_ids": [NEW]}]})
    assert (itself.status_code, itself.json()["code"]) == (422, "directory_change.invalid")

    recorded = office.post("/api/directory/changes", body)
    assert recorded.status_code == 201, recorded.text
    assert [e["type"] for e in recorded.json()["events"]] == ["directory_change.recorded"]
    assert _csp(demo_hub, "blaby-csp").valid_to is None

    # A change dated today takes effect at once: lists and the register show the ended bodies.
    today = london_today(demo_hub.clock())
    ends = [{"organisation_id": PROBATION, "successor_ids": [NEW_PROBATION]}]
    handle(demo_hub, directory.ORGANISATION, NEW_PROBATION, dcmd.RegisterOrganisation(
        organisation_id=NEW_PROBATION, name="Probation Service (Midlands)",
        kind="probation_provider", area_ids=[LEICS], country="england"), SYSTEM)
    now = office.post("/api/directory/changes", {"on_date": today.isoformat(), "ends": ends})
    assert now.status_code == 201, now.text
    listed = {o["organisation_id"]: o for o in office.get("/api/organisations").json()["items"]}
    assert (listed[PROBATION]["valid_to"], listed[PROBATION]["succeeded_by"]) == (
        (today - timedelta(days=1)).isoformat(), [NEW_PROBATION])
    assert NEW_PROBATION in _csp(demo_hub, "safer-leicester").responsible_authorities
    office_pages = signed_in(demo_hub, OFFICE_USER)
    page = office_pages.get(f"/areas/{LEICS}/duty-register").text
    assert "Probation Service (East Midlands)" in page, "a decision's regard keeps who it named"
    assert f"Ended {(today - timedelta(days=1)).strftime('%-d %B %Y')}" in page
    # The demo's serious violence meeting's page names the successor among its invitees.
    meeting = office_pages.get("/records/meetings/leicestershire-serious-violence-needs").text
    assert "Probation Service (Midlands)" in meeting


def test_the_operator_command_dry_run_lists_what_will_move(
    demo_hub: Hub, demo_database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hub.cli import main

    _register_new_council(demo_hub)
    monkeypatch.setenv("DATABASE_URL", demo_database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    args = ["end-organisations", *(f"{c}={NEW}" for c in COUNCILS), "--on", "2031-04-01"]
    head = demo_hub.store.head_position()
    assert main([*args, "--dry-run"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert {c["csp_id"] for c in preview["csps_ending"]} == {f"{d}-csp" for d in DISTRICTS}
    assert demo_hub.store.head_position() == head
    assert main(["end-organisations", "no-such-council=" + NEW, "--on", "2031-04-01"]) == 1
    assert "no such organisation no-such-council" in capsys.readouterr().err
    assert main(args) == 0
    assert "recorded, in force on that date" in capsys.readouterr().out
    with pytest.raises(NotFound):
        reorganisation.preview_change(demo_hub, staff(OPCC), on_date=ON, ends=[Succession(
            organisation_id=OTHER_AREA_ORG, successor_ids=[NEW])])
