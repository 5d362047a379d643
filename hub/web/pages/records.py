"""Record pages: current state, the actions the caller may take as forms, and the history.

Pages are generated from the same :class:`~hub.web.api.records.RecordApi` declarations as the
JSON API, and their forms from the same body models, so a page offers exactly what the API
accepts. A form posted against an old version is refused with what changed since.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.access.actors import visible_workspaces
from hub.access.policy import Who, rules
from hub.domain.errors import DomainError
from hub.events.errors import ConcurrencyConflict
from hub.web.api.records import RecordApi, body_model_of
from hub.web.auth import Caller, hub_of
from hub.web.describe import describe
from hub.web.pages.common import page_caller, render
from hub.web.pages.forms import check_csrf

LONG_TEXT = {"matters", "text", "purpose", "reason", "note", "terms", "summary", "minutes",
             "notes", "cooperation_arrangements", "description", "regard_note"}


@dataclass(frozen=True)
class FormField:
    """One input of a generated form."""

    name: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...] = ()
    hint: str = ""


def form_fields(model: type[BaseModel]) -> list[FormField]:
    """The inputs for a body model: text, long text, date, date-time, yes/no, choice, lines."""
    fields = []
    for name, info in model.model_fields.items():
        if name == "expected_version":
            continue
        kind, choices, hint = _kind(name, info.annotation)
        label = name.replace("_", " ").capitalize()
        fields.append(FormField(name, label, kind, info.is_required(), choices, hint))
    return fields


def _kind(name: str, annotation: Any) -> tuple[str, tuple[str, ...], str]:
    inner = _unwrap_optional(annotation)
    # "ReportKind | str": the enum names the choices.
    enums = [a for a in get_args(inner) if isinstance(a, type) and issubclass(a, enum.Enum)]
    if get_origin(inner) in (Union, types.UnionType) and len(enums) == 1:
        inner = enums[0]
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return "select", tuple(str(m.value) for m in inner), ""
    if inner is bool:
        return "checkbox", (), ""
    if inner is date:
        return "date", (), ""
    if inner is datetime:
        return "datetime", (), "Local time in London, for example 2026-12-03T10:00"
    if inner is str or _is_str_union(inner):
        return ("textarea" if name in LONG_TEXT else "text"), (), ""
    if get_origin(inner) in (list, tuple, typing.Sequence, typing.Iterable) or str(
        get_origin(inner)
    ).startswith("<class 'collections.abc."):
        args = get_args(inner)
        if args and args[0] is str:
            return "lines", (), "One per line"
    return "json", (), "As JSON"


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_str_union(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        return str in args and all(
            a is str or (isinstance(a, type) and issubclass(a, enum.Enum)) for a in args
        )
    return False


def parse_form(form: Any, fields: list[FormField]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form values as body values; errors for fields that cannot be read at all."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = form.get(field.name)
        if field.kind == "checkbox":
            values[field.name] = raw is not None
            continue
        if raw is None or str(raw).strip() == "":
            continue
        text = str(raw)
        if field.kind == "lines":
            values[field.name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif field.kind == "json":
            try:
                values[field.name] = json.loads(text)
            except json.JSONDecodeError:
                errors[field.name] = f"{field.label} must be valid JSON"
        else:
            values[field.name] = text.strip() if field.kind != "textarea" else text
    return values, errors


@dataclass(frozen=True)
class RecordPages:
    """The pages of one record type."""

    api: RecordApi
    title: str
    """A singular name, e.g. "report request"."""
    title_field: str

    @property
    def base(self) -> str:
        """The pages' URL prefix."""
        return f"/records/{self.api.collection}"

    def routes(self) -> list[Route]:
        """The record type's page routes."""
        routes = [
            Route(f"{self.base}/{{record_id}}", self.show, methods=["GET"]),
            Route(f"{self.base}/{{record_id}}/{{action}}", self.act, methods=["POST"]),
        ]
        if self.api.create is not None:
            routes.insert(0, Route(f"{self.base}/new", self.new, methods=["GET", "POST"]))
        return routes

    # -- pages -------------------------------------------------------------------------------

    async def show(self, request: Request) -> Response:
        """The record: state, actions as forms, history."""
        return self._render(request, page_caller(request), request.path_params["record_id"])

    async def new(self, request: Request) -> Response:
        """The form that creates a record, and its post."""
        caller = page_caller(request)
        assert self.api.create is not None
        model = body_model_of(self.api.create, self.api.id_parameter, creates=True,
                              server=set(self.api.server))
        fields = form_fields(model)
        errors: dict[str, str] = {}
        values: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            check_csrf(form, caller.csrf_token)
            values, errors = parse_form(form, fields)
            if not errors:
                try:
                    created = self._call(request, caller, self.api.create, None, model, values)
                except _FormErrors as failed:
                    errors = failed.errors
                else:
                    return RedirectResponse(f"{self.base}/{created.id}", status_code=303)
            values = {k: v for k, v in form.items() if k != "csrf_token"}
        return render(
            request, "records/new.html", title=f"New {self.title}", fields=fields,
            values=values, errors=errors, action=f"{self.base}/new",
            status_code=400 if errors else 200,
        )

    async def act(self, request: Request) -> Response:
        """A form posted from the record page."""
        caller = page_caller(request)
        record_id, segment = request.path_params["record_id"], request.path_params["action"]
        action = next((a for a in self.api.actions if a.segment == segment), None)
        if action is None:
            return self._render(request, caller, record_id, status_code=404)
        form = await request.form()
        check_csrf(form, caller.csrf_token)
        model = body_model_of(action.handler, self.api.id_parameter, creates=False,
                              server=set(self.api.server))
        fields = form_fields(model)
        values, errors = parse_form(form, fields)
        expected = str(form.get("expected_version", ""))
        values["expected_version"] = int(expected) if expected.isdigit() else -1
        if not errors:
            try:
                self._visible(request, caller, record_id)
                self._call(request, caller, action.handler, record_id, model, values)
            except ConcurrencyConflict as conflict:
                return self._render(
                    request, caller, record_id, status_code=409, open_action=segment,
                    conflict=self._changes_since(request, record_id, conflict.expected),
                )
            except _FormErrors as failed:
                errors = failed.errors
            else:
                return RedirectResponse(f"{self.base}/{record_id}", status_code=303)
        return self._render(
            request, caller, record_id, status_code=400, errors=errors, open_action=segment,
            error_prefix=f"{segment}-",
            values={k: v for k, v in form.items() if k not in ("csrf_token",)},
        )

    # -- helpers -----------------------------------------------------------------------------

    def _visible(self, request: Request, caller: Caller, record_id: str) -> dict[str, Any]:
        hub = hub_of(request)
        return self.api.get(
            hub, record_id, workspace_ids=visible_workspaces(hub.engine, caller.actor)
        )

    def _call(
        self, request: Request, caller: Caller, handler: Any, record_id: str | None,
        model: type[BaseModel], values: dict[str, Any],
    ) -> Any:
        hub = hub_of(request)
        try:
            body = model.model_validate(values)
        except ValidationError as error:
            raise _FormErrors({
                str(e["loc"][0]) if e["loc"] else "form": e["msg"]
                for e in error.errors(include_url=False)
            }) from None
        arguments = {name: getattr(body, name) for name in type(body).model_fields}
        arguments.update({name: supply(hub) for name, supply in self.api.server.items()
                          if name in _parameters(handler)})
        try:
            if record_id is None:
                return handler(hub, caller.actor, **arguments)
            return handler(hub, caller.actor, record_id, **arguments)
        except ConcurrencyConflict:
            raise
        except DomainError as error:
            field_errors = {
                str(e.get("field", "form")).split(".")[0]: str(e.get("message", ""))
                for e in getattr(error, "errors", []) or []
            }
            raise _FormErrors(field_errors or {"form": error.message}) from None

    def _changes_since(self, request: Request, record_id: str, version: int) -> list[str]:
        names = request.app.state.organisation_names
        return [
            describe(e.envelope(), names)
            for e in self.api.history(hub_of(request), record_id) if e.version > version
        ]

    def _render(
        self, request: Request, caller: Caller, record_id: str, *, status_code: int = 200,
        **context: Any,
    ) -> Response:
        record = self._visible(request, caller, record_id)
        hub = hub_of(request)
        names = request.app.state.organisation_names
        history = [
            {"summary": describe(e.envelope(), names), "time": e.recorded_at,
             "position": e.position}
            for e in self.api.history(hub, record_id)
        ]
        actions = []
        for action in self.api.actions:
            model = body_model_of(action.handler, self.api.id_parameter, creates=False,
                                  server=set(self.api.server))
            if self._offered(caller, action.handler, record):
                actions.append({"segment": action.segment,
                                "label": action.segment.replace("-", " ").capitalize(),
                                "fields": form_fields(model)})
        errors = context.pop("errors", {})
        workspaces = [f"area-{record['area_id']}"] if record.get("area_id") else []
        return render(
            request, "records/show.html", title=str(record.get(self.title_field, record_id)),
            kind=self.title, record=record, record_id=record_id, base=self.base,
            history=history, actions=actions, errors=errors,
            hidden={"area_id", "version", "updated_at"} | {self.api.id_parameter},
            live_workspaces=" ".join(workspaces),
            live_after=history[-1]["position"] if history else 0,
            values=context.pop("values", {}), status_code=status_code, **context,
        )

    def _offered(self, caller: Caller, handler: Any, record: dict[str, Any]) -> bool:
        # Offer an action where the law may let the caller take it; the record still decides.
        rule = _rule_of(handler)
        if rule is None or caller.actor.role == "viewer":
            return False
        office = record.get("requester_id") or record.get("policing_body_id") or record.get(
            "convenor_id") or record.get("proposer_id")
        if rule.who is Who.POLICING_BODY:
            return office is None or caller.actor.organisation_id == office
        if rule.who is Who.ORGANISATION_ITSELF:
            return caller.actor.organisation_id != office
        return False


class _FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form errors")
        self.errors = errors


def _parameters(handler: Any) -> set[str]:
    import inspect

    return set(inspect.signature(handler).parameters)


def _rule_of(handler: Any) -> Any:
    # A handler builds one command class; its name says which (acknowledge_report ->
    # AcknowledgeReport), which is how its access rule is found.
    name = "".join(part.capitalize() for part in handler.__name__.split("_"))
    for command, rule in rules().items():
        if command.__name__ == name:
            return rule
    return None
