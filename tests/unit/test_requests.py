"""Request contracts are declared, not derived: each command a caller can send has a request
model in ``schemas.requests`` that holds only what the caller says (never a fact the hub
resolves), each record API route names its model, and the handler it calls takes exactly that
model's fields (issue 19, Build item 1)."""

from __future__ import annotations

import inspect
from typing import Any

from hub.bootstrap import Hub
from hub.settings import Settings
from hub.web.api.openapi import NoBody, Operation, api_routes, document, operation_of
from hub.web.api.records import RecordApi
from hub.web.app import create_app
from hub.web.pages.record_types import PAGES
from schemas.commands.base import resolved_fields
from schemas.requests import ActionRequest, CallerRequest, all_requests

RECORD_APIS: list[RecordApi] = [pages.api for pages in PAGES]
"""Every record type's API (each has pages)."""
CALLED_WITH = {"hub", "actor", "idempotency_key", "expected_version"}
"""What every handler is given besides the request's fields: the hub, the acting actor, the
caller's idempotency key and (for an action) the version the caller read."""


def test_no_request_holds_a_fact_the_hub_resolves() -> None:
    assert len(all_requests()) >= 50
    for request in all_requests():
        for command in request.commands:
            leaked = set(request.model_fields) & resolved_fields(command)
            assert not leaked, f"{request.__name__} carries {command.__name__}'s facts {leaked}"


def test_a_request_would_fail_the_test_if_it_carried_a_resolved_fact() -> None:
    # The test above can fail: the acting organisation is a fact of every command.
    from schemas.commands.reports import AcknowledgeReport

    assert {"by_organisation", "request_id"} <= resolved_fields(AcknowledgeReport)


def test_every_record_route_names_a_request_model_whose_fields_its_handler_takes() -> None:
    used: set[type[CallerRequest]] = set()
    for api in RECORD_APIS:
        routes: list[tuple[object, type[CallerRequest], set[str]]] = [
            (a.handler, a.request, CALLED_WITH | {"record_id"}) for a in api.actions
        ]
        if api.create is not None:
            routes.append((api.create.handler, api.create.request, CALLED_WITH))
        for handler, request, given in routes:
            assert request in all_requests(), request
            used.add(request)
            parameters = inspect.signature(handler).parameters  # type: ignore[arg-type]
            fields = set(request.model_fields) - {"expected_version"}
            assert fields <= set(parameters), f"{request.__name__}: {fields - set(parameters)}"
            positional = list(parameters)[: 3 if "record_id" in given else 2]
            required = {
                name for name, p in parameters.items()
                if p.default is inspect.Parameter.empty and name not in positional
            }
            missing = required - fields - set(api.server)
            assert not missing, f"{request.__name__} lacks {missing}"
    assert used <= set(all_requests())


def test_an_action_request_carries_the_version_and_a_create_request_does_not() -> None:
    for api in RECORD_APIS:
        assert all(issubclass(a.request, ActionRequest) for a in api.actions)
        if api.create is not None:
            assert not issubclass(api.create.request, ActionRequest), api.collection


def test_each_page_action_issues_a_command_of_the_request_its_route_takes() -> None:
    for pages in PAGES:
        for action in pages.api.actions:
            declared = pages.actions[action.segment]
            assert declared.command in action.request.commands, (
                f"{pages.api.collection}/{action.segment}")


def _declared_operations() -> list[tuple[str, str, Operation]]:
    # The document depends only on the routes: an app on an unused in-memory database has them.
    app = create_app(Hub(Settings(database_url="sqlite://")), background=False)
    return [
        (method, route.path, op)
        for route in api_routes(app.routes) if (op := operation_of(route)) is not None
        for method in sorted((route.methods or set()) - {"HEAD"})
    ]


def test_every_write_operation_in_the_document_declares_its_request() -> None:
    document = openapi_json_document()
    writes = [(m, p, op) for m, p, op in _declared_operations() if m != "GET"]
    assert len(writes) > 60
    for method, path, op in writes:
        entry = document["paths"][path][method.lower()]
        assert op.body is not None or op.upload, f"{method} {path} declares no request"
        if op.body is NoBody:
            assert "requestBody" not in entry, f"{method} {path}"
            continue
        content = entry["requestBody"]["content"]
        if op.upload:
            assert set(content) == set(op.upload), f"{method} {path}"
            continue
        # A named model, published as a component: never a body built on the fly.
        reference = content["application/json"]["schema"]["$ref"]
        assert reference.rsplit("/", 1)[1] in document["components"]["schemas"]
        assert op.body is not None and op.body.__module__.startswith(("schemas.", "hub.")), (
            f"{method} {path}: {op.body}")
    record_writes = {
        (method, path) for method, path, _ in writes
        if any(path.startswith(f"/api/{api.collection}") for api in RECORD_APIS)
    }
    by_route = {(m, p): op.body for m, p, op in writes}
    for method, path in record_writes:
        assert by_route[(method, path)] in all_requests(), f"{method} {path}"
    unused = set(all_requests()) - set(by_route.values())
    assert not unused, f"request models no route takes: {unused}"


def test_every_success_with_a_body_declares_its_schema() -> None:
    document = openapi_json_document()
    for path, methods in document["paths"].items():
        for method, entry in methods.items():
            for status, answer in entry["responses"].items():
                if status.startswith("2") and status != "204":
                    assert answer.get("content"), f"{method.upper()} {path} {status}"


def openapi_json_document() -> dict[str, Any]:
    """The document the app serves."""
    app = create_app(Hub(Settings(database_url="sqlite://")), background=False)
    return document(app.routes)
