"""The Section 10 duty register's pages: a priority, a decision, the plan, regard to the plan,
and a criminal justice arrangement, each in words (DOMAIN.md section 1).

Each function gives its designed template (``records/priority.html`` and the others) a summary
in plain English (names, never ids; London dates; coded values in words; the status as a tag)
and what the record's table shows: the regard had to each priority or objective, or where
each party to an arrangement stands. The template says the statutory basis. The actions,
history, live refresh and conflict handling are the generic record page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from hub.access.actors import visible_workspaces
from hub.domain.errors import NotFound
from hub.events.envelope import RecordedEvent
from hub.i18n import N_, _, gettext, ngettext
from hub.queries.directory import area_names, csp_names
from hub.web.api.duties import PLANS
from hub.web.auth import Caller, hub_of
from hub.web.pages.present import long_date, status_tag
from hub.web.pages.value_words import value_words

CURRENT = {
    False: (N_("Current"), "govuk-tag--green"),
    True: (N_("Retired"), "govuk-tag--grey"),
}
"""A priority's or a plan's status in words (by whether it is retired), and its tag colour."""
FINALISED = {
    False: (N_("Regard still being recorded"), "govuk-tag--blue"),
    True: (N_("Finalised"), "govuk-tag--green"),
}
"""A decision's or a record of regard's status (by whether it is finalised)."""
ARRANGEMENT_STATUSES = {
    "drafted": (N_("Drafted, waiting for every party to agree"), "govuk-tag--blue"),
    "in_force": (N_("In force"), "govuk-tag--green"),
    "review_due": (N_("Review due"), "govuk-tag--orange"),
    "varied": (N_("Varied, waiting for every party to agree"), "govuk-tag--yellow"),
    "ended": (N_("Ended"), "govuk-tag--grey"),
}
"""A criminal justice arrangement's status in words, and its tag colour."""
OUTCOMES = {
    "considered": (N_("Considered"), "govuk-tag--green"),
    "unconsidered": (N_("Gap: not considered"), "govuk-tag--red"),
    "outside_duty": (N_("Outside the duty (devolved)"), "govuk-tag--grey"),
    "reasoned": (N_("Not considered, with reason"), "govuk-tag--yellow"),
}
"""The regard had to one priority or objective, in the duty register's words."""


@dataclass(frozen=True)
class Regard:
    """The regard a record had to one priority or objective, as its table shows it."""

    title: str
    by: str
    theme: str
    word: str
    word_class: str
    note: str


@dataclass(frozen=True)
class PartyAgreement:
    """Where one party to a criminal justice arrangement stands, as the table shows it."""

    name: str
    kind: str
    agreed: bool
    agreed_on: str
    signatory: str
    mine: bool


def _status(statuses: dict[Any, tuple[str, str]], key: Any) -> tuple[str, str]:
    words, colour = statuses[key]
    return gettext(words), colour


def _period(starts_on: Any, ends_on: Any) -> str:
    return _("%(start)s to %(end)s") % {"start": long_date(starts_on), "end": long_date(ends_on)}


def _area(request: Request, record: dict[str, Any]) -> str:
    area_id = record["area_id"]
    return area_names(hub_of(request).engine, [area_id]).get(area_id, "")


def _csp(request: Request, csp_id: str | None) -> str:
    if not csp_id:
        return ""
    return csp_names(hub_of(request).engine, [csp_id]).get(csp_id, "")


def _with_optional(summary: list[tuple[str, str]], *rows: tuple[str, Any]) -> None:
    # Rows with nothing to say are left out, as the other designed pages leave them out.
    summary.extend((key, value) for key, value in rows if value)


def _regards(rows: list[dict[str, Any]], names: Any) -> list[Regard]:
    regards = []
    for row in rows:
        outcome = "reasoned" if row["outcome"] == "unconsidered" and row.get("reason") else (
            row["outcome"])
        word, colour = _status(OUTCOMES, outcome) if outcome in OUTCOMES else (outcome, "")
        regards.append(Regard(
            title=row["title"],
            by=names(row["organisation_id"]) if row.get("organisation_id") else "",
            theme=value_words(row["theme"]) if row.get("theme") else "",
            word=word, word_class=colour, note=row.get("note") or row.get("reason") or "",
        ))
    return regards


def _regard_count(rows: list[dict[str, Any]]) -> str:
    # A gap given a written reason is "reasoned" once finalised; before that it is a gap.
    counts = {key: sum(1 for r in rows if r["outcome"] == key)
              for key in ("considered", "reasoned", "unconsidered", "outside_duty")}
    return _("%(considered)d considered, %(reasoned)d not considered with a reason, %(gaps)d "
             "gaps, %(outside)d outside the duty") % {
        "considered": counts["considered"], "reasoned": counts["reasoned"],
        "gaps": counts["unconsidered"], "outside": counts["outside_duty"]}


def priority_context(
    request: Request, _caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What a relevant priority's page shows beyond the generic record page's context."""
    names = request.app.state.organisation_names
    status_text, status_class = _status(CURRENT, bool(record["retired"]))
    summary = [
        (_("Status"), status_text),
        (_("Registered by"), names(record["organisation_id"])),
    ]
    _with_optional(summary, (_("Partnership"), _csp(request, record.get("csp_id"))))
    summary += [
        (_("Police area"), _area(request, record)),
        (_("Theme"), value_words(record["theme"])),
        (_("Comes from"), _("%(title)s (%(kind)s)") % {
            "title": record["source_title"], "kind": value_words(record["source_kind"])}),
        (_("Covers"), _period(record["starts_on"], record["ends_on"])),
    ]
    _with_optional(
        summary, (_("Summary"), record.get("summary")),
        (_("Devolved function"), record["devolved_function"] and _(
            "Yes: a function devolved to the Welsh Government, outside the duty")),
    )
    summary.append((_("Revision"), str(record["revision"])))
    return {"summary": summary, "status_class": status_class}


def decision_context(
    request: Request, _caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What a decision's page shows: the decision, and its regard to each priority."""
    names = request.app.state.organisation_names
    rows = record.get("priorities") or []
    status_text, status_class = _status(FINALISED, bool(record["finalised"]))
    summary = [
        (_("Status"), status_text),
        (_("Kind of decision"), value_words(record["kind"])),
        (_("Made by"), names(record["policing_body_id"])),
        (_("Police area"), _area(request, record)),
        (_("Decided on"), long_date(record["decided_on"])),
    ]
    _with_optional(summary, (_("Summary"), record.get("summary")))
    summary.append((_("Regard to the priorities"), _regard_count(rows)))
    return {"summary": summary, "status_class": status_class, "regards": _regards(rows, names)}


def plan_context(
    request: Request, _caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What a police and crime plan's page shows: the plan and its objectives."""
    names = request.app.state.organisation_names
    status_text, status_class = _status(CURRENT, bool(record["retired"]))
    summary = [
        (_("Status"), status_text),
        (_("Kept by"), names(record["policing_body_id"])),
        (_("Police area"), _area(request, record)),
        (_("Covers"), _period(record["starts_on"], record["ends_on"])),
        (_("Objectives"), ngettext("%(count)d objective", "%(count)d objectives",
                                   len(record["objectives"])) % {
            "count": len(record["objectives"])}),
        (_("Revision"), str(record["revision"])),
    ]
    return {"summary": summary, "status_class": status_class,
            "objectives": record["objectives"]}


def reciprocal_context(
    request: Request, caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What a record of regard to the plan shows: the strategy, the plan it had regard to (if
    the caller may see it), and its regard to each objective."""
    names = request.app.state.organisation_names
    rows = record.get("objectives") or []
    status_text, status_class = _status(FINALISED, bool(record["finalised"]))
    summary = [
        (_("Status"), status_text),
        (_("Recorded by"), names(record["organisation_id"])),
    ]
    _with_optional(summary, (_("Partnership"), _csp(request, record.get("csp_id"))))
    summary += [
        (_("Police area"), _area(request, record)),
        (_("Strategy"), record["strategy_title"]),
        (_("Police and crime plan"), _plan_title(request, caller, record)),
        (_("Regard to the objectives"), _regard_count(rows)),
    ]
    return {"summary": summary, "status_class": status_class, "regards": _regards(rows, names)}


def _plan_title(request: Request, caller: Caller, record: dict[str, Any]) -> str:
    hub = hub_of(request)
    try:
        # The plan is named only as the caller may see it, like any other record.
        plan = PLANS.get(hub, record["plan_id"], workspace_ids=visible_workspaces(
            hub.engine, caller.actor))
    except NotFound:
        return _("A plan your organisation cannot see")
    return _("%(title)s, revision %(revision)d") % {
        "title": plan["title"], "revision": record["plan_revision"]}


def arrangement_context(
    request: Request, caller: Caller, record: dict[str, Any], events: list[RecordedEvent]
) -> dict[str, Any]:
    """What a criminal justice arrangement's page shows: its terms, and whether and when each
    named party agreed them."""
    names = request.app.state.organisation_names
    status_text, status_class = status_tag(ARRANGEMENT_STATUSES, record["status"])
    agreed_on: dict[str, str] = {}
    terms = ""
    for event in events:
        if event.type in ("cj_arrangement.drafted", "cj_arrangement.terms_varied"):
            # A variation asks every party again: earlier agreements no longer count.
            terms, agreed_on = event.data["terms"], {}
        elif event.type == "cj_arrangement.party_agreed":
            agreed_on[event.data["by_organisation"]] = long_date(event.recorded_at)
    own = caller.actor.organisation_id
    parties = [
        PartyAgreement(
            name=names(p["organisation_id"]), kind=value_words(p["kind"]),
            agreed=bool(p["agreed"]), agreed_on=agreed_on.get(p["organisation_id"], ""),
            signatory=p.get("signatory") or "", mine=bool(own) and p["organisation_id"] == own,
        )
        for p in sorted(record.get("parties") or [], key=lambda p: names(p["organisation_id"]))
    ]
    summary = [
        (_("Status"), status_text),
        (_("Drafted by"), names(record["policing_body_id"])),
        (_("Police area"), _area(request, record)),
        (_("Agreement"), ngettext(
            "%(agreed)d of %(total)d party has agreed",
            "%(agreed)d of %(total)d parties have agreed", len(parties),
        ) % {"agreed": sum(p.agreed for p in parties), "total": len(parties)}),
    ]
    _with_optional(
        summary,
        (_("In force from"), long_date(record.get("in_force_from"))),
        (_("Last reviewed on"), long_date(record.get("last_reviewed_on"))),
    )
    if record["status"] != "ended":
        summary.append((_("Review due on"), long_date(record["review_on"])))
    _with_optional(
        summary,
        (_("Ended on"), long_date(record.get("ended_on"))),
        (_("Devolved function"), record["devolved_function"] and _(
            "Yes: it covers functions devolved to the Welsh Government, outside the duty")),
    )
    return {
        "summary": summary, "status_class": status_class, "terms": terms, "parties": parties,
        "your_word": next((_your_agreement(p) for p in parties if p.mine), ""),
    }


def _your_agreement(party: PartyAgreement) -> str:
    if party.agreed and party.agreed_on:
        return _("Your organisation agreed on %(date)s.") % {"date": party.agreed_on}
    if party.agreed:
        return _("Your organisation has agreed.")
    return _("Your organisation has not yet agreed.")
