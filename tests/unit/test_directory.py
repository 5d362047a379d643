"""Directory deciders: records are created once, memberships change only when they make sense."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.domain import directory
from hub.domain.errors import AlreadyExists, InvalidCommand, NotFound
from hub.domain.record import RecordType
from schemas.commands import Command
from schemas.commands import directory as cmd
from schemas.events import directory as ev

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CREATE = cmd.CreateWorkspace(
    workspace_id="csp-safer-rutland", name="Safer Rutland Partnership", kind="csp",
    area_id="leicestershire", csp_id="safer-rutland", members=["rutland-county-council"],
)


def _run(record: RecordType[directory.Entry], *commands: Command) -> directory.Entry:
    state = record.initial()
    for command in commands:
        state, _events = record.execute(state, command, NOW)
    return state


def _workspace(*commands: Command) -> directory.Entry:
    return _run(directory.WORKSPACE, *commands)


def test_a_record_is_created_once() -> None:
    state = _workspace(CREATE)
    with pytest.raises(AlreadyExists):
        directory.WORKSPACE.decide(state, CREATE, NOW)


def test_an_organisation_joins_a_workspace_once() -> None:
    added = cmd.AddWorkspaceMember(workspace_id=CREATE.workspace_id, organisation_id="llr-icb")
    state = _workspace(CREATE, added)
    assert state.members == {"rutland-county-council", "llr-icb"}
    with pytest.raises(AlreadyExists):
        directory.WORKSPACE.decide(state, added, NOW)


def test_only_a_member_can_leave() -> None:
    leave = cmd.RemoveWorkspaceMember(workspace_id=CREATE.workspace_id, organisation_id="llr-icb")
    with pytest.raises(InvalidCommand):
        directory.WORKSPACE.decide(_workspace(CREATE), leave, NOW)


def test_changes_to_a_missing_workspace_are_refused() -> None:
    added = cmd.AddWorkspaceMember(workspace_id="nowhere", organisation_id="llr-icb")
    with pytest.raises(NotFound):
        directory.WORKSPACE.decide(directory.WORKSPACE.initial(), added, NOW)


def test_workspace_events_are_visible_in_the_workspace_and_its_area() -> None:
    assert directory.WORKSPACE.visible_in(_workspace(CREATE)) == (
        "area-leicestershire", "csp-safer-rutland",
    )


AREA = cmd.RegisterPoliceArea(area_id="west-mercia", name="West Mercia", country="england")
PCC = cmd.AssignPolicingBody(
    area_id="west-mercia", organisation_id="west-mercia-opcc", kind="pcc",
    starts_on=date(2012, 11, 22),
)
TO_MAYOR = cmd.TransferGovernance(
    area_id="west-mercia", to_organisation_id="wm-mayor", kind="mayor", on_date=date(2028, 5, 8)
)


def _area(*commands: Command) -> directory.Entry:
    return _run(directory.POLICE_AREA, *commands)


def test_governance_transfers_to_a_successor_on_a_date() -> None:
    state = _area(AREA, PCC, TO_MAYOR)
    assert state.terms[-1] == directory.Term("wm-mayor", "mayor", date(2028, 5, 8))
    before = directory.policing_body_on(state, date(2028, 5, 7))
    after = directory.policing_body_on(state, date(2028, 5, 8))
    assert before is not None and before.organisation_id == "west-mercia-opcc"
    assert after is not None and after.organisation_id == "wm-mayor"


def test_a_future_transfer_changes_nothing_until_its_london_date() -> None:
    # Recorded in November 2026 for May 2028: the sitting PCC keeps every power meanwhile.
    events = directory.POLICE_AREA.decide(_area(AREA, PCC), TO_MAYOR, NOW)
    assert [type(e) for e in events] == [ev.GovernanceTransferred]
    state = _area(AREA, PCC, TO_MAYOR)
    assert state.holder is not None and state.holder.organisation_id == "west-mercia-opcc"
    assert state.pending is not None and state.pending.organisation_id == "wm-mayor"


def test_the_transfer_takes_effect_at_the_start_of_its_london_date() -> None:
    state = _area(AREA, PCC, TO_MAYOR)
    due = cmd.BringGovernanceIntoEffect(area_id="west-mercia", on_date=date(2028, 5, 8))
    # 23:30 UTC on 7 May is 00:30 on 8 May in London (BST): the date has come there.
    eve = datetime(2028, 5, 7, 22, 30, tzinfo=UTC)
    midnight_london = datetime(2028, 5, 7, 23, 30, tzinfo=UTC)
    assert directory.POLICE_AREA.decide(state, due, eve) == []
    [event] = directory.POLICE_AREA.decide(state, due, midnight_london)
    assert isinstance(event, ev.GovernanceTookEffect)
    assert event.from_organisation_id == "west-mercia-opcc"
    assert event.to_organisation_id == "wm-mayor"
    after, _ = directory.POLICE_AREA.execute(state, due, midnight_london)
    assert after.holder is not None and after.holder.organisation_id == "wm-mayor"
    assert after.pending is None
    assert directory.POLICE_AREA.decide(after, due, midnight_london) == []


def test_a_transfer_dated_today_takes_effect_at_once() -> None:
    today = TO_MAYOR.model_copy(update={"on_date": date(2026, 11, 24)})
    events = directory.POLICE_AREA.decide(_area(AREA, PCC), today, NOW)
    assert [type(e) for e in events] == [ev.GovernanceTransferred, ev.GovernanceTookEffect]


def test_a_second_transfer_waits_for_the_pending_one() -> None:
    later = TO_MAYOR.model_copy(
        update={"to_organisation_id": "wm-board", "on_date": date(2029, 1, 1)}
    )
    with pytest.raises(directory.GovernanceUnchanged):
        directory.POLICE_AREA.decide(_area(AREA, PCC, TO_MAYOR), later, NOW)


def test_a_transfer_names_the_body_it_transfers_from() -> None:
    [event] = directory.POLICE_AREA.decide(_area(AREA, PCC), TO_MAYOR, NOW)
    assert isinstance(event, ev.GovernanceTransferred)
    assert event.from_organisation_id == "west-mercia-opcc"


@pytest.mark.parametrize(
    "transfer",
    [
        TO_MAYOR.model_copy(update={"to_organisation_id": "west-mercia-opcc"}),
        TO_MAYOR.model_copy(update={"on_date": date(2012, 1, 1)}),
    ],
    ids=["same-body", "before-current-term"],
)
def test_a_transfer_must_change_the_body_after_the_current_term_began(
    transfer: cmd.TransferGovernance,
) -> None:
    with pytest.raises(directory.GovernanceUnchanged):
        directory.POLICE_AREA.decide(_area(AREA, PCC), transfer, NOW)


def test_a_closed_workspace_takes_no_changes() -> None:
    state = _workspace(CREATE, cmd.CloseWorkspace(workspace_id=CREATE.workspace_id))
    with pytest.raises(directory.RecordClosed):
        join = cmd.AddWorkspaceMember(workspace_id=CREATE.workspace_id, organisation_id="x")
        directory.WORKSPACE.decide(state, join, NOW)


def _role(role: str, organisation_id: str = "rutland-county-council") -> cmd.AssignWorkspaceRole:
    return cmd.AssignWorkspaceRole(
        workspace_id=CREATE.workspace_id, user_id="u-1", organisation_id=organisation_id,
        role=role,
    )


def test_only_people_of_a_member_organisation_hold_a_role_in_a_workspace() -> None:
    with pytest.raises(directory.NotAWorkspaceMember):
        directory.WORKSPACE.decide(_workspace(CREATE), _role("observer", "llr-icb"), NOW)


def test_a_role_is_recorded_only_when_it_changes() -> None:
    state = _workspace(CREATE, _role("observer"))
    assert state.roles == {"u-1": ("rutland-county-council", "observer")}
    assert directory.WORKSPACE.decide(state, _role("observer"), NOW) == []
    assert directory.WORKSPACE.decide(_workspace(CREATE), _role("member"), NOW) == []
    assert _workspace(CREATE, _role("observer"), _role("member")).roles == {}


def test_an_organisation_leaving_ends_its_peoples_roles() -> None:
    leave = cmd.RemoveWorkspaceMember(
        workspace_id=CREATE.workspace_id, organisation_id="rutland-county-council"
    )
    assert _workspace(CREATE, _role("lead"), leave).roles == {}


def test_roles_are_set_only_in_an_open_workspace() -> None:
    closed = _workspace(CREATE, cmd.CloseWorkspace(workspace_id=CREATE.workspace_id))
    with pytest.raises(directory.RecordClosed):
        directory.WORKSPACE.decide(closed, _role("observer"), NOW)


def test_a_combined_csp_spanning_two_police_areas_belongs_to_each() -> None:
    register = cmd.RegisterCsp(
        csp_id="melton-rushcliffe", name="Melton and Rushcliffe Community Safety Partnership",
        area_id="leicestershire", other_area_ids=["nottinghamshire"],
        local_government_areas=["melton", "rushcliffe"],
        responsible_authorities=["melton-council", "rushcliffe-council"],
        valid_from=date(2027, 4, 1),
    )
    state = _run(directory.CSP, register)
    assert directory.CSP.visible_in(state) == (
        "area-leicestershire", "area-nottinghamshire", "csp-melton-rushcliffe",
    )
    assert directory.csp_area_ids(state) == ("leicestershire", "nottinghamshire")


def test_a_term_with_no_start_date_of_true_meaning_is_held_on_any_day() -> None:
    # The City of London's Common Council: no date says when it took the functions.
    city = cmd.RegisterPoliceArea(area_id="city-of-london", name="City of London",
                                  country="england")
    council = cmd.AssignPolicingBody(area_id="city-of-london", organisation_id="city-opcc",
                                     kind="city_of_london", starts_on=None)
    board = cmd.TransferGovernance(area_id="city-of-london", to_organisation_id="city-board",
                                   kind="police_and_crime_board", on_date=date(2028, 5, 8))
    state = _run(directory.POLICE_AREA, city, council)
    held = directory.policing_body_on(state, date(1900, 1, 1))
    assert held is not None and (held.organisation_id, held.starts_on) == ("city-opcc", None)
    # It can still pass on a date: the sitting body holds it until then.
    state = _run(directory.POLICE_AREA, city, council, board)
    before = directory.policing_body_on(state, date(2028, 5, 7))
    assert before is not None and before.organisation_id == "city-opcc"
    assert state.pending is not None and state.pending.organisation_id == "city-board"
