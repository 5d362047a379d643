"""The meeting page: a joint meeting's summary, agenda, responses, papers, minutes and actions.

It is a designed page on the generic record page (:class:`~hub.web.pages.records.RecordPages`),
which still supplies the actions as forms, the history and the stale-form handling; this
module only says what the meeting's sections show, and which organisations and actions its
forms offer as choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.requests import Request

from hub.domain.meetings import LONDON
from hub.web.auth import Caller

LABELS = {
    "respond": "Respond to the invitation",
    "papers": "Publish papers",
    "reschedule": "Reschedule the meeting",
    "amend": "Change the details or agenda",
    "cancel": "Cancel the meeting",
    "held": "Record that the meeting was held",
    "minutes": "Draft the minutes",
    "minutes-approval": "Approve the minutes",
    "actions": "Assign an action",
    "action-completion": "Complete an action",
}
"""The meeting's actions in words."""

KINDS = {
    "reg_14a": "Reg 14A joint meeting (attendance can be required)",
    "voluntary": "Voluntary meeting",
}
STATUSES = {"scheduled": ("Scheduled", "govuk-tag--blue"), "held": ("Held", "govuk-tag--green"),
            "cancelled": ("Cancelled", "govuk-tag--red")}
RESPONSES = {"attending": "Attending", "delegating": "Sending a delegate",
             "declining": "Declined"}


@dataclass(frozen=True)
class Response:
    """One invited organisation's answer, as the responses table shows it."""

    organisation_id: str
    name: str
    required: bool
    answer: str
    """attending, delegating, declining, or "" for no response yet."""
    details: str
    flagged: bool


@dataclass(frozen=True)
class MeetingAction:
    """An action arising from the meeting, as the actions table shows it."""

    action_id: str
    description: str
    owner: str
    due_on: date
    done: bool
    overdue: bool
    note: str | None


def meeting_context(request: Request, caller: Caller, record: dict[str, Any]) -> dict[str, Any]:
    """What the meeting page shows beyond the generic record page's context."""
    names = request.app.state.organisation_names
    today = datetime.now(LONDON).date()
    responses = [_response(i, names) for i in record.get("invitations", [])]
    counts = {
        "invited": len(responses),
        "accepted": sum(r.answer in ("attending", "delegating") for r in responses),
        "declined": sum(r.answer == "declining" for r in responses),
        "waiting": sum(not r.answer for r in responses),
    }
    actions = [_action(a, names, today) for a in record.get("actions", [])]
    status_text, status_class = STATUSES.get(
        record["status"], (record["status"].replace("_", " ").capitalize(), "")
    )
    return {
        "convened_by": names(record["convened_by"]),
        "kind_text": KINDS.get(record["kind"], record["kind"]),
        "when": _when(record["starts_at"], record["ends_at"]),
        "status_text": status_text,
        "status_class": status_class,
        "agenda": record.get("agenda") or [],
        "papers": [{**p, "href": _href(p.get("reference"))} for p in record.get("papers") or []],
        "responses": responses,
        "responses_text": RESPONSES,
        "counts": counts,
        "minutes_href": _href(record.get("minutes_document")),
        "meeting_actions": actions,
        "overdue": sum(a.overdue for a in actions),
    }


def meeting_choices(
    request: Request, caller: Caller, record: dict[str, Any]
) -> dict[str, list[tuple[str, str]]]:
    """Owners an action may have (the invitees and the convenor), and the caller's open actions."""
    names = request.app.state.organisation_names
    owners = [record["convenor_id"], *(i["organisation_id"] for i in record["invitations"])]
    mine = [
        (a["action_id"], a["description"]) for a in record.get("actions", [])
        if a["status"] == "open" and a["owner_organisation_id"] == caller.actor.organisation_id
    ]
    return {
        "owner_organisation_id": [(o, names(o)) for o in dict.fromkeys(owners)],
        "action_id": mine,
    }


def meeting_defaults(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The approval form names the latest draft, the one the approver has just read."""
    if record.get("minutes_draft"):
        return {"minutes-approval": {"draft": record["minutes_draft"]}}
    return {}


def _response(invitation: dict[str, Any], names: Any) -> Response:
    answer = invitation.get("response") or ""
    if answer == "attending":
        details = "; ".join(_person(r) for r in invitation.get("representatives") or [])
    elif answer == "delegating" and invitation.get("delegate"):
        details = _person(invitation["delegate"])
    else:
        details = invitation.get("reason") or ""
    return Response(
        invitation["organisation_id"], names(invitation["organisation_id"]),
        bool(invitation.get("required")), answer, details, bool(invitation.get("flagged")),
    )


def _person(person: dict[str, Any]) -> str:
    return f"{person['name']} ({person['role']})" if person.get("role") else str(person["name"])


def _action(action: dict[str, Any], names: Any, today: date) -> MeetingAction:
    due = action["due_on"]
    due_on = due if isinstance(due, date) else date.fromisoformat(str(due))
    done = action["status"] == "done"
    return MeetingAction(
        action["action_id"], action["description"], names(action["owner_organisation_id"]),
        due_on, done, not done and due_on < today, action.get("note"),
    )


def _london(value: Any) -> datetime:
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    # SQLite hands back naive values; every stored instant is UTC.
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(LONDON)


def _when(starts_at: Any, ends_at: Any) -> str:
    starts, ends = _london(starts_at), _london(ends_at)
    day = f"{starts:%A} {starts.day} {starts:%B %Y}"
    if starts.date() == ends.date():
        return f"{day}, {starts:%H:%M} to {ends:%H:%M} (London time)"
    return f"{day}, {starts:%H:%M} to {ends:%A} {ends.day} {ends:%B %Y}, {ends:%H:%M} (London time)"


def _href(reference: str | None) -> str | None:
    """A link for a paper or document given as a web address; other references are text."""
    return reference if reference and reference.startswith("https://") else None
