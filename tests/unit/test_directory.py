"""Directory deciders: records are created once, memberships change only when they make sense."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub.domain import directory
from hub.domain.errors import AlreadyExists, InvalidCommand, NotFound
from schemas.events import directory as ev

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CREATED = ev.WorkspaceCreated(
    workspace_id="csp-safer-rutland", name="Safer Rutland Partnership", kind="csp",
    area_id="leicestershire", csp_id="safer-rutland", members=["rutland-county-council"],
)


def _workspace(*events: ev.EventData) -> directory.Entry:
    return directory.WORKSPACE.fold((e.__event_type__, e.model_dump(mode="json")) for e in events)


def test_a_record_is_created_once() -> None:
    state = _workspace(CREATED)
    with pytest.raises(AlreadyExists):
        directory.WORKSPACE.decide(state, CREATED, NOW)


def test_an_organisation_joins_a_workspace_once() -> None:
    added = ev.WorkspaceMemberAdded(workspace_id=CREATED.workspace_id, organisation_id="llr-icb")
    state = _workspace(CREATED, added)
    assert state.members == {"rutland-county-council", "llr-icb"}
    with pytest.raises(AlreadyExists):
        directory.WORKSPACE.decide(state, added, NOW)


def test_only_a_member_can_leave() -> None:
    leave = ev.WorkspaceMemberRemoved(workspace_id=CREATED.workspace_id, organisation_id="llr-icb")
    with pytest.raises(InvalidCommand):
        directory.WORKSPACE.decide(_workspace(CREATED), leave, NOW)


def test_changes_to_a_missing_workspace_are_refused() -> None:
    added = ev.WorkspaceMemberAdded(workspace_id="nowhere", organisation_id="llr-icb")
    with pytest.raises(NotFound):
        directory.WORKSPACE.decide(directory.WORKSPACE.initial(), added, NOW)


def test_workspace_events_are_visible_in_the_workspace_and_its_area() -> None:
    assert directory.WORKSPACE.visible_in(_workspace(CREATED)) == (
        "area-leicestershire", "csp-safer-rutland",
    )
