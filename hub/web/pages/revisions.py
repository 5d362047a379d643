"""Forms that change a record start as the record stands.

A revision restates the whole record (a merger proposal's terms, a priority, a plan, an
arrangement's terms), so a blank form would make the author type everything again to change
one word. Each function here maps a record, as its read model holds it, onto the body of the
actions that restate it, by the action's segment. A field the read model does not hold (an
arrangement's terms) starts blank.
"""

from __future__ import annotations

from typing import Any

Defaults = dict[str, dict[str, Any]]
"""Values each action's form starts with, by action segment."""


def merger_defaults(record: dict[str, Any]) -> Defaults:
    """A proposal's terms for its revision; the agreed purposes for a variation."""
    terms = {
        "csp_ids": record.get("constituents") or [],
        "purposes": record.get("purposes") or [],
        "proposed_name": record.get("proposed_name"),
        "effective_date": record.get("effective_date"),
        "cooperation_arrangements": record.get("cooperation_arrangements"),
        "requested_by_csp": record.get("requested_by_csp"),
        "combined_csp_id": record.get("combined_csp_id"),
    }
    variation = {k: terms[k] for k in ("purposes", "cooperation_arrangements")}
    return {"revision": terms, "variation": variation}


def priority_defaults(record: dict[str, Any]) -> Defaults:
    """A priority as registered or last revised, for its revision."""
    return {"revise": {
        "theme": record.get("theme"),
        "title": record.get("title"),
        "summary": record.get("summary"),
        "source": {"kind": record.get("source_kind"), "title": record.get("source_title"),
                   "url": record.get("source_url")},
        "period": _period(record),
        "devolved_function": record.get("devolved_function"),
    }}


def plan_defaults(record: dict[str, Any]) -> Defaults:
    """A plan's title, period and objectives, for its revision."""
    objectives = [
        {k: o.get(k) for k in ("objective_id", "title", "description")}
        for o in record.get("objectives") or []
    ]
    return {"revise": {
        "title": record.get("title"), "period": _period(record), "objectives": objectives,
    }}


def arrangement_defaults(record: dict[str, Any]) -> Defaults:
    """An arrangement's title, parties and review date, for a variation."""
    parties = [p["organisation_id"] for p in record.get("parties") or []]
    return {"vary": {
        "title": record.get("title"), "party_ids": parties, "review_on": record.get("review_on"),
        "document_url": record.get("document_url"),
    }}


def _period(record: dict[str, Any]) -> dict[str, Any]:
    return {"starts_on": record.get("starts_on"), "ends_on": record.get("ends_on")}
