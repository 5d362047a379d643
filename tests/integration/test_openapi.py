"""The OpenAPI document: valid 3.1, covering every API route, body and error code."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

import hub.domain
from hub.bootstrap import Hub
from hub.web.api.openapi import api_routes, operation_of
from hub.web.app import create_app

# Grows as each record's API lands; every record module must be here once it has one.
RECORDS_WITH_AN_API = {"directory", "reports", "duties", "meetings", "mergers"}


@pytest.fixture
def document(hub: Hub) -> dict[str, object]:
    with TestClient(create_app(hub, background=False)) as client:
        answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def test_the_document_is_valid_openapi_3_1(document: dict[str, object]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_declared_and_documented(hub: Hub, document: dict) -> None:
    app = create_app(hub, background=False)
    undeclared = [r.path for r in api_routes(app.routes) if operation_of(r) is None]
    assert not undeclared, f"declare these endpoints with @api: {undeclared}"
    for route in api_routes(app.routes):
        for method in (route.methods or set()) - {"HEAD"}:
            assert method.lower() in document["paths"][route.path], (method, route.path)


def test_bodies_are_described_with_their_fields(document: dict) -> None:
    body = document["paths"]["/api/csps"]["post"]["requestBody"]["content"]["application/json"]
    schema = document["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"name", "local_government_areas", "responsible_authorities"} <= set(
        schema["properties"]
    )


def test_every_domain_error_code_is_listed(document: dict) -> None:
    codes = set(document["x-error-codes"])
    missing = []
    for module in pkgutil.iter_modules(hub.domain.__path__):
        if module.name not in RECORDS_WITH_AN_API:
            continue
        errors = getattr(importlib.import_module(f"hub.domain.{module.name}"), "ERRORS", ())
        missing += [e.code for e in errors if e.code not in codes]
    assert not missing, f"error codes no endpoint declares: {sorted(set(missing))}"
    assert {"store.stale_version", "access.not_policing_body", "request.invalid"} <= codes
