"""Schemathesis against the served ``/openapi.json``: requests generated from the document
itself, for every operation, get no server error, and every answer conforms to what the
document declares: status codes, content types, headers, the schemas of declared bodies (every
2xx declares one), a 405 with ``Allow``, invalid input refused, and valid input accepted
(issue 18, finding 8 and Build item 6).

Every check is on, ``positive_data_acceptance`` included: a request the document allows must
not be refused for its shape. The document is exactly as strict as the endpoints (ranges,
lengths, patterns, formats, required headers), so a 400 or a schema-level 422
(``request.invalid``, a command's ``*.invalid_input``) for valid data fails the test. What a
JSON Schema cannot say is the law's and the directory's rules about valid values together: a
meeting starting in the past, an organisation the directory does not hold, a webhook host that
does not resolve. Those answer 422 with the rule's own code, declared on the operation, and
:func:`refused_only_by_a_rule` lets exactly those through.

Each operation is a test of its own, run in-process over ASGI against a fresh copy of the
demo, as the Leicestershire OPCC's API token with every permission, so that writes get past
authentication into the endpoints' own checks. New endpoints are covered as they are declared:
the operations are read from the document the app serves.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.settings import Settings
from hub.web.app import create_app

EXAMPLES = 20
SHAPE_CODES = {"request.invalid", "request.malformed", "request.bad_query",
               "request.bad_idempotency_key"}
"""Codes that say a request's shape is wrong: valid data must never get one."""
UNFORGEABLE = {("GET", "/api/events"): "request.bad_query"}
"""Operations taking a value only the hub can make, and the code that refuses a well-formed
one it did not make: an event cursor is sealed (AES-SIV), so no schema can tell a real one."""
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    # Its defaults, 400 and 422: refused_only_by_a_rule decides which of those valid data
    # may get.
    "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"],
}}})


def refused_only_by_a_rule(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """Valid data (a positive case) refused with 422 is refused by a rule of the law or the
    directory that the operation declares, never for its shape."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    code = json.loads(response.text).get("code", "")
    if UNFORGEABLE.get((case.method.upper(), case.operation.path)) == code:
        return True
    # The document lists an answer's codes in its description: "Codes: a.b, c.d".
    listed = case.operation.definition.raw["responses"].get("422", {}).get("description", "")
    declared = set(listed.removeprefix("Codes: ").split(", "))
    if (response.status_code == 400 or code in SHAPE_CODES or code.endswith(".invalid_input")
            or code not in declared):
        raise AssertionError(f"valid data refused for its shape: {response.text}")
    return True


@functools.cache
def _served() -> dict[str, Any]:
    """The document the app serves at ``/openapi.json``, made once: it depends only on the
    routes, which an app on an unused in-memory database has."""
    app = create_app(Hub(Settings(database_url="sqlite://")), background=False)
    served: dict[str, Any] = TestClient(app).get("/openapi.json").json()
    return served


@functools.cache
def _schema() -> OpenApiSchema:
    # Loaded once and pointed at each test's app in turn: the tests of a process run one at a
    # time, and loading the document anew for each of them would double the run's time.
    return schemathesis.openapi.from_dict(_served(), config=CONFIG)


def _operations() -> list[tuple[str, str]]:
    paths = _served()["paths"]
    return [(method.upper(), path) for path, methods in paths.items() for method in methods]


@pytest.mark.parametrize("demo_database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_operation_conforms_to_the_document(
    demo_hub: Hub, method: str, path: str
) -> None:
    _id, token = demo_hub.accounts.create_client(
        name="fuzz", organisation_id="leicestershire-opcc", permissions=list(Permission),
        created_by="test",
    )
    schema = _schema()
    schema.app = create_app(demo_hub, background=False)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            additional_checks=[refused_only_by_a_rule],
        )

    fuzz()
