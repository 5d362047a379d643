"""The access policy, table-driven: every command by every kind of organisation by same or
other police area, and by every role within the workspaces the record is in, against
expectations written from DOMAIN.md and issue #3 (not read from the rules)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from hub.access.policy import (
    SYSTEM,
    Actor,
    AreaFacts,
    EnglandOnly,
    NoStatutoryPower,
    NotOwnOrganisation,
    NotPermitted,
    NotPolicingBody,
    NotVisible,
    NotWorkspaceLead,
    ObserverCannotAct,
    ViewerCannotAct,
    authorise,
    rules,
)
from hub.domain.powers import powers_held
from schemas.commands import Command, all_commands
from schemas.commands.directory import AssignWorkspaceRole
from schemas.commands.meetings import CancelMeeting
from schemas.events.directory import OrganisationKind, WorkspaceRole

OFFICE, ITSELF, OPERATOR = "the area's policing body office", "the organisation itself", "hub"
LEAD = "a lead of the workspace"

# Who the law lets act, command by command (DOMAIN.md; "the hub" = scheduled or operator work).
EXPECTED: dict[str, str] = {
    # The directory: areas and governance are the operator's; the office keeps its area.
    "RegisterPoliceArea": OPERATOR, "AssignPolicingBody": OPERATOR,
    "TransferGovernance": OPERATOR, "BringGovernanceIntoEffect": OPERATOR,
    "RecordReg14aPower": OPERATOR, "RecordCommencement": OPERATOR,
    "RegisterOrganisation": OFFICE, "RegisterCsp": OFFICE,
    "ChangeCspAuthorities": OFFICE, "EndCsp": OFFICE, "CreateWorkspace": OFFICE,
    "AddWorkspaceMember": OFFICE, "RemoveWorkspaceMember": OFFICE, "CloseWorkspace": OFFICE,
    # Organisations end: an office records the change for its area; the hub carries it out.
    "RecordDirectoryChange": OFFICE, "EndOrganisation": OPERATOR,
    "TakeDirectoryChangeEffect": OPERATOR,
    # Issue #3: roles within a workspace are set by its leads (admins within limits, below).
    "AssignWorkspaceRole": LEAD,
    # §1 duty register: authorities register their own priorities and strategy regard; the
    # office records decisions, the plan and drafts arrangements; each CJ body agrees itself.
    "RegisterPriority": ITSELF, "RevisePriority": ITSELF, "RetirePriority": ITSELF,
    "RecordDecision": OFFICE, "NoteRegard": OFFICE, "FinaliseDecision": OFFICE,
    "RecordPlan": OFFICE, "RevisePlan": OFFICE, "RetirePlan": OFFICE,
    "RecordStrategyRegard": ITSELF, "NoteObjectiveRegard": ITSELF,
    "MarkObjectiveDevolved": ITSELF,
    "FinaliseStrategyRegard": ITSELF, "DraftArrangement": OFFICE, "AgreeArrangement": ITSELF,
    "ReviewArrangement": OFFICE, "VaryArrangement": OFFICE, "EndArrangement": OFFICE,
    "MarkArrangementReviewDue": OPERATOR, "PassPriorityOn": OPERATOR,
    "PassStrategyRegardOn": OPERATOR,
    # §2 report requests: "only the authorities addressed may acknowledge, ask for an
    # extension or submit. Only the requester accepts, returns, publishes or withdraws."
    "RequireReport": OFFICE, "AcknowledgeReport": ITSELF, "RequestExtension": ITSELF,
    "GrantExtension": OFFICE, "RefuseExtension": OFFICE, "SubmitReport": ITSELF,
    "ResubmitReport": ITSELF, "AcceptReport": OFFICE, "ReturnReport": OFFICE,
    "PublishReport": OFFICE, "CloseReport": OFFICE, "WithdrawReport": OFFICE,
    "MarkReportOverdue": OPERATOR, "SendReportReminder": OPERATOR, "PassToSuccessors": OPERATOR,
    # §3 mergers: the office proposes, revises, withdraws and enters external signatories;
    # each party consents or refuses for itself.
    "ProposeMerger": OFFICE, "ReviseMergerProposal": OFFICE, "WithdrawMergerProposal": OFFICE,
    "ConsentToMerger": ITSELF, "RefuseMerger": ITSELF, "WithdrawMergerConsent": ITSELF,
    "RecordExternalConsent": OFFICE, "RecordExternalRefusal": OFFICE,
    "RecordExternalConsentWithdrawal": OFFICE, "ProposeMergerVariation": OFFICE,
    "ProposeMergerTermination": OFFICE, "WithdrawMergerChange": OFFICE,
    "TakeMergerEffect": OPERATOR, "TakeTerminationEffect": OPERATOR,
    "EndWithCombinedCsp": OPERATOR,
    # §4 meetings: the office convenes and runs them; invitees respond, owners complete. A
    # convenor acts for itself: the decider says who may convene what (a voluntary meeting,
    # any member organisation of its workspace, which then keeps it).
    "ConveneMeeting": ITSELF, "RespondToMeeting": ITSELF, "PublishMeetingPapers": OFFICE,
    "RescheduleMeeting": OFFICE, "AmendMeeting": OFFICE, "CancelMeeting": OFFICE,
    "InviteToMeeting": OFFICE,
    "RecordMeetingHeld": OFFICE, "DraftMeetingMinutes": OFFICE,
    "ApproveMeetingMinutes": OFFICE, "AssignMeetingAction": OFFICE,
    "CompleteMeetingAction": ITSELF, "MarkMeetingHeld": OPERATOR,
    "SendMeetingReminder": OPERATOR, "SendActionReminder": OPERATOR,
    "PassMeetingToSuccessors": OPERATOR,
}
# Powers that exist in England only (DOMAIN.md §3: "England only").
ENGLAND_ONLY = {
    "ProposeMerger", "ReviseMergerProposal", "WithdrawMergerProposal", "ConsentToMerger",
    "RefuseMerger", "WithdrawMergerConsent", "RecordExternalConsent", "RecordExternalRefusal",
    "RecordExternalConsentWithdrawal", "ProposeMergerVariation", "ProposeMergerTermination",
    "WithdrawMergerChange", "TakeMergerEffect", "TakeTerminationEffect", "EndWithCombinedCsp",
}

ENGLAND = AreaFacts("leicestershire", "england", "leicestershire-opcc")
WALES = AreaFacts("dyfed-powys", "wales", "dyfed-powys-opcc")
COMMANDS = all_commands()


def _org_of(kind: OrganisationKind, area: AreaFacts) -> str:
    if kind is OrganisationKind.POLICING_BODY_OFFICE:
        return area.policing_body_id or ""
    return f"{area.area_id}-{kind.value}"


# The workspaces a Blaby record is in: its area's and its CSP's.
BLABY_RECORD = ("area-leicestershire", "csp-blaby")


def _unvalidated(command_class: type[Command], **fields: object) -> Command:
    """``command_class`` with only ``fields`` set, unvalidated: the rules read no more."""
    construct: Any = command_class.model_construct  # typed for Command's own fields only
    return cast(Command, construct(**fields))


def _outcome(
    actor: Actor, command: Command, area: AreaFacts, workspaces: tuple[str, ...] = ()
) -> type[Exception] | None:
    try:
        authorise(actor, command, area, workspaces)
    except Exception as error:
        return type(error)
    return None


def _entitled(command_class: type[Command], role: str = "member", **roles: str) -> Actor:
    """An actor the law lets issue the command: the office, or the organisation itself."""
    organisation = "leicestershire-opcc" if EXPECTED[command_class.__name__] == OFFICE else (
        "blaby-council"
    )
    return Actor(user_id="u5", organisation_id=organisation, role=role,
                 area_ids=frozenset({"leicestershire"}),
                 workspace_roles=frozenset((w.replace("_", "-"), r) for w, r in roles.items()))


def test_every_command_has_exactly_one_rule_and_one_expectation() -> None:
    names = {c.__name__ for c in COMMANDS}
    assert set(rules()) == set(COMMANDS), "a command without a policy rule (or a stale rule)"
    assert names == set(EXPECTED), (
        f"commands without an expectation here: {sorted(names - set(EXPECTED))}; "
        f"expectations for no command: {sorted(set(EXPECTED) - names)}"
    )


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("kind", list(OrganisationKind), ids=lambda k: k.value)
@pytest.mark.parametrize("same_area", [True, False], ids=["same-area", "other-area"])
def test_who_may_issue_each_command(
    command_class: type[Command], kind: OrganisationKind, same_area: bool
) -> None:
    home = ENGLAND if same_area else WALES
    organisation = _org_of(kind, home)
    actor = Actor(user_id="u1", organisation_id=organisation, role="member",
                  area_ids=frozenset({home.area_id}))
    command = _unvalidated(command_class, by_organisation=organisation)
    outcome = _outcome(actor, command, ENGLAND)
    expected = EXPECTED[command_class.__name__]
    if not same_area:
        assert outcome is NotVisible, "another area's record must be a 404"
    elif expected == OPERATOR:
        assert outcome is NotPermitted
    elif expected == LEAD:
        assert outcome is NotWorkspaceLead, "a member leads no workspace until made a lead"
    elif expected == OFFICE:
        is_office = kind is OrganisationKind.POLICING_BODY_OFFICE
        assert outcome is (None if is_office else NotPolicingBody)
    else:
        assert outcome is None


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
def test_an_organisation_acts_only_for_itself_and_viewers_never_act(
    command_class: type[Command],
) -> None:
    council = Actor(user_id="u2", organisation_id="leicester-city-council",
                    area_ids=frozenset({"leicestershire"}))
    for_another = _unvalidated(command_class, by_organisation="leicestershire-police")
    if EXPECTED[command_class.__name__] == ITSELF:
        assert _outcome(council, for_another, ENGLAND) is NotOwnOrganisation
    office_viewer = Actor(user_id="u3", organisation_id="leicestershire-opcc", role="viewer",
                          area_ids=frozenset({"leicestershire"}))
    own = _unvalidated(command_class, by_organisation="leicestershire-opcc")
    assert _outcome(office_viewer, own, ENGLAND) is ViewerCannotAct


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
def test_england_only_powers_are_refused_in_wales_even_for_the_hub(
    command_class: type[Command],
) -> None:
    command = _unvalidated(command_class, by_organisation="dyfed-powys-opcc")
    office = Actor(user_id="u4", organisation_id="dyfed-powys-opcc",
                   area_ids=frozenset({"dyfed-powys"}))
    england_only = command_class.__name__ in ENGLAND_ONLY
    assert (_outcome(SYSTEM, command, WALES) is EnglandOnly) == england_only
    if england_only and EXPECTED[command_class.__name__] == OFFICE:
        assert _outcome(office, command, WALES) is EnglandOnly


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("role", ["admin", "member"])
def test_an_observer_in_a_workspace_the_record_is_in_may_change_nothing_there(
    command_class: type[Command], role: str
) -> None:
    command = _unvalidated(
        command_class, by_organisation=_entitled(command_class).organisation_id
    )
    observer = _entitled(command_class, role, csp_blaby=WorkspaceRole.OBSERVER)
    assert _outcome(observer, command, ENGLAND, BLABY_RECORD) is ObserverCannotAct
    # The role narrows that workspace alone: elsewhere the organisation role decides.
    elsewhere = ("area-leicestershire", "csp-safer-rutland")
    unrestricted = _entitled(command_class, role)
    assert _outcome(observer, command, ENGLAND, elsewhere) is _outcome(
        unrestricted, command, ENGLAND, elsewhere
    )


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("kind", list(OrganisationKind), ids=lambda k: k.value)
def test_a_workspace_lead_gains_no_power_the_law_gives_another(
    command_class: type[Command], kind: OrganisationKind
) -> None:
    organisation = _org_of(kind, ENGLAND)
    plain = Actor(user_id="u6", organisation_id=organisation,
                  area_ids=frozenset({"leicestershire"}))
    lead = Actor(user_id="u6", organisation_id=organisation,
                 area_ids=frozenset({"leicestershire"}),
                 workspace_roles=frozenset({("area-leicestershire", WorkspaceRole.LEAD),
                                            ("csp-blaby", WorkspaceRole.LEAD)}))
    command = _unvalidated(command_class, by_organisation=organisation,
                           workspace_id="csp-blaby")
    led = _outcome(lead, command, ENGLAND, BLABY_RECORD)
    if EXPECTED[command_class.__name__] == LEAD:
        assert led is None
    else:
        assert led is _outcome(plain, command, ENGLAND, BLABY_RECORD)
    office = kind is OrganisationKind.POLICING_BODY_OFFICE
    if EXPECTED[command_class.__name__] == OFFICE and not office:
        assert led is NotPolicingBody


def _set(role: WorkspaceRole, organisation_id: str = "blaby-council") -> AssignWorkspaceRole:
    return AssignWorkspaceRole(workspace_id="csp-blaby", user_id="someone",
                               organisation_id=organisation_id, role=role)


def _person(organisation_id: str, role: str = "member", area: str = "leicestershire",
            **roles: str) -> Actor:
    return Actor(user_id="u7", organisation_id=organisation_id, role=role,
                 area_ids=frozenset({area}),
                 workspace_roles=frozenset((w.replace("_", "-"), r) for w, r in roles.items()))


LEADS, OBSERVES = WorkspaceRole.LEAD, WorkspaceRole.OBSERVER
SETTERS: list[tuple[str, Actor, dict[WorkspaceRole, type[Exception] | None]]] = [
    ("a lead sets anyone's role, appointing leads too",
     _person("leicestershire-police", csp_blaby=LEADS), {r: None for r in WorkspaceRole}),
    ("a lead of another workspace has no say here",
     _person("leicestershire-police", csp_safer_rutland=LEADS),
     {r: NotWorkspaceLead for r in WorkspaceRole}),
    ("the office's admin keeps the area's workspaces",
     _person("leicestershire-opcc", "admin"), {r: None for r in WorkspaceRole}),
    ("the office's other people do not",
     _person("leicestershire-opcc"), {r: NotWorkspaceLead for r in WorkspaceRole}),
    ("an admin narrows their own people but appoints no lead",
     _person("blaby-council", "admin"),
     {WorkspaceRole.MEMBER: None, OBSERVES: None, LEADS: NotWorkspaceLead}),
    ("a member of the same organisation is no admin",
     _person("blaby-council"), {r: NotWorkspaceLead for r in WorkspaceRole}),
    ("another organisation's admin has no say over these people",
     _person("leicestershire-police", "admin"), {r: NotWorkspaceLead for r in WorkspaceRole}),
    ("a viewer leads nothing, whatever the workspace says",
     _person("leicestershire-police", "viewer", csp_blaby=LEADS),
     {r: ViewerCannotAct for r in WorkspaceRole}),
    ("an observer in the workspace changes nothing in it, roles included",
     _person("blaby-council", "admin", csp_blaby=OBSERVES),
     {r: ObserverCannotAct for r in WorkspaceRole}),
    ("another area's office never learns the workspace exists",
     _person("dyfed-powys-opcc", "admin", area="dyfed-powys"),
     {r: NotVisible for r in WorkspaceRole}),
]


@pytest.mark.parametrize(("case", "actor", "outcomes"), SETTERS, ids=[c[0] for c in SETTERS])
def test_who_may_set_a_role_within_a_workspace(
    case: str, actor: Actor, outcomes: dict[WorkspaceRole, type[Exception] | None]
) -> None:
    for role, expected in outcomes.items():
        assert _outcome(actor, _set(role), ENGLAND, BLABY_RECORD) is expected, (case, role)


def test_a_voluntary_meeting_a_member_convened_is_kept_by_that_member_alone() -> None:
    county = Actor(user_id="u6", organisation_id="leicestershire-county-council",
                   area_ids=frozenset({"leicestershire"}))
    office = Actor(user_id="u7", organisation_id="leicestershire-opcc",
                   area_ids=frozenset({"leicestershire"}))
    cancel = _unvalidated(CancelMeeting, by_organisation="leicestershire-county-council")
    keeper = "leicestershire-county-council"
    assert _outcome_kept(county, cancel, keeper) is None
    assert _outcome_kept(office, cancel, keeper) is NotPermitted
    # A meeting the office convened follows the office: no keeper of its own.
    assert _outcome_kept(office, cancel, None) is None
    assert _outcome_kept(county, cancel, None) is NotPolicingBody


def _outcome_kept(actor: Actor, command: Command, keeper: str | None) -> type[Exception] | None:
    try:
        authorise(actor, command, ENGLAND, (), keeper)
    except Exception as error:
        return type(error)
    return None


@pytest.mark.parametrize(("kind", "refused"), [
    ("police_and_crime_board", {"RequireReport", "ProposeMerger", "RecordDecision"}),
    ("city_of_london", {"RequireReport", "RecordDecision"}),
    ("mopac", set()),
], ids=["board-pending", "city-of-london", "mopac"])
def test_a_body_exercises_only_the_statutory_powers_it_holds(kind: str, refused: set[str]) -> None:
    area = AreaFacts("leicestershire", "england", "leicestershire-opcc",
                     powers_held(kind, today=date(2026, 12, 6)))
    office = Actor(user_id="u8", organisation_id="leicestershire-opcc",
                   area_ids=frozenset({"leicestershire"}))
    for name in ("RequireReport", "ProposeMerger", "RecordDecision"):
        command_class = next(c for c in COMMANDS if c.__name__ == name)
        outcome = _outcome(office, _unvalidated(command_class), area)
        assert outcome is (NoStatutoryPower if name in refused else None), name
