"""The access policy, table-driven: every command by every kind of organisation by same or
other police area, against expectations written from DOMAIN.md (not read from the rules)."""

from __future__ import annotations

import pytest

from hub.access.policy import (
    SYSTEM,
    Actor,
    AreaFacts,
    EnglandOnly,
    NotOwnOrganisation,
    NotPermitted,
    NotPolicingBody,
    NotVisible,
    ViewerCannotAct,
    authorise,
    rules,
)
from schemas.commands import Command, all_commands
from schemas.events.directory import OrganisationKind

OFFICE, ITSELF, OPERATOR = "the area's policing body office", "the organisation itself", "hub"

# Who the law lets act, command by command (DOMAIN.md; "the hub" = scheduled or operator work).
EXPECTED: dict[str, str] = {
    # The directory: areas and governance are the operator's; the office keeps its area.
    "RegisterPoliceArea": OPERATOR, "AssignPolicingBody": OPERATOR,
    "TransferGovernance": OPERATOR, "RegisterOrganisation": OFFICE, "RegisterCsp": OFFICE,
    "ChangeCspAuthorities": OFFICE, "EndCsp": OFFICE, "CreateWorkspace": OFFICE,
    "AddWorkspaceMember": OFFICE, "RemoveWorkspaceMember": OFFICE, "CloseWorkspace": OFFICE,
    # §1 duty register: authorities register their own priorities and strategy regard; the
    # office records decisions, the plan and drafts arrangements; each CJ body agrees itself.
    "RegisterPriority": ITSELF, "RevisePriority": ITSELF, "RetirePriority": ITSELF,
    "RecordDecision": OFFICE, "NoteRegard": OFFICE, "FinaliseDecision": OFFICE,
    "RecordPlan": OFFICE, "RevisePlan": OFFICE, "RetirePlan": OFFICE,
    "RecordStrategyRegard": ITSELF, "NoteObjectiveRegard": ITSELF,
    "FinaliseStrategyRegard": ITSELF, "DraftArrangement": OFFICE, "AgreeArrangement": ITSELF,
    "ReviewArrangement": OFFICE, "VaryArrangement": OFFICE, "EndArrangement": OFFICE,
    "MarkArrangementReviewDue": OPERATOR,
    # §2 report requests: "only the authorities addressed may acknowledge, ask for an
    # extension or submit. Only the requester accepts, returns, publishes or withdraws."
    "RequireReport": OFFICE, "AcknowledgeReport": ITSELF, "RequestExtension": ITSELF,
    "GrantExtension": OFFICE, "RefuseExtension": OFFICE, "SubmitReport": ITSELF,
    "ResubmitReport": ITSELF, "AcceptReport": OFFICE, "ReturnReport": OFFICE,
    "PublishReport": OFFICE, "CloseReport": OFFICE, "WithdrawReport": OFFICE,
    "MarkReportOverdue": OPERATOR, "SendReportReminder": OPERATOR,
    # §3 mergers: the office proposes, revises, withdraws and enters external signatories;
    # each party consents or refuses for itself.
    "ProposeMerger": OFFICE, "ReviseMergerProposal": OFFICE, "WithdrawMergerProposal": OFFICE,
    "ConsentToMerger": ITSELF, "RefuseMerger": ITSELF, "WithdrawMergerConsent": ITSELF,
    "RecordExternalConsent": OFFICE, "RecordExternalRefusal": OFFICE,
    "RecordExternalConsentWithdrawal": OFFICE, "ProposeMergerVariation": OFFICE,
    "ProposeMergerTermination": OFFICE, "WithdrawMergerChange": OFFICE,
    "TakeMergerEffect": OPERATOR,
    # §4 meetings: the office convenes and runs them; invitees respond, owners complete.
    "ConveneMeeting": OFFICE, "RespondToMeeting": ITSELF, "PublishMeetingPapers": OFFICE,
    "RescheduleMeeting": OFFICE, "AmendMeeting": OFFICE, "CancelMeeting": OFFICE,
    "RecordMeetingHeld": OFFICE, "DraftMeetingMinutes": OFFICE,
    "ApproveMeetingMinutes": OFFICE, "AssignMeetingAction": OFFICE,
    "CompleteMeetingAction": ITSELF, "MarkMeetingHeld": OPERATOR,
    "SendMeetingReminder": OPERATOR, "SendActionReminder": OPERATOR,
}
# Powers that exist in England only (DOMAIN.md §3: "England only").
ENGLAND_ONLY = {
    "ProposeMerger", "ReviseMergerProposal", "WithdrawMergerProposal", "ConsentToMerger",
    "RefuseMerger", "WithdrawMergerConsent", "RecordExternalConsent", "RecordExternalRefusal",
    "RecordExternalConsentWithdrawal", "ProposeMergerVariation", "ProposeMergerTermination",
    "WithdrawMergerChange", "TakeMergerEffect",
}

ENGLAND = AreaFacts("leicestershire", "england", "leicestershire-opcc")
WALES = AreaFacts("dyfed-powys", "wales", "dyfed-powys-opcc")
COMMANDS = all_commands()


def _org_of(kind: OrganisationKind, area: AreaFacts) -> str:
    if kind is OrganisationKind.POLICING_BODY_OFFICE:
        return area.policing_body_id or ""
    return f"{area.area_id}-{kind.value}"


def _outcome(actor: Actor, command: Command, area: AreaFacts) -> type[Exception] | None:
    try:
        authorise(actor, command, area)
    except Exception as error:
        return type(error)
    return None


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
    command = command_class.model_construct(by_organisation=organisation)
    outcome = _outcome(actor, command, ENGLAND)
    expected = EXPECTED[command_class.__name__]
    if not same_area:
        assert outcome is NotVisible, "another area's record must be a 404"
    elif expected == OPERATOR:
        assert outcome is NotPermitted
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
    for_another = command_class.model_construct(by_organisation="leicestershire-police")
    if EXPECTED[command_class.__name__] == ITSELF:
        assert _outcome(council, for_another, ENGLAND) is NotOwnOrganisation
    office_viewer = Actor(user_id="u3", organisation_id="leicestershire-opcc", role="viewer",
                          area_ids=frozenset({"leicestershire"}))
    own = command_class.model_construct(by_organisation="leicestershire-opcc")
    assert _outcome(office_viewer, own, ENGLAND) is ViewerCannotAct


@pytest.mark.parametrize("command_class", COMMANDS, ids=lambda c: c.__name__)
def test_england_only_powers_are_refused_in_wales_even_for_the_hub(
    command_class: type[Command],
) -> None:
    command = command_class.model_construct(by_organisation="dyfed-powys-opcc")
    office = Actor(user_id="u4", organisation_id="dyfed-powys-opcc",
                   area_ids=frozenset({"dyfed-powys"}))
    england_only = command_class.__name__ in ENGLAND_ONLY
    assert (_outcome(SYSTEM, command, WALES) is EnglandOnly) == england_only
    if england_only and EXPECTED[command_class.__name__] == OFFICE:
        assert _outcome(office, command, WALES) is EnglandOnly
