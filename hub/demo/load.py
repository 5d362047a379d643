"""``hub demo``: load the demo data through the ordinary command path.

The directory first (with the areas' governance history, and North Yorkshire's merger of 2014
and the reorganisations since replayed as history), then a few records in every state:
duties, report requests, mergers and meetings. Every command
carries an idempotency key derived from what it creates, so running the loader again appends
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel
from tqdm import tqdm

from hub.access.policy import SYSTEM, Actor
from hub.bootstrap import Hub
from hub.demo import duties, meetings, mergers, reports
from hub.demo.areas import AREAS, Former, office_id
from hub.demo.partnerships import DEMO_AREAS, AreaDemo
from hub.domain import directory
from hub.domain.record import RecordType
from hub.handlers.reorganisation import carry_out_change
from hub.service import handle
from schemas.commands import directory as cmd
from schemas.events.directory import Country, OrganisationKind, PolicingBodyKind, WorkspaceKind

Step = tuple[RecordType[Any], str, BaseModel]
ActedStep = tuple[RecordType[Any], str, BaseModel, Actor]


def demo_commands() -> Iterator[Step]:
    """Every directory command of the demo, in an order that respects references."""
    for area in AREAS:
        yield directory.POLICE_AREA, area.area_id, cmd.RegisterPoliceArea(
            area_id=area.area_id, name=area.name, country=Country(area.country)
        )
        terms = [*area.former, Former(office_id(area.area_id), area.body_name, area.body_kind,
                                      area.since)]
        for term in terms:
            yield directory.ORGANISATION, term.organisation_id, cmd.RegisterOrganisation(
                organisation_id=term.organisation_id, name=term.name,
                kind=OrganisationKind.POLICING_BODY_OFFICE, area_ids=[area.area_id],
                country=Country(area.country),
            )
        first, *later = terms
        yield directory.POLICE_AREA, area.area_id, cmd.AssignPolicingBody(
            area_id=area.area_id, organisation_id=first.organisation_id,
            kind=PolicingBodyKind(first.kind), starts_on=first.since,
        )
        if area.area_id == mergers.NY:
            continue  # its later terms are replayed with its 2014 merger, in date order
        for term in later:
            assert term.since is not None, "a later term starts on its transfer's date"
            yield directory.POLICE_AREA, area.area_id, cmd.TransferGovernance(
                area_id=area.area_id, to_organisation_id=term.organisation_id,
                kind=PolicingBodyKind(term.kind), on_date=term.since,
            )
    demo_ids = {demo.area_id for demo in DEMO_AREAS}
    for area in AREAS:
        if area.area_id not in demo_ids:
            yield _area_workspace(area.area_id, area.name, [office_id(area.area_id)])
    for demo in DEMO_AREAS:
        yield from _area_demo(demo)


def _area_workspace(area_id: str, name: str, members: list[str]) -> Step:
    workspace_id = directory.area_workspace(area_id)
    return directory.WORKSPACE, workspace_id, cmd.CreateWorkspace(
        workspace_id=workspace_id, name=f"{name} area partnership", kind=WorkspaceKind.AREA,
        area_id=area_id, members=members,
    )


def _area_demo(demo: AreaDemo) -> Iterator[Step]:
    area = next(a for a in AREAS if a.area_id == demo.area_id)
    office = office_id(demo.area_id)
    for org in demo.organisations:
        yield directory.ORGANISATION, org.organisation_id, cmd.RegisterOrganisation(
            organisation_id=org.organisation_id, name=org.name, kind=OrganisationKind(org.kind),
            area_ids=[demo.area_id], country=Country(demo.country),
        )
    everyone = [office, *(org.organisation_id for org in demo.organisations)]
    yield _area_workspace(demo.area_id, area.name, everyone)
    for csp in demo.partnerships:
        yield directory.CSP, csp.csp_id, cmd.RegisterCsp(
            csp_id=csp.csp_id, name=csp.name, area_id=demo.area_id,
            local_government_areas=list(csp.local_government_areas),
            responsible_authorities=list(csp.authorities), valid_from=date(2012, 11, 22),
        )
        workspace_id = f"csp-{csp.csp_id}"
        yield directory.WORKSPACE, workspace_id, cmd.CreateWorkspace(
            workspace_id=workspace_id, name=csp.name, kind=WorkspaceKind.CSP, area_id=demo.area_id,
            csp_id=csp.csp_id, members=[office, *csp.authorities],
        )
    if demo.board is not None:
        board_id, board_name = demo.board
        yield directory.WORKSPACE, board_id, cmd.CreateWorkspace(
            workspace_id=board_id, name=board_name, kind=WorkspaceKind.ADHOC, area_id=demo.area_id,
            members=everyone,
        )


def all_steps(hub: Hub, *, records: bool = True) -> Iterator[ActedStep]:
    """The directory (as the hub), then every record's demo steps with their actors."""
    for record, key, command in demo_commands():
        yield record, key, command, SYSTEM
    # North Yorkshire's history is part of the directory: today's holder of its functions and
    # its combined CSP's bodies are where that history led.
    yield from mergers.north_yorkshire_commands()
    if not records:
        return
    today = hub.clock().date()
    yield from duties.demo_commands(today)
    yield from reports.demo_commands(today, attachments=hub.attachments)
    yield from mergers.leicestershire_commands()
    yield from meetings.demo_commands(today)


def load_demo(hub: Hub, *, progress: bool = True, records: bool = True) -> int:
    """Load the demo; return how many events were appended (0 when it was already loaded).

    ``records=False`` loads the directory alone, for tests that make their own records.
    """
    steps = list(all_steps(hub, records=records))
    appended = 0
    seen: dict[str, int] = {}
    for record, key, command, actor in tqdm(
        steps, desc="demo", unit="cmd", disable=not progress
    ):
        stream = f"{record.stream_type}-{key}"
        seen[stream] = seen.get(stream, 0) + 1
        result = handle(
            hub, record, key, command, actor, idempotency_key=f"demo:{stream}:{seen[stream]}"
        )
        if not result.replayed:
            appended += len(result.events)
        if isinstance(command, cmd.RecordDirectoryChange):
            # A change dated in the past is carried out as it is recorded, as the handler does.
            appended += carry_out_change(hub, key, command.on_date)
    if not records:
        return appended
    return appended + meetings.load_history(hub, progress=progress)
