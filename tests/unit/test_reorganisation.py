"""Organisations end with successors, and CSPs arise by law: the pure rules, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.domain import directory
from hub.domain.duties import Keeper, OpenDuty
from hub.domain.errors import NotFound
from hub.domain.reorganisation import (
    DIRECTORY_CHANGE,
    CspNow,
    InvalidDirectoryChange,
    MeetingNow,
    OrganisationAlreadyEnded,
    OrganisationNow,
    WorkspaceNow,
    heir,
    plan,
)
from schemas.commands import directory as cmd
from schemas.commands import duties as duty_cmd
from schemas.commands import meetings as meeting_cmd
from schemas.commands import mergers as merger_cmd
from schemas.events.directory import Succession

ON = date(2028, 4, 1)
BEFORE = datetime(2028, 3, 31, 22, 59, tzinfo=UTC)  # 23:59 BST, 31 March
ON_THE_DAY = datetime(2028, 3, 31, 23, 0, 1, tzinfo=UTC)  # just after midnight BST


def _record(ends: dict[str, list[str]], *, known: set[str] | None = None,
            ended: tuple[str, ...] = ()) -> cmd.RecordDirectoryChange:
    named = {o for k, v in ends.items() for o in (k, *v)}
    return cmd.RecordDirectoryChange(
        change_id="c1", area_id="shire", on_date=ON,
        ends=[Succession(organisation_id=k, successor_ids=v) for k, v in ends.items()],
        known=sorted(named if known is None else known), ended=list(ended),
    )


def _recorded(ends: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    events = DIRECTORY_CHANGE.decide(DIRECTORY_CHANGE.initial(), _record(ends), BEFORE)
    return DIRECTORY_CHANGE.fold(
        [("directory_change.recorded", e.model_dump(mode="json")) for e in events]
    )


def test_a_change_dated_later_changes_nothing_until_its_london_date() -> None:
    state = _recorded({"ccg": ["icb"]})
    take = cmd.TakeDirectoryChangeEffect(change_id="c1", on_date=ON)
    assert DIRECTORY_CHANGE.decide(state, take, BEFORE) == []
    [event] = DIRECTORY_CHANGE.decide(state, take, ON_THE_DAY)
    assert event.model_dump()["ends"] == [{"organisation_id": "ccg", "successor_ids": ["icb"]}]


def test_a_change_takes_effect_once() -> None:
    state = _recorded({"ccg": ["icb"]})
    take = cmd.TakeDirectoryChangeEffect(change_id="c1", on_date=ON)
    state, _ = DIRECTORY_CHANGE.execute(state, take, ON_THE_DAY)
    assert DIRECTORY_CHANGE.decide(state, take, ON_THE_DAY) == []


def test_an_organisation_cannot_succeed_itself() -> None:
    with pytest.raises(InvalidDirectoryChange):
        DIRECTORY_CHANGE.decide(DIRECTORY_CHANGE.initial(), _record({"ccg": ["ccg"]}), BEFORE)


def test_a_successor_cannot_end_in_the_same_change() -> None:
    with pytest.raises(InvalidDirectoryChange):
        DIRECTORY_CHANGE.decide(
            DIRECTORY_CHANGE.initial(), _record({"a": ["b"], "b": ["c"]}), BEFORE
        )


def test_an_organisation_ends_once() -> None:
    with pytest.raises(OrganisationAlreadyEnded):
        DIRECTORY_CHANGE.decide(
            DIRECTORY_CHANGE.initial(), _record({"ccg": ["icb"]}, ended=("ccg",)), BEFORE
        )
    with pytest.raises(OrganisationAlreadyEnded):
        DIRECTORY_CHANGE.decide(
            DIRECTORY_CHANGE.initial(), _record({"ccg": ["icb"]}, ended=("icb",)), BEFORE
        )


def test_an_organisation_not_in_the_directory_is_not_found() -> None:
    with pytest.raises(NotFound):
        DIRECTORY_CHANGE.decide(
            DIRECTORY_CHANGE.initial(), _record({"ccg": ["icb"]}, known={"ccg"}), BEFORE
        )


def test_an_ended_organisation_takes_no_further_changes() -> None:
    end = cmd.EndOrganisation(organisation_id="ccg", valid_to=date(2028, 3, 31),
                              succeeded_by=["icb"], change_id="c1")
    registered = directory.ORGANISATION.fold([("organisation.registered", {
        "organisation_id": "ccg", "name": "A CCG", "kind": "integrated_care_board",
        "area_ids": ["shire"], "country": "england",
    })])
    state, _ = directory.ORGANISATION.execute(registered, end, BEFORE)
    with pytest.raises(directory.RecordClosed):
        directory.ORGANISATION.decide(state, end, BEFORE)


ORGS = {
    o.organisation_id: o for o in (
        OrganisationNow("north-district", "North District Council", "district_council", ("shire",)),
        OrganisationNow("south-district", "South District Council", "district_council", ("shire",)),
        OrganisationNow("county", "Shire County Council", "county_council", ("shire",)),
        OrganisationNow("north-shire", "North Shire Council", "unitary_council", ("shire",)),
        OrganisationNow("south-shire", "South Shire Council", "unitary_council", ("shire",)),
        OrganisationNow("police", "Shire Police", "police_force", ("shire",)),
        OrganisationNow("ccg", "NHS Shire CCG", "integrated_care_board", ("shire",)),
        OrganisationNow("icb", "NHS Shire ICB", "integrated_care_board", ("shire",)),
        OrganisationNow("opcc", "Shire OPCC", "policing_body_office", ("shire",)),
    )
}
CSPS = [
    CspNow("north-csp", ("shire",), ("north-district", "county", "police", "ccg")),
    CspNow("south-csp", ("shire",), ("south-district", "county", "police", "ccg")),
]
SPACES = [
    WorkspaceNow("csp-north-csp", "shire", ("opcc", "north-district", "county", "police"),
                 "north-csp"),
    WorkspaceNow("csp-south-csp", "shire", ("opcc", "south-district", "county", "police"),
                 "south-csp"),
    WorkspaceNow("area-shire", "shire", ("opcc", "ccg", "county", "police")),
]


def _plan(ends: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return plan(
        change_id="c1", on_date=ON,
        ends=[Succession(organisation_id=k, successor_ids=v) for k, v in ends.items()],
        organisations=ORGS, csps=CSPS, workspaces=SPACES,
    )


def _commands(p, kind: type) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [s.command for s in p.steps if isinstance(s.command, kind)]


def test_when_its_councils_are_replaced_the_csp_for_the_new_area_arises_by_law() -> None:
    p = _plan({"north-district": ["north-shire"], "south-district": ["north-shire"],
               "county": ["north-shire"], "ccg": ["icb"]})
    [arising] = _commands(p, cmd.RegisterCsp)
    # The responsible authorities for the new area (CDA s.5), with no s.5A agreement.
    assert (arising.csp_id, arising.name, arising.local_government_areas, arising.merged_from,
            arising.valid_from) == ("north-shire-csp", "North Shire Community Safety Partnership",
                                    ["North Shire"], [], ON)
    assert arising.responsible_authorities == ["north-shire", "police", "icb"]
    ended = _commands(p, cmd.EndCsp)
    assert {(e.csp_id, e.valid_to, e.succeeded_by) for e in ended} == {
        ("north-csp", date(2028, 3, 31), "north-shire-csp"),
        ("south-csp", date(2028, 3, 31), "north-shire-csp"),
    }
    assert p.successor_of == {"north-csp": "north-shire-csp", "south-csp": "north-shire-csp"}


def test_a_county_split_in_two_gives_each_district_csp_its_district_successor() -> None:
    p = _plan({"north-district": ["north-shire"], "south-district": ["south-shire"],
               "county": ["north-shire", "south-shire"]})
    assert p.successor_of == {"north-csp": "north-shire-csp", "south-csp": "south-shire-csp"}


def test_a_csp_whose_council_remains_keeps_going_with_the_successors() -> None:
    p = _plan({"ccg": ["icb"]})
    assert _commands(p, cmd.RegisterCsp) == [] and _commands(p, cmd.EndCsp) == []
    assert p.authorities_changed == {
        "north-csp": ["north-district", "county", "police", "icb"],
        "south-csp": ["south-district", "county", "police", "icb"],
    }


def test_workspaces_follow_the_successors() -> None:
    p = _plan({"north-district": ["north-shire"], "south-district": ["north-shire"],
               "county": ["north-shire"], "ccg": ["icb"]})
    [space] = _commands(p, cmd.CreateWorkspace)
    assert space.members == ["opcc", "north-shire", "police"]
    assert space.linked_from == ["csp-north-csp", "csp-south-csp"]
    assert p.workspaces_closed == [("csp-north-csp", "csp-north-shire-csp"),
                                   ("csp-south-csp", "csp-north-shire-csp")]
    assert p.members_added == [("area-shire", "icb"), ("area-shire", "north-shire")]
    assert p.members_removed == [("area-shire", "ccg"), ("area-shire", "county")]
    # Every organisation ends the day before, and the change's own record closes the plan.
    assert [(e.organisation_id, e.valid_to) for e in _commands(p, cmd.EndOrganisation)] == [
        (o, date(2028, 3, 31)) for o in ("north-district", "south-district", "county", "ccg")
    ]
    assert isinstance(p.steps[-1].command, cmd.TakeDirectoryChangeEffect)


def test_an_ended_bodys_open_actions_pass_to_its_first_successor_of_its_own_kind() -> None:
    kinds = {o.organisation_id: o.kind for o in ORGS.values()}
    # Every council counts as one kind: a district's action goes to the unitary council.
    assert heir("north-district", ["icb", "north-shire"], kinds) == "north-shire"
    assert heir("ccg", ["north-shire", "icb"], kinds) == "icb"
    assert heir("opcc", ["police", "icb"], kinds) == "police", "none of its kind: the first"


MEETINGS = [
    MeetingNow("convened", "Serious violence", True, ("county", "ccg")),
    MeetingNow("held", "Reducing reoffending", False, ("county",),
               (("a1", "county"), ("a2", "ccg"))),
    MeetingNow("elsewhere", "Drugs", True, ("rutland",)),
    MeetingNow("board", "County board", True, convened_by="county"),
]


def test_open_meetings_pass_to_the_successors_in_their_own_history_before_the_change_is_done(
) -> None:
    p = plan(
        change_id="c1", on_date=ON,
        ends=[Succession(organisation_id="county", successor_ids=["icb", "north-shire"]),
              Succession(organisation_id="ccg", successor_ids=["icb"])],
        organisations=ORGS, csps=CSPS, workspaces=SPACES, open_meetings=MEETINGS,
    )
    passed = _commands(p, meeting_cmd.PassMeetingToSuccessors)
    assert [(c.meeting_id, [s.organisation_id for s in c.successions], c.heirs)
            for c in passed] == [
        ("board", ["county"], {"county": "north-shire"}),
        ("convened", ["county", "ccg"], {}),
        # A held meeting's invitations stay as they were; its open actions pass on.
        ("held", ["county", "ccg"], {"county": "north-shire", "ccg": "icb"}),
    ]
    assert [(m.meeting_id, o, to) for m, o, to in p.invitations_passing] == [
        ("convened", "county", ("icb", "north-shire")), ("convened", "ccg", ("icb",))]
    assert [(m.meeting_id, a, o, to) for m, a, o, to in p.actions_passing] == [
        ("held", "a1", "county", "north-shire"), ("held", "a2", "ccg", "icb")]
    assert [(m.meeting_id, o, to) for m, o, to in p.convenors_passing] == [
        ("board", "county", "north-shire")]
    keys = [s.idempotency_key for s in p.steps]
    assert keys.index("directory-change:c1:2028-04-01:meeting:held") < keys.index(
        "directory-change:c1:2028-04-01:took-effect")
REPLACED = {"north-district": ["north-shire"], "south-district": ["north-shire"],
            "county": ["north-shire"], "ccg": ["icb"]}


def test_open_duty_records_pass_in_their_own_histories_before_the_change_is_done() -> None:
    duties = [
        OpenDuty("priority", "p-north", Keeper("north-district", "north-csp")),
        OpenDuty("reciprocal_regard", "r-police", Keeper("police", "south-csp")),
        OpenDuty("priority", "p-ccg", Keeper("ccg", None)),
        OpenDuty("priority", "p-police", Keeper("police", None)),
    ]
    p = plan(change_id="c1", on_date=ON,
             ends=[Succession(organisation_id=k, successor_ids=v) for k, v in REPLACED.items()],
             organisations=ORGS, csps=CSPS, workspaces=SPACES, open_duties=duties)
    passing = {s.key: s.command for s in p.steps
               if isinstance(s.command, (duty_cmd.PassPriorityOn, duty_cmd.PassStrategyRegardOn))}
    # The police's unattached priority has nothing that ended; the others pass on.
    assert set(passing) == {"p-north", "r-police", "p-ccg"}
    north = passing["p-north"]
    assert [s.organisation_id for s in north.successions] == ["north-district"]
    assert [(c.csp_id, c.succeeded_by) for c in north.csps] == [("north-csp", "north-shire-csp")]
    assert (passing["r-police"].successions, passing["p-ccg"].csps) == ([], [])
    keys = [s.key for s in p.steps]
    assert keys.index("p-north") < len(keys) - 1, "before the change is marked done"
    assert isinstance(p.steps[-1].command, cmd.TakeDirectoryChangeEffect)


def test_a_combination_agreement_ends_with_its_combined_csp_when_it_ends_by_law() -> None:
    ends = [Succession(organisation_id=k, successor_ids=v) for k, v in REPLACED.items()]
    p = plan(change_id="c1", on_date=ON, ends=ends, organisations=ORGS, csps=CSPS,
             workspaces=SPACES, agreements={"north-csp": "north-2014"})
    [step] = [s for s in p.steps if isinstance(s.command, merger_cmd.EndWithCombinedCsp)]
    assert (step.key, step.idempotency_key) == ("north-2014", f"directory-change:c1:{ON}:"
                                                               "agreement:north-2014")
    ending = step.command
    assert isinstance(ending, merger_cmd.EndWithCombinedCsp)
    assert (ending.combined_csp_id, ending.csp_ended_on, ending.succeeded_by,
            ending.council_id, ending.change_id) == (
        "north-csp", date(2028, 3, 31), "north-shire-csp", "north-shire", "c1")
    assert p.agreements_ended == ["north-2014"]
    # A CSP that keeps going (its council remains) keeps its agreement.
    kept = plan(change_id="c2", on_date=ON, ends=ends[3:], organisations=ORGS, csps=CSPS,
                workspaces=SPACES, agreements={"north-csp": "north-2014"})
    assert kept.agreements_ended == []
