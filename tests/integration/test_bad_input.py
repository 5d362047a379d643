"""Bad input gets a clean 4xx problem, never a 500 (issue 18, finding 8)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from tests.web import client_of, sign_in

PROBLEM = "application/problem+json"


@pytest.fixture
def partner(demo_hub: Hub) -> TestClient:
    """A signed-in OPCC admin's browser session (its writes carry the CSRF header)."""
    client = client_of(demo_hub)
    sign_in(client, "opcc@leicestershire.example.org")
    return client


def _body_operations(client: TestClient) -> list[tuple[str, str]]:
    """Every operation of the published API that takes a JSON body, with made-up path ids."""
    paths: dict[str, dict[str, Any]] = client.get("/openapi.json").json()["paths"]
    found = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                found.append((method.upper(), path.replace("{", "").replace("}", "")))
    return found


def test_a_body_that_is_not_utf8_is_a_400_problem_on_every_operation(
    partner: TestClient,
) -> None:
    operations = _body_operations(partner)
    assert len(operations) > 40
    for method, path in operations:
        answer = partner.request(
            method, path, content=b'{"name": "caf\xe9"}',
            headers={"Content-Type": "application/json"},
        )
        # An operation on a made-up record may answer 404 before it reads the body.
        assert answer.status_code in (400, 404), (method, path, answer.status_code)
        assert answer.headers["content-type"] == PROBLEM, (method, path)
        if answer.status_code == 400:
            assert answer.json()["code"] == "request.malformed"
    creates = [(m, p) for m, p in operations if m == "POST" and p.count("/") == 2]
    for method, path in creates:
        answer = partner.request(method, path, content=b"\xff\xfe{}")
        assert answer.status_code == 400, (method, path, answer.text)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_deeply_nested_body_is_a_400_problem(partner: TestClient, depth: int) -> None:
    body = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    answer = partner.post("/api/clients", content=body)
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == PROBLEM
    if depth == 100_000:
        assert answer.json()["code"] == "request.malformed"


@pytest.mark.parametrize(("path", "allowed"), [
    ("/api/me", "GET, HEAD"),
    ("/api/clients", "GET, HEAD, POST"),
    ("/sign-in", "GET, HEAD, POST"),
])
def test_a_method_not_allowed_says_which_are(
    partner: TestClient, path: str, allowed: str
) -> None:
    answer = partner.request("TRACE", path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    assert answer.headers["content-type"] == PROBLEM
