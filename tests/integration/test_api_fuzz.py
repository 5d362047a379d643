"""Schemathesis against the served ``/openapi.json``: requests generated from the document
itself, for every operation, get no server error, and every answer conforms to what the
document declares: status codes, content types, headers, the schemas of declared bodies, a
405 with ``Allow``, and invalid input refused (issue 18, finding 8).

Every check but one is on. ``positive_data_acceptance`` (a request the document allows must
get 2xx or 404) is off: the document is still looser than the endpoints in places (numbers
without their bounds, the X-Filename header undeclared, 422 for a scope naming a workspace
the organisation is not in), and 2xx answers declare no schemas yet.

Each operation is a test of its own, run in-process over ASGI against a fresh copy of the
demo, as the Leicestershire OPCC's API token with every permission, so that writes get past
authentication into the endpoints' own checks. New endpoints are covered as they are declared:
the operations are read from the document the app serves.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.settings import Settings
from hub.web.api.openapi import document
from hub.web.app import create_app

EXAMPLES = 20


def _operations() -> list[tuple[str, str]]:
    # The document depends only on the routes: an app on an unused in-memory database has them.
    app = create_app(Hub(Settings(database_url="sqlite://")), background=False)
    paths = document(app.routes)["paths"]
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
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(demo_hub, background=False))
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )

    fuzz()
