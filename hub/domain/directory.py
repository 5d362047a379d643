"""The partner directory as records: police areas, organisations, CSPs and workspaces.

Directory records are mostly statements of fact made by operators (and the demo loader); the
rules here are that a record is created once, that an organisation joins a workspace once, and
that each change is visible in the workspaces of the area it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from hub.domain.errors import AlreadyExists, InvalidCommand, NotFound
from hub.domain.record import RecordType
from schemas.events import directory as ev
from schemas.registry import EventData


def area_workspace(area_id: str) -> str:
    """The id of a police area's area-wide workspace."""
    return f"area-{area_id}"


@dataclass(frozen=True)
class Entry:
    """A directory record: created or not, its latest data, and the areas it belongs to."""

    exists: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    members: frozenset[str] = frozenset()


def _initial() -> Entry:
    return Entry()


def _evolve(state: Entry, event_type: str, data: dict[str, Any]) -> Entry:
    happened = event_type.split(".", 1)[1]
    if happened in {"registered", "created"}:
        return Entry(True, dict(data), frozenset(data.get("members", ())))
    if happened == "member_added":
        return replace(state, members=state.members | {data["organisation_id"]})
    if happened == "member_removed":
        return replace(state, members=state.members - {data["organisation_id"]})
    if happened == "policing_body_assigned":
        return replace(state, data={**state.data, "policing_body": dict(data)})
    return state


def _created_once(state: Entry, command: BaseModel) -> list[EventData]:
    if state.exists:
        raise AlreadyExists(f"{type(command).__name__} names a record that already exists")
    assert isinstance(command, EventData)
    return [command]


def _decide_area(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    if isinstance(command, ev.PoliceAreaRegistered):
        return _created_once(state, command)
    if isinstance(command, ev.PolicingBodyAssigned):
        if not state.exists:
            raise NotFound(f"police area {command.area_id} is not registered")
        return [command]
    raise InvalidCommand(f"a police area cannot take {type(command).__name__}")


def _decide_registration(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    return _created_once(state, command)


def _decide_workspace(state: Entry, command: BaseModel, _now: datetime) -> list[EventData]:
    if isinstance(command, ev.WorkspaceCreated):
        return _created_once(state, command)
    if not state.exists:
        raise NotFound("the workspace does not exist")
    if isinstance(command, ev.WorkspaceMemberAdded):
        if command.organisation_id in state.members:
            raise AlreadyExists(f"{command.organisation_id} is already a member")
        return [command]
    if isinstance(command, ev.WorkspaceMemberRemoved):
        if command.organisation_id not in state.members:
            raise InvalidCommand(f"{command.organisation_id} is not a member")
        return [command]
    raise InvalidCommand(f"a workspace cannot take {type(command).__name__}")


def _area_visibility(state: Entry) -> tuple[str, ...]:
    return (area_workspace(state.data["area_id"]),)


def _organisation_visibility(state: Entry) -> tuple[str, ...]:
    return tuple(area_workspace(a) for a in state.data["area_ids"])


def _csp_visibility(state: Entry) -> tuple[str, ...]:
    return (area_workspace(state.data["area_id"]), f"csp-{state.data['csp_id']}")


def _workspace_visibility(state: Entry) -> tuple[str, ...]:
    return tuple(dict.fromkeys((area_workspace(state.data["area_id"]), state.data["workspace_id"])))


POLICE_AREA = RecordType("police_area", _initial, _evolve, _decide_area, _area_visibility)
ORGANISATION = RecordType(
    "organisation", _initial, _evolve, _decide_registration, _organisation_visibility
)
CSP = RecordType("csp", _initial, _evolve, _decide_registration, _csp_visibility)
WORKSPACE = RecordType("workspace", _initial, _evolve, _decide_workspace, _workspace_visibility)
