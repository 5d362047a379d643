"""The merger page: what is proposed, in words, and where each party's consent stands.

A combination of CSPs (CDA s.5A) needs the consent of every party: each responsible authority
of the partnerships combined, and the policing body of each police area concerned. The page
names every party, says whether and when it consented or refused (and who signed), and says
what the caller's own organisation did. The actions are the generic record page's, offered to
each party as its word allows (:mod:`hub.web.pages.page_actions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request

from hub.events.envelope import RecordedEvent
from hub.i18n import N_, _, gettext, ngettext
from hub.queries.directory import area_names, csp_names
from hub.web.auth import Caller, hub_of
from hub.web.pages.present import MERGER_STATUSES, listing, long_date, purpose_words, status_tag

QUESTIONS = {
    "proposal": N_("The proposal to combine the partnerships"),
    "variation": N_("A variation of the agreement"),
    "termination": N_("Ending the agreement"),
}
ROLES = {"policing_body": N_("Policing body"), "responsible_authority": N_("Responsible authority")}
WORDS = {
    "consented": (N_("Consented"), "govuk-tag--green"),
    "refused": (N_("Refused"), "govuk-tag--red"),
}
NO_WORD = (N_("Not yet"), "govuk-tag--grey")


@dataclass(frozen=True)
class PartyStatus:
    """One party's word on the question before the parties, as the table shows it."""

    party_id: str
    name: str
    role: str
    role_key: str
    word_key: str
    word: str
    word_class: str
    signed_on: str
    signed_by: str
    reason: str
    mine: bool


def merger_context(
    request: Request, caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What the merger page shows beyond the generic record page's context."""
    engine = hub_of(request).engine
    names = request.app.state.organisation_names
    areas = area_names(engine, list(record.get("area_ids") or []))
    partnerships = csp_names(engine, list(record.get("constituents") or []))
    own = caller.actor.organisation_id
    parties = [
        PartyStatus(
            party_id=p["party_id"],
            name=names(p["organisation_id"]) if p.get("organisation_id")
            else _policing_body_of(areas.get(p.get("area_id") or "")),
            role=gettext(ROLES[p["role"]]) if p["role"] in ROLES
            else p["role"].replace("_", " ").capitalize(),
            role_key=p["role"],
            word_key=p.get("word") or "",
            word=gettext(WORDS.get(p.get("word") or "", NO_WORD)[0]),
            word_class=WORDS.get(p.get("word") or "", NO_WORD)[1],
            signed_on=long_date(p.get("signed_on")),
            signed_by=", ".join(x for x in (p.get("signatory"), p.get("signatory_role")) if x),
            reason=p.get("reason") or "",
            mine=bool(own) and p.get("organisation_id") == own and not p.get("external"),
        )
        for p in sorted(record.get("parties") or [], key=lambda p: p.get("position", 0))
    ]
    status_text, status_class = status_tag(MERGER_STATUSES, record["status"])
    summary = [
        (_("Status"), status_text),
        (_("Proposed name"), record["proposed_name"]),
        (_("Partnerships combined"), listing([partnerships.get(c, c)
                                           for c in record.get("constituents") or []])),
        (_("Purposes"), listing([purpose_words(p) for p in
                              record.get("purposes") or []])),
        (_("Takes effect on"), long_date(record["effective_date"])),
        (_("Proposed by"), names(record["proposed_by"])),
        (_("Police areas"), listing(list(areas.values()))),
    ]
    if record.get("question"):
        question = record["question"]
        summary.append((_("Before the parties now"),
                        gettext(QUESTIONS[question]) if question in QUESTIONS else question))
        summary.append((_("Consents"), ngettext(
            "%(consented)d of %(total)d party has consented",
            "%(consented)d of %(total)d parties have consented",
            record["parties_total"],
        ) % {"consented": record["parties_consented"], "total": record["parties_total"]}))
    if record.get("made_on"):
        summary.append((_("Agreed on"), long_date(record["made_on"])))
    if record.get("csp_ended_on"):
        summary.append((_("Why it ended"), ended_by_law(engine, names, record)))
    if record.get("requested_by_csp"):
        summary.append((_("Asked for by"), partnerships.get(record["requested_by_csp"])
                        or csp_names(engine, [record["requested_by_csp"]]).get(
                            record["requested_by_csp"], "")))
    if record.get("cooperation_arrangements"):
        summary.append((_("How the partners will co-operate"), record["cooperation_arrangements"]))
    yours = [p for p in parties if p.mine]
    return {
        "summary": summary, "status_class": status_class, "parties": parties,
        "your_words": [_your_word(p) for p in yours],
    }


def _policing_body_of(area: str | None) -> str:
    if area is None:
        return _("Policing body for another area")
    return _("Policing body for %(area)s") % {"area": area}


def ended_by_law(engine: Engine, names: Callable[[str], str], record: dict[str, Any]) -> str:
    """Why an agreement ended with its combined CSP, in words: the CSP's last day, and the
    CSP that arose by law in its place and for which council's area."""
    arisen = record.get("succeeded_by_csp") or ""
    return _(
        "The combined partnership ended on %(date)s, when the %(csp)s arose by law for "
        "%(council)s's area. The agreement ended with it."
    ) % {
        "date": long_date(record["csp_ended_on"]),
        "csp": csp_names(engine, [arisen]).get(arisen, _("new partnership")),
        "council": names(record.get("arose_for") or ""),
    }


def _your_word(party: PartyStatus) -> str:
    # Whole sentences per role and word, so that a translator never joins fragments.
    as_body = party.role_key == "policing_body"
    if party.word_key == "consented":
        values = {"date": party.signed_on, "signatory": party.signed_by}
        if as_body:
            return (_("You consented as policing body on %(date)s, signed by %(signatory)s.")
                    if party.signed_by else _("You consented as policing body on %(date)s.")
                    ) % values
        return (_("You consented as responsible authority on %(date)s, signed by %(signatory)s.")
                if party.signed_by else _("You consented as responsible authority on %(date)s.")
                ) % values
    if party.word_key == "refused":
        return _("You refused as policing body.") if as_body else _(
            "You refused as responsible authority.")
    return (_("Your organisation has not yet given its word as policing body.") if as_body
            else _("Your organisation has not yet given its word as responsible authority."))
