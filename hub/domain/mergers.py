"""CSP combination agreements (mergers): CDA s.5(1A)-(1E) and s.5A (DOMAIN.md section 3).

The rules here:

- England only: a proposal naming a Welsh CSP is refused (``merger.welsh_csp``).
- A proposal combines two or more current CSPs, at least one in the proposing policing body's
  area; it names at least one purpose the policing body may agree in, a name and a date.
- The parties are computed from the constituents: every responsible authority, the policing
  body of each police area involved and, when more than one police area is involved, the Home
  Secretary; such a cross-force proposal must set out co-operation arrangements.
- Each party gives its word on the question before it (the proposal, later a variation or a
  termination): consent (signatory, role, date, document), refusal with a reason, or
  withdrawal of an earlier consent. A standing refusal blocks the question. The question is
  agreed the moment every party's latest word is consent; for the proposal, that makes the
  agreement. A revision, or a new question, clears every word.
- The office may withdraw the proposal until the agreement is made, and a proposed variation
  or termination until it is agreed.
- On the effective date the hub's job records that the merger took effect; a job for another
  date, or for an agreement no longer awaiting effect, does nothing.
- A termination takes effect on its date, by the hub's job likewise: the combined CSP ends
  and a CSP is re-registered for each constituent's local government area(s), with its own
  responsible authorities (``ended``). An agreement terminated before it ever took effect
  changes nothing in the directory.
- A combined CSP can also end by law: when a local government reorganisation replaces its
  councils, the CSP for the new council's area arises in its place (CDA s.5). The agreement
  then ends with its combined CSP (``ended_with_csp``), a termination agreed for a later date
  included, and nothing is left before the parties.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.domain.directory import area_workspace, csp_workspace
from hub.domain.errors import N_, DomainError, InvalidCommand, InvalidInput
from hub.domain.record import RecordType
from schemas.commands import mergers as cmd
from schemas.events import mergers as ev
from schemas.events.directory import Country
from schemas.events.mergers import HOME_SECRETARY, PartyRole, Question
from schemas.registry import EventData

LONDON = ZoneInfo("Europe/London")

PROPOSED, MADE, IN_EFFECT, WITHDRAWN, TERMINATED, ENDED, ENDED_WITH_CSP = (
    "proposed", "made", "in_effect", "withdrawn", "terminated", "ended", "ended_with_csp",
)
CONSENTED, REFUSED, CONSENT_WITHDRAWN = "consented", "refused", "withdrawn"


# -- errors ------------------------------------------------------------------------------------


class MergerNotFound(DomainError):
    """No merger has this id."""

    code = "merger.not_found"
    status = 404


class MergerExists(DomainError):
    """A merger with this id has already been proposed."""

    code = "merger.already_proposed"


class TooFewCsps(DomainError):
    """A combination needs the CSPs of two or more local government areas."""

    code = "merger.too_few_csps"
    status = 422


class DuplicateCsp(DomainError):
    """A CSP is named more than once."""

    code = "merger.duplicate_csp"
    status = 422


class WelshCsp(DomainError):
    """Combination agreements exist in England only; a Welsh CSP cannot be combined."""

    code = "merger.welsh_csp"
    status = 422


class CspNotCurrent(DomainError):
    """A constituent CSP has already ended."""

    code = "merger.csp_not_current"
    status = 422


class NoPurpose(DomainError):
    """The proposal must name at least one purpose the policing body may agree in."""

    code = "merger.no_purpose"
    status = 422


class CspOutsideArea(DomainError):
    """At least one constituent must lie in the proposing policing body's police area."""

    code = "merger.csp_outside_area"
    status = 422


class NoPolicingBody(DomainError):
    """A police area involved has no policing body to be a party."""

    code = "merger.no_policing_body"
    status = 422


class NotPolicingBody(DomainError):
    """Only the office of the area's policing body may propose a merger."""

    code = "merger.not_policing_body"
    status = 403


class CooperationArrangementsRequired(DomainError):
    """A combined area spanning police areas needs co-operation arrangements between them."""

    code = "merger.cooperation_arrangements_required"
    status = 422


class RequesterNotConstituent(DomainError):
    """The CSP that asked for the merger must be one of those combined."""

    code = "merger.requester_not_constituent"
    status = 422


class AreaChanged(DomainError):
    """A revision cannot move the proposal to another police area."""

    code = "merger.area_changed"
    status = 422


class InvalidMergerInput(InvalidInput):
    """The input does not fit the command's schema; ``errors`` names each field."""

    code = "merger.invalid_input"


class UnknownCsp(DomainError):
    """A named CSP is not in the directory (checked by the handler)."""

    code = "merger.unknown_csp"
    status = 422


class NotRevisable(DomainError):
    """Only a proposal not yet made can be revised."""

    code = "merger.not_revisable"


class NotWithdrawable(DomainError):
    """Only a proposal not yet made can be withdrawn."""

    code = "merger.not_withdrawable"


class AlreadyMade(DomainError):
    """The agreement is made: there is nothing before the parties to consent to or withdraw."""

    code = "merger.already_made"


class MergerClosed(DomainError):
    """The proposal was withdrawn or the agreement terminated."""

    code = "merger.closed"


class StaleRevision(DomainError):
    """The word was given on an earlier revision; the party must read the current one."""

    code = "merger.stale_revision"


class NotAParty(DomainError):
    """The organisation is not a party to this agreement."""

    code = "merger.not_a_party"
    status = 403


class UnknownParty(DomainError):
    """The office named a party the agreement does not have."""

    code = "merger.unknown_party"
    status = 422


class PartyInHub(DomainError):
    """A party in the hub gives its word itself; the office enters only external parties'."""

    code = "merger.party_in_hub"
    status = 422


class AlreadyConsented(DomainError):
    """The party's standing word is already consent."""

    code = "merger.already_consented"


class AlreadyRefused(DomainError):
    """The party's standing word is already refusal."""

    code = "merger.already_refused"


class NoConsentToWithdraw(DomainError):
    """The party has no standing consent to withdraw."""

    code = "merger.no_consent_to_withdraw"


class SignedInFuture(DomainError):
    """A signature cannot be dated after today."""

    code = "merger.signed_in_future"
    status = 422


class NotMade(DomainError):
    """Only a made agreement can be varied or terminated."""

    code = "merger.not_made"


class ChangePending(DomainError):
    """A variation or termination is already before the parties."""

    code = "merger.change_pending"


class NoChangePending(DomainError):
    """No variation or termination is before the parties."""

    code = "merger.no_change_pending"


class EndsInPast(DomainError):
    """A termination cannot end the agreement on a past date."""

    code = "merger.ends_in_past"
    status = 422


ERRORS: tuple[type[DomainError], ...] = (
    MergerNotFound, MergerExists, TooFewCsps, DuplicateCsp, WelshCsp, CspNotCurrent, NoPurpose,
    CspOutsideArea, NoPolicingBody, NotPolicingBody, CooperationArrangementsRequired,
    RequesterNotConstituent, AreaChanged, UnknownCsp, NotRevisable,
    NotWithdrawable, AlreadyMade, MergerClosed, StaleRevision, NotAParty, UnknownParty,
    PartyInHub, AlreadyConsented, AlreadyRefused, NoConsentToWithdraw, SignedInFuture, NotMade,
    ChangePending, NoChangePending, EndsInPast, InvalidMergerInput,
)


# -- state -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyState:
    """A party to the agreement."""

    party_id: str
    role: str
    organisation_id: str | None
    area_id: str | None
    external: bool


@dataclass(frozen=True)
class Merger:
    """A combination agreement: what it says, who is party, and where consent stands."""

    exists: bool = False
    merger_id: str = ""
    area_id: str = ""
    status: str = ""
    terms: dict[str, Any] = field(default_factory=dict)
    """The latest proposal's terms, as stored (JSON form)."""
    parties: tuple[PartyState, ...] = ()
    question: Question | None = None
    """What is before the parties now; None when nothing is."""
    revision: int = 0
    words: dict[str, str] = field(default_factory=dict)
    """Each party's latest word on the current question."""
    signed_on: dict[str, date] = field(default_factory=dict)
    """The date of each standing signature on the current question."""
    change: dict[str, Any] = field(default_factory=dict)
    """The proposed variation or termination before the parties."""
    purposes: tuple[str, ...] = ()
    cooperation_arrangements: str | None = None
    took_effect: bool = False
    """Whether the combination ever took effect (the combined CSP exists)."""
    ends_on: date | None = None
    """The date an agreed termination takes effect."""

    @property
    def effective_date(self) -> date | None:
        """The date the combination takes effect."""
        raw = self.terms.get("effective_date")
        return date.fromisoformat(raw) if raw else None

    @property
    def constituent_ids(self) -> tuple[str, ...]:
        """The CSPs to be combined."""
        return tuple(c["csp_id"] for c in self.terms.get("constituents", ()))

    @property
    def area_ids(self) -> tuple[str, ...]:
        """Every police area the combination touches, the proposer's first."""
        areas = [self.area_id, *(c["area_id"] for c in self.terms.get("constituents", ()))]
        return tuple(dict.fromkeys(a for a in areas if a))

    @property
    def blocked(self) -> bool:
        """A party's standing refusal blocks the question before the parties."""
        return self.question is not None and REFUSED in self.words.values()


def london_today(now: datetime) -> date:
    """The calendar date in England at ``now``."""
    return now.astimezone(LONDON).date()


def combined_workspace(state: Merger) -> str:
    """The workspace of the combined CSP."""
    return csp_workspace(state.terms["combined_csp_id"])


def _initial() -> Merger:
    return Merger()


def _parties(data: dict[str, Any]) -> tuple[PartyState, ...]:
    return tuple(
        PartyState(p["party_id"], p["role"], p.get("organisation_id"), p.get("area_id"),
                   p.get("external", False))
        for p in data["parties"]
    )


_TERM_KEYS = (
    "area_id", "constituents", "purposes", "proposed_name", "combined_csp_id",
    "effective_date", "cross_force", "cooperation_arrangements", "requested_by_csp", "parties",
)


def _evolve(state: Merger, event_type: str, data: dict[str, Any]) -> Merger:
    match event_type:
        case "merger.proposed" | "merger.revised":
            terms = {k: data.get(k) for k in _TERM_KEYS}
            return replace(
                state, exists=True, merger_id=data["merger_id"], area_id=data["area_id"],
                status=PROPOSED, terms=terms, parties=_parties(data),
                question=Question.PROPOSAL, revision=data["revision"], words={}, signed_on={},
                purposes=tuple(data["purposes"]),
                cooperation_arrangements=data.get("cooperation_arrangements"),
            )
        case "merger.consented" | "merger.refused" | "merger.consent_withdrawn":
            word = {"merger.consented": CONSENTED, "merger.refused": REFUSED}.get(
                event_type, CONSENT_WITHDRAWN
            )
            party = data["party_id"]
            signed = {k: v for k, v in state.signed_on.items() if k != party}
            if word == CONSENTED:
                signed[party] = date.fromisoformat(data["signed_on"])
            return replace(state, words={**state.words, party: word}, signed_on=signed)
        case "merger.withdrawn":
            return replace(state, status=WITHDRAWN, question=None)
        case "merger.made":
            return replace(state, status=MADE, question=None)
        case "merger.took_effect":
            return replace(state, status=IN_EFFECT, took_effect=True)
        case "merger.termination_took_effect":
            return replace(state, status=ENDED)
        case "merger.combined_csp_ended":
            return replace(state, status=ENDED_WITH_CSP, question=None, change={})
        case "merger.amendment_proposed" | "merger.termination_proposed":
            question = (
                Question.VARIATION if event_type == "merger.amendment_proposed"
                else Question.TERMINATION
            )
            return replace(
                state, question=question, revision=data["revision"], words={}, signed_on={},
                change=dict(data),
            )
        case "merger.change_withdrawn":
            return replace(state, question=None, change={})
        case "merger.amended":
            return replace(
                state, question=None, change={}, purposes=tuple(data["purposes"]),
                cooperation_arrangements=data.get("cooperation_arrangements"),
            )
        case "merger.terminated":
            return replace(state, status=TERMINATED, question=None, change={},
                           ends_on=date.fromisoformat(data["ends_on"]))
    return state


# -- deciding ----------------------------------------------------------------------------------


def _require(state: Merger, command: BaseModel) -> None:
    if not state.exists or getattr(command, "merger_id", None) != state.merger_id:
        raise MergerNotFound(N_("no such merger"))


def _terms(command: cmd.ProposeMerger | cmd.ReviseMergerProposal) -> dict[str, Any]:
    """Check a proposal's content against the law and compute its parties."""
    ids = [c.csp_id for c in command.constituents]
    if len(set(ids)) != len(ids):
        raise DuplicateCsp(N_("each CSP may be named once"))
    if len(ids) < 2:
        raise TooFewCsps(N_("a combination needs the CSPs of two or more local government areas"))
    welsh = [c.csp_id for c in command.constituents if c.country != Country.ENGLAND]
    if welsh:
        raise WelshCsp(
            N_("combination agreements apply in England only; %(partnerships)s is in Wales"),
            partnerships=', '.join(welsh)
        )
    ended = [c.csp_id for c in command.constituents if c.ended]
    if ended:
        raise CspNotCurrent(N_("%(partnerships)s has already ended"), partnerships=', '.join(ended))
    if not command.purposes:
        raise NoPurpose(
            N_("name at least one purpose: reducing crime and disorder, reducing re-offending, "
            "or combating substance misuse")
        )
    areas = list(dict.fromkeys(c.area_id for c in command.constituents))
    if command.area_id not in areas:
        raise CspOutsideArea(N_("at least one CSP must be in the proposing policing body's area"))
    bodies = {fact.area_id: fact.organisation_id for fact in command.policing_bodies}
    missing = [a for a in areas if a not in bodies]
    if missing:
        raise NoPolicingBody(
            N_("no policing body holds the functions of %(names)s"),
            names=', '.join(missing)
        )
    if bodies[command.area_id] != command.by_organisation:
        raise NotPolicingBody(N_("only the office of the area's policing body may propose this"))
    cross_force = len(areas) > 1
    if cross_force and not command.cooperation_arrangements:
        raise CooperationArrangementsRequired(
            N_("the combined area spans police areas: set out co-operation arrangements between "
            "the policing bodies")
        )
    if command.requested_by_csp is not None and command.requested_by_csp not in ids:
        raise RequesterNotConstituent(N_("the requesting CSP must be one of those combined"))
    unregistered = set(command.unregistered_organisations)
    parties: list[ev.Party] = []
    seen: set[str] = set()
    for csp in command.constituents:
        for authority in csp.responsible_authorities:
            if authority not in seen:
                seen.add(authority)
                parties.append(ev.Party(
                    party_id=authority, role=PartyRole.RESPONSIBLE_AUTHORITY,
                    organisation_id=authority, area_id=csp.area_id,
                    external=authority in unregistered,
                ))
    for area in areas:
        parties.append(ev.Party(
            party_id=f"policing-body-{area}", role=PartyRole.POLICING_BODY,
            organisation_id=bodies[area], area_id=area, external=bodies[area] in unregistered,
        ))
    if cross_force:
        parties.append(ev.Party(
            party_id=HOME_SECRETARY, role=PartyRole.HOME_SECRETARY, external=True
        ))
    return {
        "merger_id": command.merger_id,
        "by_organisation": command.by_organisation,
        "area_id": command.area_id,
        "constituents": [
            ev.Constituent(**c.model_dump(exclude={"country", "ended"}))
            for c in command.constituents
        ],
        "purposes": list(dict.fromkeys(command.purposes)),
        "proposed_name": command.proposed_name,
        "combined_csp_id": command.combined_csp_id,
        "effective_date": command.effective_date,
        "cross_force": cross_force,
        "cooperation_arrangements": command.cooperation_arrangements,
        "requested_by_csp": command.requested_by_csp,
        "parties": parties,
    }


def _open_question(state: Merger, command: BaseModel) -> Question:
    _require(state, command)
    if state.question is not None:
        return state.question
    if state.status in (MADE, IN_EFFECT):
        raise AlreadyMade(N_("the agreement is made; nothing is before the parties"))
    raise MergerClosed(N_("the proposal was withdrawn or the agreement has ended"))


def _own_parties(state: Merger, command: cmd._Word) -> list[PartyState]:
    """The parties ``by_organisation`` is: an authority, and the policing body it holds."""
    _require(state, command)
    own = [
        p for p in state.parties
        if not p.external and (
            (p.role == PartyRole.POLICING_BODY and p.area_id in command.policing_body_of)
            or (p.role == PartyRole.RESPONSIBLE_AUTHORITY
                and p.organisation_id == command.by_organisation)
        )
    ]
    if not own:
        raise NotAParty(
            N_("%(by_organisation)s is not a party to this agreement"),
            by_organisation=command.by_organisation
        )
    return own


def _external_party(state: Merger, command: cmd._ExternalWord) -> list[PartyState]:
    _require(state, command)
    party = next((p for p in state.parties if p.party_id == command.party_id), None)
    if party is None:
        raise UnknownParty(
            N_("%(party_id)s is not a party to this agreement"),
            party_id=command.party_id
        )
    if not party.external:
        raise PartyInHub(
            N_("%(party_id)s is in the hub and gives its word itself"),
            party_id=command.party_id
        )
    return [party]


def _words(
    state: Merger, parties: list[PartyState], command: Any, word: str, now: datetime
) -> list[EventData]:
    question = _open_question(state, command)
    if command.revision != state.revision:
        raise StaleRevision(
            N_("the %(question)s is at revision %(current)s, not %(sent)s"),
            question=question.value, current=state.revision, sent=command.revision,
        )
    common = {
        "merger_id": state.merger_id, "by_organisation": command.by_organisation,
        "question": question, "revision": state.revision,
    }
    events: list[EventData] = []
    for party in parties:
        current = state.words.get(party.party_id)
        if word == CONSENTED:
            if current == CONSENTED:
                raise AlreadyConsented(
                    N_("%(party_id)s has already consented"),
                    party_id=party.party_id
                )
            if command.signed_on > london_today(now):
                raise SignedInFuture(N_("a signature cannot be dated after today"))
            events.append(ev.MergerConsented(
                party_id=party.party_id, signatory=command.signatory,
                signatory_role=command.signatory_role, signed_on=command.signed_on,
                document=command.document, **common,
            ))
        elif word == REFUSED:
            if current == REFUSED:
                raise AlreadyRefused(
                    N_("%(party_id)s has already refused"),
                    party_id=party.party_id
                )
            events.append(
                ev.MergerRefused(party_id=party.party_id, reason=command.reason, **common)
            )
        else:
            if current != CONSENTED:
                raise NoConsentToWithdraw(
                    N_("%(party_id)s has no consent to withdraw"),
                    party_id=party.party_id
                )
            events.append(ev.MergerConsentWithdrawn(
                party_id=party.party_id, reason=command.reason, **common
            ))
    words = {**state.words, **{p.party_id: word for p in parties}}
    if all(words.get(p.party_id) == CONSENTED for p in state.parties):
        # Made in writing once the last party signed: the date of the latest signature.
        dates = [*state.signed_on.values(), *([command.signed_on] if word == CONSENTED else [])]
        events.append(_agreed(state, question, max(dates)))
    return events


def _agreed(state: Merger, question: Question, today: date) -> EventData:
    """The event of every party having signed ``question`` (the last on ``today``)."""
    if question == Question.PROPOSAL:
        assert state.effective_date is not None
        return ev.MergerMade(
            merger_id=state.merger_id, revision=state.revision, made_on=today,
            effective_date=state.effective_date,
        )
    if question == Question.VARIATION:
        return ev.MergerVaried(
            merger_id=state.merger_id, revision=state.revision, agreed_on=today,
            purposes=state.change["purposes"],
            cooperation_arrangements=state.change.get("cooperation_arrangements"),
        )
    return ev.MergerTerminated(
        merger_id=state.merger_id, revision=state.revision, agreed_on=today,
        ends_on=state.change["ends_on"],
    )


def _new_change(state: Merger, command: BaseModel) -> None:
    _require(state, command)
    if state.status not in (MADE, IN_EFFECT):
        raise NotMade(N_("only a made agreement can be varied or terminated"))
    if state.question is not None:
        raise ChangePending(N_("a variation or termination is already before the parties"))


def _take_effect(state: Merger, command: cmd.TakeMergerEffect, now: datetime) -> list[EventData]:
    # A late, early or superseded job is not an error: it simply has nothing to do.
    if (
        state.status != MADE
        or state.effective_date != command.effective_date
        or london_today(now) < command.effective_date
    ):
        return []
    return [ev.MergerTookEffect(
        merger_id=state.merger_id, combined_csp_id=state.terms["combined_csp_id"],
        workspace_id=combined_workspace(state), effective_date=command.effective_date,
        ended_csps=list(state.constituent_ids),
    )]


def successor_csp_id(constituent_id: str, ends_on: date) -> str:
    """The id of the CSP re-registered for a constituent's area when a termination takes
    effect (a new record: the constituent's own stream has ended)."""
    return f"{constituent_id}-from-{ends_on.isoformat()}"


def _take_termination_effect(
    state: Merger, command: cmd.TakeTerminationEffect, now: datetime
) -> list[EventData]:
    # As for the combination: a late, early or superseded job simply has nothing to do, and
    # an agreement that never took effect has no combined CSP to end.
    if (
        state.status != TERMINATED
        or not state.took_effect
        or state.ends_on != command.ends_on
        or london_today(now) < command.ends_on
    ):
        return []
    successors = [
        ev.Constituent(**{**c, "csp_id": successor_csp_id(c["csp_id"], command.ends_on)})
        for c in state.terms["constituents"]
    ]
    return [ev.MergerTerminationTookEffect(
        merger_id=state.merger_id, combined_csp_id=state.terms["combined_csp_id"],
        ends_on=command.ends_on, successors=successors,
    )]


def _end_with_combined_csp(state: Merger, command: cmd.EndWithCombinedCsp) -> list[EventData]:
    # Only an agreement whose combined CSP exists ends with it; a repeat, or another CSP's
    # ending, has nothing to do.
    current = state.took_effect and state.status in (IN_EFFECT, TERMINATED)
    if not current or state.terms.get("combined_csp_id") != command.combined_csp_id:
        return []
    return [ev.MergerEndedWithCombinedCsp(
        merger_id=state.merger_id, **command.model_dump(exclude={"merger_id"}),
    )]


def _decide(state: Merger, command: BaseModel, now: datetime) -> list[EventData]:
    match command:
        case cmd.ProposeMerger():
            if state.exists:
                raise MergerExists(N_("a merger with this id has already been proposed"))
            return [ev.MergerProposed(revision=1, **_terms(command))]
        case cmd.ReviseMergerProposal():
            _require(state, command)
            if state.status != PROPOSED:
                raise NotRevisable(N_("only a proposal not yet made can be revised"))
            if command.area_id != state.area_id:
                raise AreaChanged(N_("a revision cannot move the proposal to another area"))
            return [ev.MergerRevised(
                revision=state.revision + 1, note=command.note, **_terms(command)
            )]
        case cmd.WithdrawMergerProposal():
            _require(state, command)
            if state.status != PROPOSED:
                raise NotWithdrawable(N_("only a proposal not yet made can be withdrawn"))
            return [ev.MergerWithdrawn(
                merger_id=state.merger_id, by_organisation=command.by_organisation,
                reason=command.reason,
            )]
        case cmd.ConsentToMerger():
            return _words(state, _own_parties(state, command), command, CONSENTED, now)
        case cmd.RefuseMerger():
            return _words(state, _own_parties(state, command), command, REFUSED, now)
        case cmd.WithdrawMergerConsent():
            return _words(state, _own_parties(state, command), command, CONSENT_WITHDRAWN, now)
        case cmd.RecordExternalConsent():
            return _words(state, _external_party(state, command), command, CONSENTED, now)
        case cmd.RecordExternalRefusal():
            return _words(state, _external_party(state, command), command, REFUSED, now)
        case cmd.RecordExternalConsentWithdrawal():
            return _words(
                state, _external_party(state, command), command, CONSENT_WITHDRAWN, now
            )
        case cmd.ProposeMergerVariation():
            _new_change(state, command)
            if not command.purposes:
                raise NoPurpose(N_("a varied agreement must still name at least one purpose"))
            if state.terms.get("cross_force") and not command.cooperation_arrangements:
                raise CooperationArrangementsRequired(
                    N_("a cross-force agreement must keep co-operation arrangements")
                )
            return [ev.MergerVariationProposed(
                merger_id=state.merger_id, by_organisation=command.by_organisation,
                revision=state.revision + 1, description=command.description,
                purposes=list(dict.fromkeys(command.purposes)),
                cooperation_arrangements=command.cooperation_arrangements,
            )]
        case cmd.ProposeMergerTermination():
            _new_change(state, command)
            if command.ends_on < london_today(now):
                raise EndsInPast(N_("the agreement cannot end on a past date"))
            return [ev.MergerTerminationProposed(
                merger_id=state.merger_id, by_organisation=command.by_organisation,
                revision=state.revision + 1, ends_on=command.ends_on, reason=command.reason,
            )]
        case cmd.WithdrawMergerChange():
            _require(state, command)
            if state.question not in (Question.VARIATION, Question.TERMINATION):
                raise NoChangePending(N_("no variation or termination is before the parties"))
            return [ev.MergerChangeWithdrawn(
                merger_id=state.merger_id, by_organisation=command.by_organisation,
                question=state.question, revision=state.revision, reason=command.reason,
            )]
        case cmd.TakeMergerEffect():
            return _take_effect(state, command, now)
        case cmd.TakeTerminationEffect():
            return _take_termination_effect(state, command, now)
        case cmd.EndWithCombinedCsp():
            _require(state, command)
            return _end_with_combined_csp(state, command)
    raise InvalidCommand(N_("a merger cannot take %(command)s"), command=type(command).__name__)


def _open_to(state: Merger, _organisation_id: str, _now: datetime) -> frozenset[type[BaseModel]]:
    """The commands the merger's state admits (see the guards above).

    Which parties an organisation speaks for can turn on the directory (the area whose
    policing body it is), so the words are judged on the question before the parties alone.
    """
    if not state.exists:
        return frozenset()
    offered: set[type[BaseModel]] = set()
    if state.status == PROPOSED:
        offered |= {cmd.ReviseMergerProposal, cmd.WithdrawMergerProposal}
    if state.question is not None:
        offered |= {cmd.ConsentToMerger, cmd.RefuseMerger, cmd.WithdrawMergerConsent}
        if any(p.external for p in state.parties):
            offered |= {cmd.RecordExternalConsent, cmd.RecordExternalRefusal,
                        cmd.RecordExternalConsentWithdrawal}
        if state.question in (Question.VARIATION, Question.TERMINATION):
            offered.add(cmd.WithdrawMergerChange)
    elif state.status in (MADE, IN_EFFECT):
        offered |= {cmd.ProposeMergerVariation, cmd.ProposeMergerTermination}
    return frozenset(offered)


def _visible_in(state: Merger) -> tuple[str, ...]:
    spaces = [area_workspace(a) for a in state.area_ids]
    spaces += [csp_workspace(c) for c in state.constituent_ids]
    if state.took_effect:
        spaces.append(combined_workspace(state))
    return tuple(dict.fromkeys(spaces))


def _area_of(state: Merger, command: BaseModel) -> str | None:
    """The area whose rules apply: a party's own area when it gives its word."""
    if isinstance(command, cmd._Word) and state.exists:
        for party in state.parties:
            pb = party.role == PartyRole.POLICING_BODY
            holds = pb and party.area_id in command.policing_body_of
            if party.area_id and (holds or party.organisation_id == command.by_organisation):
                return party.area_id
    if state.exists:
        return state.area_id
    if not isinstance(command, (cmd.ProposeMerger, cmd.TakeMergerEffect,
                                cmd.TakeTerminationEffect)):
        # Answer a missing merger as missing, before asking who may act on it.
        raise MergerNotFound(N_("no such merger"))
    return getattr(command, "area_id", None)


MERGER = RecordType("merger", _initial, _evolve, _decide, _visible_in, _area_of, _open_to)
