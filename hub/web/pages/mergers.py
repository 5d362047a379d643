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
from hub.i18n import _
from hub.queries.directory import area_names, csp_names
from hub.web.auth import Caller, hub_of
from hub.web.pages.present import MERGER_STATUSES, listing, long_date, purpose_words, status_tag

QUESTIONS = {
    "proposal": "The proposal to combine the partnerships",
    "variation": "A variation of the agreement",
    "termination": "Ending the agreement",
}
ROLES = {"policing_body": "Policing body", "responsible_authority": "Responsible authority"}
WORDS = {"consented": ("Consented", "govuk-tag--green"), "refused": ("Refused", "govuk-tag--red")}


@dataclass(frozen=True)
class PartyStatus:
    """One party's word on the question before the parties, as the table shows it."""

    party_id: str
    name: str
    role: str
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
            else f"Policing body for {areas.get(p.get('area_id') or '', 'another area')}",
            role=ROLES.get(p["role"], p["role"].replace("_", " ").capitalize()),
            word=WORDS.get(p.get("word") or "", ("Not yet", "govuk-tag--grey"))[0],
            word_class=WORDS.get(p.get("word") or "", ("Not yet", "govuk-tag--grey"))[1],
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
        summary.append((_("Before the parties now"), QUESTIONS.get(record["question"],
                                                                record["question"])))
        summary.append((_("Consents"), f"{record['parties_consented']} of "
                                    f"{record['parties_total']} parties have consented"))
    if record.get("made_on"):
        summary.append(("Agreed on", long_date(record["made_on"])))
    if record.get("csp_ended_on"):
        summary.append((_("Why it ended"), ended_by_law(engine, names, record)))
    if record.get("requested_by_csp"):
        summary.append(("Asked for by", partnerships.get(record["requested_by_csp"])
                        or csp_names(engine, [record["requested_by_csp"]]).get(
                            record["requested_by_csp"], "")))
    if record.get("cooperation_arrangements"):
        summary.append(("How the partners will co-operate", record["cooperation_arrangements"]))
    yours = [p for p in parties if p.mine]
    return {
        "summary": summary, "status_class": status_class, "parties": parties,
        "your_words": [_your_word(p) for p in yours],
    }


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
    as_role = f" as {party.role.lower()}"
    if party.word == "Consented":
        by = f", signed by {party.signed_by}" if party.signed_by else ""
        return f"You consented{as_role} on {party.signed_on}{by}."
    if party.word == "Refused":
        return f"You refused{as_role}."
    return f"Your organisation has not yet given its word{as_role}."
