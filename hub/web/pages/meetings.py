"""The meeting page: a joint meeting's summary, agenda, responses, papers, minutes and actions.

It is a designed page on the generic record page (:class:`~hub.web.pages.records.RecordPages`),
which still supplies the actions as forms, the history and the stale-form handling; this
module says what the meeting's sections show, which organisations and actions its forms offer
as choices, and adds papers uploaded as files.

A paper's reference is where to read it: a web address is shown as a link, and
``attachment:<id>`` names a file kept by the hub (:mod:`hub.attachments`), uploaded from this
page (or through ``POST /api/attachments``) and downloaded through it. Only a file the
convening office itself uploaded is served, so naming another organisation's file in a paper
never reveals it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.attachments import PAPER_REFERENCE, AttachmentNotFound
from hub.db import aware
from hub.domain.errors import DomainError
from hub.domain.meetings import LONDON
from hub.events.envelope import RecordedEvent
from hub.events.errors import ConcurrencyConflict
from hub.handlers.meetings import publish_meeting_papers
from hub.i18n import N_, _, babel_locale, gettext
from hub.web.auth import Caller, hub_of
from hub.web.downloads import attachment_download
from hub.web.pages.common import error_text, page_caller
from hub.web.pages.directory_choices import visible_names
from hub.web.pages.forms import check_csrf, expected_version
from hub.web.pages.kept import keep
from hub.web.pages.present import status_tag
from hub.web.pages.records import RecordPages
from hub.web.pages.uploads import ACCEPTED, REFUSED, kept_if_accepted, refusal, uploads_in
from schemas.events.meetings import Paper

ATTACHMENT = PAPER_REFERENCE
UPLOAD = "paper-upload"
"""The upload form's name on the page (its ids start with it)."""

KINDS = {
    "reg_14a": N_("Reg 14A joint meeting (attendance can be required)"),
    "voluntary": N_("Voluntary meeting"),
}
STATUSES = {"scheduled": (N_("Scheduled"), "govuk-tag--blue"),
            "held": (N_("Held"), "govuk-tag--green"),
            "cancelled": (N_("Cancelled"), "govuk-tag--red")}
RESPONSES = {"attending": N_("Attending"), "delegating": N_("Sending a delegate"),
             "declining": N_("Declining")}


@dataclass(frozen=True)
class InviteeResponse:
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


def meeting_context(
    request: Request, caller: Caller, record: dict[str, Any], _events: list[RecordedEvent]
) -> dict[str, Any]:
    """What the meeting page shows beyond the generic record page's context."""
    names = request.app.state.organisation_names
    today = hub_of(request).clock().astimezone(LONDON).date()
    responses = [_response(i, names) for i in record.get("invitations", [])]
    counts = {
        "invited": len(responses),
        "accepted": sum(r.answer in ("attending", "delegating") for r in responses),
        "declined": sum(r.answer == "declining" for r in responses),
        "waiting": sum(not r.answer for r in responses),
    }
    actions = [_action(a, names, today) for a in record.get("actions", [])]
    status_text, status_class = status_tag(STATUSES, record["status"])
    return {
        "convened_by": names(record["convened_by"]),
        "kind_text": gettext(KINDS.get(record["kind"], record["kind"])),
        "when": _when(record["starts_at"], record["ends_at"]),
        "status_text": status_text,
        "status_class": status_class,
        "agenda": record.get("agenda") or [],
        "papers": [{**p, "href": _href(record, p.get("reference"))}
                   for p in record.get("papers") or []],
        "responses": responses,
        "responses_text": RESPONSES,
        "counts": counts,
        "minutes_href": _href(record, record.get("minutes_document")),
        "meeting_actions": actions,
        "overdue": sum(a.overdue for a in actions),
        "accepted_types": gettext(ACCEPTED),
    }


def meeting_choices(
    request: Request, caller: Caller, record: dict[str, Any] | None
) -> dict[str, list[tuple[str, str]]]:
    """The kinds of meeting and of response; on a meeting's page also the owners an action may
    have (the invitees and the convenor), and the caller's open actions."""
    kinds = {"kind": list(KINDS.items()), "response": list(RESPONSES.items())}
    if record is None:
        return kinds
    names = request.app.state.organisation_names
    owners = [record["convenor_id"], *(i["organisation_id"] for i in record["invitations"])]
    mine = [
        (a["action_id"], a["description"]) for a in record.get("actions", [])
        if a["status"] == "open" and a["owner_organisation_id"] == caller.actor.organisation_id
    ]
    return {
        **kinds,
        "owner_organisation_id": [(o, names(o)) for o in dict.fromkeys(owners)],
        "action_id": mine,
    }


def meeting_defaults(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The reschedule form starts at the meeting's time (London wall clock, as it is entered);
    the approval form names the latest draft, the one the approver has just read."""
    defaults: dict[str, dict[str, Any]] = {}
    if record.get("starts_at") and record.get("ends_at"):
        defaults["reschedule"] = {
            "starts_local": f"{_london(record['starts_at']):%Y-%m-%dT%H:%M}",
            "ends_local": f"{_london(record['ends_at']):%Y-%m-%dT%H:%M}",
        }
    if record.get("minutes_draft"):
        defaults["minutes-approval"] = {"draft": record["minutes_draft"]}
    return defaults


def _response(invitation: dict[str, Any], names: Any) -> InviteeResponse:
    answer = invitation.get("response") or ""
    if answer == "attending":
        details = "; ".join(_person(r) for r in invitation.get("representatives") or [])
    elif answer == "delegating" and invitation.get("delegate"):
        details = _person(invitation["delegate"])
    else:
        details = invitation.get("reason") or ""
    return InviteeResponse(
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
    return aware(instant).astimezone(LONDON)


def _when(starts_at: Any, ends_at: Any) -> str:
    starts, ends = _london(starts_at), _london(ends_at)
    locale = babel_locale()
    values = {
        "day": format_date(starts, "EEEE d MMMM y", locale=locale),
        "start": format_time(starts, "HH:mm", locale=locale),
        "end_day": format_date(ends, "EEEE d MMMM y", locale=locale),
        "end": format_time(ends, "HH:mm", locale=locale),
    }
    if starts.date() == ends.date():
        return _("%(day)s, %(start)s to %(end)s (London time)") % values
    return _("%(day)s, %(start)s to %(end_day)s, %(end)s (London time)") % values


def _href(record: dict[str, Any], reference: str | None) -> str | None:
    """A link for a web address or a file kept by the hub; other references are text."""
    if reference and reference.startswith("https://"):
        return reference
    if reference and reference.startswith(ATTACHMENT):
        return f"/records/meetings/{record['meeting_id']}/papers/{reference[len(ATTACHMENT):]}"
    return None


# -- papers as files ---------------------------------------------------------------------------


async def _back(
    request: Request, caller: Caller, pages: RecordPages, record_id: str, state: dict[str, Any]
) -> Response:
    """Back to the meeting page with the upload form's title, errors or conflict kept
    (post/redirect/get: a reload shows them again rather than posting the file again)."""
    token = await keep(request, caller, state)
    return RedirectResponse(f"{pages.base}/{record_id}?kept={token}", status_code=303)


def paper_routes(pages: RecordPages) -> list[Route]:
    """Uploading a paper from the meeting page, and downloading one."""

    async def upload(request: Request) -> Response:
        """Keep the file, then publish it as a paper; errors come back beside the field."""
        caller = page_caller(request)
        record_id = request.path_params["record_id"]
        form = await request.form()
        check_csrf(form, caller.csrf_token)
        pages.visible_record(request, caller, record_id)
        title = str(form.get("title") or "").strip()
        files = uploads_in(form, "file")
        errors: dict[str, str] = {}
        try:
            Paper(title=title, reference=ATTACHMENT)
        except ValidationError:
            errors["title"] = (_("Enter the paper's title") if not title
                               else _("The title must be 200 characters or fewer"))
        if not files:
            errors["file"] = _("Choose the file to upload")
        elif not errors:
            hub = hub_of(request)
            organisation_id = caller.actor.organisation_id or ""
            try:
                with kept_if_accepted(hub.attachments, files[:1], organisation_id) as (stored,):
                    publish_meeting_papers(
                        hub, caller.actor, record_id, expected_version=expected_version(form),
                        papers=[Paper(title=title,
                                      reference=ATTACHMENT + stored.ref.attachment_id)],
                    )
            except ConcurrencyConflict as conflict:
                return await _back(request, caller, pages, record_id, {
                    "open_action": UPLOAD, "upload_title": title,
                    "conflict": pages.changes_since(request, record_id, conflict.expected)})
            except REFUSED as refused:
                errors["file"] = refusal(refused, hub.attachments)
            except DomainError as refused:
                errors["file"] = error_text(refused, visible_names(hub.engine, caller.actor))
            else:
                return RedirectResponse(f"{pages.base}/{record_id}", status_code=303)
        return await _back(request, caller, pages, record_id, {
            "errors": errors, "open_action": UPLOAD, "error_prefix": f"{UPLOAD}-",
            "upload_title": title})

    async def download(request: Request) -> Response:
        """A paper kept by the hub, to those who may see its meeting (404 otherwise)."""
        caller = page_caller(request)
        record = pages.visible_record(request, caller, request.path_params["record_id"])
        attachment_id = request.path_params["attachment_id"]
        papers = record.get("papers") or []
        if not any(p.get("reference") == ATTACHMENT + attachment_id for p in papers):
            raise AttachmentNotFound(N_("no such paper"))
        attachments = hub_of(request).attachments
        if attachments.info(attachment_id).organisation_id not in (
            record["convened_by"], record["convenor_id"]
        ):
            raise AttachmentNotFound(N_("no such paper"))
        return attachment_download(attachments, attachment_id)

    return [
        Route(f"{pages.base}/{{record_id}}/{UPLOAD}", upload, methods=["POST"]),
        Route(f"{pages.base}/{{record_id}}/papers/{{attachment_id}}", download, methods=["GET"]),
    ]
