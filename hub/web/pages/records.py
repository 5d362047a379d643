"""Record pages: current state, the actions the caller may take as forms, and the history.

Each page action is declared (:mod:`hub.web.pages.page_actions`): the command it issues, its
words, what the page says once it is done, and whether it asks for confirmation first. Its
form is built from the same body model as the JSON API's (see
:mod:`hub.web.pages.record_forms`), so a page accepts exactly what the API accepts. A form
posted against an old version is refused with what changed since, and keeps what was typed.
After an action the page is fetched again (post/redirect/get) with a success banner. Each record
type has a designed page of its own (a template extending ``records/show.html``, and a function
giving it what to show), which keeps these forms, history and conflict handling.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.access.policy import Who, observed_workspace, rules
from hub.domain.errors import DomainError
from hub.domain.record import RecordType
from hub.events.cursors import START
from hub.events.envelope import RecordedEvent
from hub.events.errors import ConcurrencyConflict
from hub.i18n import _, gettext
from hub.web.api.records import RecordApi, request_arguments, server_arguments
from hub.web.auth import Caller, hub_of
from hub.web.describe import describe
from hub.web.pages.answers import answers
from hub.web.pages.common import CONFIRMED, confirm, confirmed, error_text, page_caller, render
from hub.web.pages.directory_choices import directory_choices, visible_names
from hub.web.pages.forms import check_csrf, expected_version, sentence
from hub.web.pages.kept import keep, kept, token_of
from hub.web.pages.page_actions import PageAction
from hub.web.pages.present import london_time
from hub.web.pages.record_forms import (
    ADD_ROW,
    FormField,
    add_row,
    body_errors,
    field_names,
    form_fields,
    handler_errors,
    offer_choices,
    offer_uploads,
    parse_form,
    posted_values,
    prefill,
    with_rows,
)
from hub.web.pages.uploads import ACCEPTED, REFUSED, kept_if_accepted, refusal, uploads_in
from schemas.requests import ActionRequest, CallerRequest

PageContext = Callable[[Request, Caller, dict[str, Any], list[RecordedEvent]], dict[str, Any]]
"""Given the request, the caller, the record and its events: more for a designed page's
template."""
FieldChoices = Callable[
    [Request, Caller, dict[str, Any] | None], dict[str, list[tuple[str, str]]]
]
"""Given the request, the caller and the record (None on the form that creates one): (value,
label) choices for fields, by name."""
Defaults = Callable[[dict[str, Any]], dict[str, dict[str, Any]]]
"""Given the record: values to prefill in each action's form, by action segment."""
Expand = Callable[[Request, Caller, FormData], FormData]
"""Given the request, the caller and the create form as posted: the form as the command
should read it (e.g. "everyone in this partnership" made into one invitation each)."""
Extras = Callable[[Request, Caller, list[FormField]], list[FormField]]
"""Given the request, the caller and the create form's fields: the fields the form shows,
with any the page reads itself (see ``expand``) put in place."""


@dataclass(frozen=True)
class ActionForm:
    """What a page adds to one action's form on a record: inputs it reads itself (such as
    "everyone in this partnership"), made into the request's own fields before the form is
    read, and what "Check your answers" says of them."""

    expand: Callable[[Request, Caller, FormData, dict[str, Any]], FormData]
    """Given the request, the caller, the form as posted and the record: the form as the
    command should read it."""
    extras: Callable[[Request, Caller, list[FormField], dict[str, Any]], list[FormField]]
    """Given the request, the caller, the action's fields and the record: the fields as the
    form shows them, with the page's own put in place."""
    notes: Callable[[Request, Caller, dict[str, Any], dict[str, Any]], list[str]]
    """Given the request, the caller, the answers and the record: lines the check page adds
    (e.g. who was left out, and why)."""
    errors: Callable[[dict[str, Any], dict[str, Any]], dict[str, str]]
    """Given the answers and the record: what is wrong with the page's own inputs, by input
    (e.g. groups whose organisations are all invited already). These explain the request's
    own errors, so they are shown instead of them."""


@dataclass(frozen=True)
class RecordPages:
    """The pages of one record type."""

    api: RecordApi
    title: str
    """A singular name, e.g. "report request" (marked ``N_``, translated where shown)."""
    title_field: str
    record_type: RecordType[Any]
    """The record's domain rules: a page offers the actions its state admits
    (:attr:`~hub.domain.record.RecordType.open_to`)."""
    template: str
    """The record page's designed template, which extends ``records/show.html`` (the parts
    every record page shares: actions, history, live refresh, banners and conflicts)."""
    context: PageContext
    """What the designed page shows beyond the shared parts' context (its summary first)."""
    actions: Mapping[str, PageAction] = field(default_factory=dict)
    """The actions the page may offer, by the API's segment for them; an API action not
    declared here is not offered on the page."""
    new_title: str = ""
    """The create form's title (marked ``N_``, translated where shown; default: "New
    <title>")."""
    choices: FieldChoices | None = None
    """Fields the page offers as a choice (e.g. an organisation from the invitees), beyond
    those naming a directory entry (:mod:`hub.web.pages.directory_choices`)."""
    defaults: Defaults | None = None
    """Values each action's form starts with, beyond the record's own current values."""
    uploads: frozenset[str] = frozenset()
    """Fields naming files the hub keeps (attachment ids): the form takes the files."""
    check_new: bool = False
    """Whether creating one reaches other organisations, so the person checks their answers
    first (GOV.UK "Check your answers")."""
    checked: frozenset[str] = frozenset()
    """The actions (by segment) that reach other organisations: each is checked first."""
    expand: Expand | None = None
    extras: Extras | None = None
    action_forms: Mapping[str, ActionForm] = field(default_factory=dict)
    """The actions (by segment) whose forms the page reads in part itself."""

    @property
    def base(self) -> str:
        """The pages' URL prefix."""
        return f"/records/{self.api.collection}"

    def routes(self) -> list[Route]:
        """The record type's page routes."""
        routes = [
            Route(f"{self.base}/{{record_id}}", self.show, methods=["GET"]),
            Route(f"{self.base}/{{record_id}}/{{action}}/check", self.check_action,
                  methods=["GET"]),
            Route(f"{self.base}/{{record_id}}/{{action}}/confirm", self.confirm_action,
                  methods=["GET"]),
            Route(f"{self.base}/{{record_id}}/{{action}}", self.act, methods=["POST"]),
            Route(f"{self.base}/{{record_id}}/{{action}}", self.question, methods=["GET"]),
        ]
        if self.api.create is not None:
            routes[:0] = [
                Route(f"{self.base}/new", self.new, methods=["GET", "POST"]),
                Route(f"{self.base}/new/check", self.check_new_answers, methods=["GET"]),
            ]
        return routes

    # -- pages -------------------------------------------------------------------------------

    async def show(self, request: Request) -> Response:
        """The record: state, actions as forms, history."""
        caller = page_caller(request)
        # What a form post left for this page (its input, errors or conflict), if anything.
        state = await kept(request, caller) or {}
        status = 409 if state.get("conflict") is not None else 400 if state.get("errors") else 200
        return self.render_record(
            request, caller, request.path_params["record_id"], status_code=status, **state
        )

    async def new(self, request: Request) -> Response:
        """The form that creates a record, and its post (or "add another" row).

        A post is answered by a redirect (post/redirect/get): to the record made, to the
        answers to check, or back to this form with the input and its errors kept.
        """
        caller = page_caller(request)
        model = self._create_model()
        fields = self.fields(request, caller, form_fields(model), None)
        if request.method == "GET":
            state = await kept(request, caller) or {}
            values = state.get("values") or {
                k: v for k, v in request.query_params.items() if k != "kept"}
            errors = state.get("errors") or {}
            return render(
                request, "records/new.html", title=self._new_title(),
                fields=self._shown(request, caller, fields),
                values=with_rows(fields, values), errors=errors, action=f"{self.base}/new",
                added=state.get("added"), status_code=400 if errors else 200,
            )
        form = await request.form()
        check_csrf(form, caller.csrf_token)
        if self.expand is not None:
            form = self.expand(request, caller, form)
        values = _typed(form)
        back = f"{self.base}/new?kept="
        if form.get(ADD_ROW):
            added = add_row(values, fields, str(form.get(ADD_ROW)))
            return _see(back + await keep(request, caller, {"values": values, "added": added}))
        parsed, errors = every_error(model, fields, *parse_form(form, fields))
        if not errors and self.check_new and not confirmed(form):
            errors = model_errors(model, fields, parsed)
            if not errors:
                token = await keep(request, caller, {"values": values})
                return _see(f"{self.base}/new/check?kept={token}")
        if not errors:
            assert self.api.create is not None
            try:
                created = self._call(request, caller, self.api.create.handler, None, fields,
                                     model, parsed, form)
            except _FormErrors as failed:
                errors = failed.errors
            else:
                return _see(f"{self.base}/{created.id}")
        return _see(back + await keep(request, caller, {"values": values, "errors": errors}))

    def _new_title(self) -> str:
        if self.new_title:
            return gettext(self.new_title)
        return _("New %(kind)s") % {"kind": gettext(self.title)}

    async def check_new_answers(self, request: Request) -> Response:
        """"Check your answers" before creating a record that reaches other organisations."""
        caller = page_caller(request)
        state = await kept(request, caller)
        if state is None:
            return _see(f"{self.base}/new")
        fields = self.fields(request, caller, form_fields(self._create_model()), None)
        token = token_of(request)
        return self._check_page(
            request, fields, state["values"], caption=self._new_title(),
            action=f"{self.base}/new", change=f"{self.base}/new?kept={token}#",
        )

    async def check_action(self, request: Request) -> Response:
        """"Check your answers" before an action that reaches other organisations."""
        caller = page_caller(request)
        record_id, segment = request.path_params["record_id"], request.path_params["action"]
        action = next((a for a in self.api.actions if a.segment == segment), None)
        declared = self.actions.get(segment)
        state = await kept(request, caller)
        record = self.visible_record(request, caller, record_id)
        if action is None or declared is None or segment not in self.checked or state is None:
            return _see(f"{self.base}/{record_id}")
        model = action.request
        fields = fixed_from_record(self.fields(request, caller, form_fields(model), record),
                                   declared)
        token = token_of(request)
        extra = self.action_forms.get(segment)
        return self._check_page(
            request, fields, state["values"],
            caption=_("%(kind)s: %(name)s") % {
                "kind": sentence(gettext(self.title)),
                "name": record.get(self.title_field, record_id)},
            action=f"{self.base}/{record_id}/{segment}",
            change=f"{self._form_page(record_id, segment)}?kept={token}#{segment}-",
            notes=extra.notes(request, caller, state["values"], record) if extra else [],
        )

    async def question(self, request: Request) -> Response:
        """An action asked on a question page of its own (GOV.UK "one thing per page"), with
        what its last post left (input, errors, a conflict); any other action's form is on the
        record's page."""
        caller = page_caller(request)
        record_id, segment = request.path_params["record_id"], request.path_params["action"]
        record = self.visible_record(request, caller, record_id)
        declared = self.actions.get(segment)
        if declared is None or not declared.own_page:
            return _see(f"{self.base}/{record_id}")
        state = await kept(request, caller) or {}
        errors = state.get("errors") or {}
        events = self.api.history(hub_of(request), record_id)
        mine = next((a for a in self._action_forms(
            request, caller, record, events, posted=state.get("values") or {}, errors=errors,
            open_action=segment, added=state.get("added"), asked=segment,
        ) if a["segment"] == segment), None)
        if mine is None:
            # Not open to the caller now (the meeting was held, say): the record says why.
            return _see(f"{self.base}/{record_id}")
        extra = {"conflict": state["conflict"]} if state.get("conflict") is not None else {}
        return render(
            request, "records/question.html", title=mine["label"],
            caption=f"{self.title.capitalize()}: {record.get(self.title_field, record_id)}",
            record=record, record_id=record_id, base=self.base, action=mine, errors=errors,
            error_prefix=f"{segment}-",
            status_code=409 if extra else 400 if errors else 200, **extra,
        )

    async def confirm_action(self, request: Request) -> Response:
        """"Are you sure?" before an action declared to ask first, carrying what was posted."""
        caller = page_caller(request)
        record_id, segment = request.path_params["record_id"], request.path_params["action"]
        declared = self.actions.get(segment)
        state = await kept(request, caller)
        record = self.visible_record(request, caller, record_id)
        if declared is None or not declared.confirm or state is None:
            return _see(f"{self.base}/{record_id}")
        return confirm(
            request, question=gettext(declared.confirm), kind=gettext(self.title),
            subject=str(record.get(self.title_field, record_id)),
            action=f"{self.base}/{record_id}/{segment}", label=gettext(declared.label),
            carried=[(str(k), str(v)) for k, v in state.get("carried") or []],
            back=f"{self.base}/{record_id}",
        )

    def _check_page(
        self, request: Request, fields: list[FormField], values: dict[str, Any], *,
        caption: str, action: str, change: str, notes: list[str] | None = None,
    ) -> Response:
        # The answers are posted again, unseen, with "confirmed": the post checks them anew.
        carried = [(k, str(v)) for k, vs in values.items()
                   for v in (vs if isinstance(vs, list) else [vs])]
        return render(
            request, "records/check.html", title=_("Check your answers"), caption=caption,
            answers=answers(fields, with_rows(fields, values)), change=change,
            action=action, carried=carried, notes=notes or [],
        )

    def _create_model(self) -> type[CallerRequest]:
        assert self.api.create is not None
        return self.api.create.request

    def _shown(self, request: Request, caller: Caller, fields: list[FormField]) -> list[FormField]:
        return self.extras(request, caller, fields) if self.extras is not None else fields

    async def act(self, request: Request) -> Response:
        """A form posted from the record page (or its "add another" button)."""
        caller = page_caller(request)
        record_id, segment = request.path_params["record_id"], request.path_params["action"]
        action = next((a for a in self.api.actions if a.segment == segment), None)
        declared = self.actions.get(segment)
        if action is None or declared is None:
            return self.render_record(request, caller, record_id, status_code=404)
        form = await request.form()
        check_csrf(form, caller.csrf_token)
        model = action.request
        # Read back with the fields the page drew (a list offered as checkboxes posts each
        # box, not lines).
        record = self.visible_record(request, caller, record_id)
        if segment in self.action_forms:
            form = self.action_forms[segment].expand(request, caller, form, record)
        fields = self.fields(request, caller, form_fields(model), record)
        shown = _typed(form)
        page = f"{self._form_page(record_id, segment)}?kept="
        if form.get(ADD_ROW):
            # Nothing is written: the same form comes back with one more row.
            added = add_row(shown, fields, str(form.get(ADD_ROW)))
            return _see(page + await keep(request, caller, {
                "open_action": segment, "values": shown,
                "added": f"{segment}-{added}" if added else None}))
        values, errors = every_error(model, fields, *parse_form(form, fields))
        if segment in self.action_forms:
            errors = self.action_forms[segment].errors(shown, record) or errors
        values["expected_version"] = expected_version(form)
        if not errors and segment in self.checked and not confirmed(form):
            errors = model_errors(model, fields, values)
            if not errors:
                token = await keep(request, caller, {"values": shown, "open_action": segment})
                return _see(f"{self.base}/{record_id}/{segment}/check?kept={token}")
        if not errors and declared.confirm and not confirmed(form):
            # Nothing is written yet: the person is asked first (on a page of its own, so a
            # reload asks again and posts nothing), with what they posted carried on unseen so
            # that "Yes" takes the action as they filled it in.
            token = await keep(request, caller, {"carried": [
                (k, v) for k, v in form.multi_items()
                if k not in ("csrf_token", CONFIRMED) and isinstance(v, str)]})
            return _see(f"{self.base}/{record_id}/{segment}/confirm?kept={token}")
        if not errors:
            try:
                self._call(request, caller, action.handler, record_id, fields, model, values,
                           form)
            except ConcurrencyConflict as conflict:
                # The form comes back as it was posted, against the record as it is now.
                return _see(page + await keep(request, caller, {
                    "open_action": segment, "values": shown,
                    "conflict": self.changes_since(request, record_id, conflict.expected)}))
            except _FormErrors as failed:
                errors = failed.errors
            else:
                return _see(f"{self.base}/{record_id}?done={segment}")
        return _see(page + await keep(request, caller, {
            "open_action": segment, "values": shown, "errors": errors,
            "error_prefix": f"{segment}-"}))

    # -- helpers -----------------------------------------------------------------------------

    def fields(
        self, request: Request, caller: Caller, fields: list[FormField],
        record: dict[str, Any] | None,
    ) -> list[FormField]:
        """A form's inputs, offering what the caller may choose from."""
        return self._offer(fields, self._choices(request, caller, fields, record))

    def _choices(
        self, request: Request, caller: Caller, fields: list[FormField],
        record: dict[str, Any] | None,
    ) -> dict[str, list[tuple[str, str]]]:
        choices = directory_choices(hub_of(request).engine, caller.actor, field_names(fields))
        if self.choices is not None:
            choices.update(self.choices(request, caller, record))
        return choices

    def _offer(
        self, fields: list[FormField], choices: Mapping[str, list[tuple[str, str]]]
    ) -> list[FormField]:
        return offer_uploads(offer_choices(fields, choices), self.uploads, ACCEPTED)

    def visible_record(self, request: Request, caller: Caller, record_id: str) -> dict[str, Any]:
        """The record as its page shows it; :class:`NotFound` unless the caller may see it."""
        hub = hub_of(request)
        return self.api.get(
            hub, record_id, workspace_ids=visible_workspaces(hub.engine, caller.actor)
        )

    def _call(
        self, request: Request, caller: Caller, handler: Any, record_id: str | None,
        fields: list[FormField], model: type[CallerRequest], values: dict[str, Any],
        form: FormData,
    ) -> Any:
        hub = hub_of(request)
        with ExitStack() as uploaded:
            # Files are stored first (the command names them by id), and removed again if the
            # command is refused for any reason.
            for field in fields:
                if field.kind != "files":
                    continue
                files = uploads_in(form, field.name)
                try:
                    stored = uploaded.enter_context(kept_if_accepted(
                        hub.attachments, files, caller.actor.organisation_id or ""))
                except REFUSED as refused:
                    raise _FormErrors({field.name: refusal(refused, hub.attachments)}) from None
                if stored:
                    values[field.name] = [s.ref.attachment_id for s in stored]
            try:
                body = model.model_validate(values)
            except ValidationError as error:
                raise _FormErrors(body_errors(fields, error)) from None
            arguments = {**request_arguments(body),
                         **server_arguments(hub, handler, self.api.server)}
            try:
                if record_id is None:
                    return handler(hub, caller.actor, **arguments)
                assert isinstance(body, ActionRequest)
                return handler(hub, caller.actor, record_id,
                               expected_version=body.expected_version, **arguments)
            except ConcurrencyConflict:
                raise
            except DomainError as error:
                found = handler_errors(fields, getattr(error, "errors", None) or [])
                raise _FormErrors(found or {
                    "form": error_text(error, visible_names(hub.engine, caller.actor))
                }) from None

    def changes_since(self, request: Request, record_id: str, version: int) -> list[str]:
        """What happened to the record after ``version``, one line each (for a stale form)."""
        names = request.app.state.organisation_names
        return [
            describe(e.envelope(), names)
            for e in self.api.history(hub_of(request), record_id) if e.version > version
        ]

    def render_record(
        self, request: Request, caller: Caller, record_id: str, *, status_code: int = 200,
        **context: Any,
    ) -> Response:
        """The record page; ``context`` carries a posted form's values, errors or conflict."""
        record = self.visible_record(request, caller, record_id)
        hub = hub_of(request)
        names = request.app.state.organisation_names
        events = self.api.history(hub, record_id)
        history = [
            {"summary": describe(e.envelope(), names), "time": london_time(e.recorded_at),
             "position": hub.cursors.of(e.position)}
            for e in events
        ]
        errors = context.pop("errors", {})
        actions = self._action_forms(
            request, caller, record, events, posted=context.pop("values", {}), errors=errors,
            open_action=context.get("open_action"), added=context.pop("added", None),
            asked=None,
        )
        workspaces = [f"area-{record['area_id']}"] if record.get("area_id") else []
        done = self.actions.get(request.query_params.get("done", ""))
        if done is not None and status_code == 200:
            context.setdefault("done_text", gettext(done.done))
        extra = self.context(request, caller, record, events)
        return render(
            request, self.template, title=str(record.get(self.title_field, record_id)),
            kind=gettext(self.title), record=record, record_id=record_id, base=self.base,
            history=history, actions=actions, errors=errors,
            live_workspaces=" ".join(workspaces),
            live_after=history[-1]["position"] if history else START,
            status_code=status_code, **extra, **context,
        )

    def _offered(
        self, caller: Caller, declared: PageAction, record: dict[str, Any],
        where: tuple[str, ...],
    ) -> bool:
        # Offer an action where the law may let the caller take it; the record still decides.
        rule = rules().get(declared.command)
        if rule is None or caller.actor.role == "viewer":
            return False
        if observed_workspace(caller.actor, where) is not None:
            return False
        if declared.offered_to is not None:
            return declared.offered_to(record, caller.actor.organisation_id or "")
        office = record.get("requester_id") or record.get("policing_body_id") or record.get(
            "convenor_id") or record.get("proposer_id")
        if rule.who in (Who.POLICING_BODY, Who.KEEPER):
            # A meeting's convenor is its keeper: the office, or the member that convened it.
            return office is None or caller.actor.organisation_id == office
        if rule.who is Who.ORGANISATION_ITSELF:
            return caller.actor.organisation_id != office
        return False

    def _action_forms(
        self, request: Request, caller: Caller, record: dict[str, Any],
        events: list[RecordedEvent], *, posted: dict[str, Any], errors: dict[str, str],
        open_action: str | None, added: str | None, asked: str | None,
    ) -> list[dict[str, Any]]:
        """The actions the record offers the caller now, each with its form's fields and
        values (``posted``, ``errors`` and ``added`` belong to the form ``open_action``). An
        action with a question page of its own has its form only on that page (``asked``);
        the record's page links to it."""
        hub = hub_of(request)
        defaults = self.defaults(record) if self.defaults else {}
        # The record is where its latest event was shared: its workspaces now.
        where = events[-1].workspaces if events else ()
        admitted = self.record_type.commands_open_to(
            [(e.type, e.data) for e in events], caller.actor.organisation_id or "", hub.clock()
        )
        offered = [
            (action, self.actions[action.segment],
             form_fields(action.request)
             if not self.actions[action.segment].own_page or action.segment == asked else [])
            for action in self.api.actions
            if action.segment in self.actions
            and self._offered(caller, self.actions[action.segment], record, where)
            and (admitted is None or not admitted.isdisjoint(
                {self.actions[action.segment].command, *self.actions[action.segment].also}))
        ]
        # The choices are read once for every form on the page.
        choices = self._choices(request, caller, [f for _, _, fs in offered for f in fs], record)
        actions = []
        for action, declared, drawn in offered:
            fields = fixed_from_record(self._offer(drawn, choices), declared)
            # A field the handler keeps unless given starts as the record has it now.
            start = {f.name: record[f.name] for f in fields if f.keep and f.name in record}
            start.update(defaults.get(action.segment, {}))
            start.update({name: record.get(key)
                          for name, key in (declared.from_record or {}).items()})
            if action.segment in self.action_forms and drawn:
                fields = self.action_forms[action.segment].extras(request, caller, fields,
                                                                  record)
            mine = open_action == action.segment
            actions.append({
                "segment": action.segment,
                "label": gettext(declared.label),
                "confirm": bool(declared.confirm),
                "page": (self._form_page(record[self.api.id_parameter], action.segment)
                         if declared.own_page else None),
                "fields": fields,
                "values": with_rows(fields, posted if mine else prefill(fields, start)),
                "errors": errors if mine else {},
                "added": added if mine else None,
            })
        return actions

    def _form_page(self, record_id: str, segment: str) -> str:
        """Where an action's form is: its own question page, or the record's page."""
        if self.actions[segment].own_page:
            return f"{self.base}/{record_id}/{segment}"
        return f"{self.base}/{record_id}"


def _typed(form: FormData) -> dict[str, Any]:
    """What a person typed or chose in a posted form, to show again: files are not kept (a
    browser cannot be given them back), nor the confirmation."""
    return {
        k: v for k, v in posted_values(form).items()
        if k != CONFIRMED and (isinstance(v, str) or (
            isinstance(v, list) and all(isinstance(i, str) for i in v)))
    }


def _see(location: str) -> Response:
    """The redirect that answers every form post (so a reload never posts it again)."""
    return RedirectResponse(location, status_code=303)


def model_errors(
    model: type[BaseModel], fields: list[FormField], values: dict[str, Any]
) -> dict[str, str]:
    """What the body model finds wrong with ``values`` (every input read), each beside its
    input; checked before the answers are shown, so that none shown is refused for its shape."""
    try:
        model.model_validate(values)
    except ValidationError as error:
        return body_errors(fields, error)
    return {}


class _FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form errors")
        self.errors = errors


def every_error(
    model: type[BaseModel], fields: list[FormField], values: dict[str, Any],
    errors: dict[str, str],
) -> tuple[dict[str, Any], dict[str, str]]:
    """``values`` and ``errors`` with, when any input could not be read, the body's own
    errors too (a required field left empty), so a person sees every problem at once rather
    than one round at a time. An input's own error comes first; the command's rules are
    checked only once every input is right."""
    if not errors:
        return values, errors
    try:
        # The version is the page's, not the person's: any will do for this check.
        model.model_validate({**values, **({"expected_version": 0}
                                           if "expected_version" in model.model_fields else {})})
    except ValidationError as error:
        return values, {**body_errors(fields, error), **errors}
    return values, errors


def fixed_from_record(fields: list[FormField], declared: PageAction) -> list[FormField]:
    """``fields`` with those the page fills in from the record sent unseen."""
    fixed = declared.from_record or {}
    return [replace(f, kind="hidden") if f.name in fixed else f for f in fields]

