"""The webhook API through the real app, on SQLite and PostgreSQL, with a real receiver."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

import workers.runtime
from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.settings import public_url
from hub.webhooks import catalogue
from hub.webhooks.errors import ERRORS
from hub.webhooks.tables import secrets_table
from schemas.registry import spec
from tests.integration.test_webhooks_receiver import Receiver, running
from tests.web import client_of, sign_in
from workers.worker import HubWorker

CITY = "city@leicester.example.org"
OPCC = "opcc@leicestershire.example.org"
POLICE = "police@leicestershire.example.org"

METRICS_TOKEN = "metrics-secret"


@pytest.fixture
def hub(demo_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Hub:
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_HTTP", "1")
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("HUB_PUBLIC_URL", "https://hub.example.org")
    monkeypatch.setattr(workers.runtime, "_current", demo_hub)
    demo_hub.settings = dataclasses.replace(demo_hub.settings, metrics_token=METRICS_TOKEN)
    return demo_hub


@pytest.fixture
def client(hub: Hub) -> TestClient:
    browser = client_of(hub)
    sign_in(browser, CITY)
    return browser


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as started:
        yield started


def _create(client: TestClient, receiver: Receiver, **body: Any) -> dict[str, Any]:
    answer = client.post("/api/webhooks", json={
        "url": receiver.url, "description": "Case system", "event_types": ["*"], **body,
    })
    assert answer.status_code == 201, answer.text
    created = answer.json()
    receiver.secrets.append(created["secret"])
    return created


def _problem(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code


def test_an_admin_registers_an_endpoint_and_sees_its_secret_only_once(
    client: TestClient, receiver: Receiver, hub: Hub
) -> None:
    created = _create(client, receiver)
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 6 + 32
    assert created["state"] == "active" and created["validation"]["validated_at"]
    assert receiver.handshakes[0]["webhook-request-origin"] == "hub.example.org"
    listed = client.get("/api/webhooks").json()["items"]
    assert [e["endpoint_id"] for e in listed] == [created["endpoint_id"]]
    one = client.get(f"/api/webhooks/{created['endpoint_id']}")
    for answer in (client.get("/api/webhooks"), one):
        assert secret not in answer.text and "secret" not in answer.json()
    with hub.engine.connect() as conn:
        assert conn.execute(select(secrets_table.c.secret)).scalars().all() == [secret]


def test_a_receiver_that_does_not_consent_stays_pending_until_it_does(
    client: TestClient
) -> None:
    with running(handshake="missing") as receiver:
        created = _create(client, receiver)
        assert created["state"] == "pending"
        assert "without a WebHook-Allowed-Origin header" in created["validation"]["error"]
        one = f"/api/webhooks/{created['endpoint_id']}"
        _problem(client.post(one + "/test"), 409, "webhook.not_validated")
        _problem(client.post(one + "/enable"), 409, "webhook.not_validated")
        receiver.handshake = "star"
        passed = client.post(one + "/handshake").json()
        assert passed["state"] == "active" and passed["validation"]["error"] is None
        assert client.post(one + "/test").json()["attempt"]["outcome"] == "delivered"
        assert receiver.deliveries[0].headers["webhook-request-origin"] == "hub.example.org"


def test_without_the_handshake_an_endpoint_is_active_at_once(client: TestClient) -> None:
    with running(handshake="405") as receiver:
        created = _create(client, receiver, validation_handshake=False)
    assert created["state"] == "active" and receiver.handshakes == []
    assert created["validation"] == {"handshake": False, "validated_at": None, "error": None}


def test_only_admins_and_tokens_that_may_manage_webhooks_can(
    hub: Hub, receiver: Receiver
) -> None:
    member = client_of(hub)
    sign_in(member, POLICE)
    _problem(member.get("/api/webhooks"), 403, "access.not_permitted")
    _problem(TestClient(member.app).get("/api/webhooks"), 401, "auth.required")
    _id, read_token = hub.accounts.create_client(
        name="r", organisation_id="leicester-city-council",
        permissions=[Permission.READ_EVENTS],
        created_by="t",
    )
    _id, token = hub.accounts.create_client(
        name="m", organisation_id="leicester-city-council",
        permissions=[Permission.MANAGE_WEBHOOKS],
        created_by="t",
    )
    partner = TestClient(member.app)
    _problem(partner.get("/api/webhooks", headers={"Authorization": f"Bearer {read_token}"}),
             403, "auth.missing_permission")
    created = partner.post(
        "/api/webhooks", headers={"Authorization": f"Bearer {token}"},
        json={"url": receiver.url, "event_types": ["report_request.*"]},
    )
    assert created.status_code == 201, created.text
    office = client_of(hub)
    sign_in(office, OPCC)
    assert office.get("/api/webhooks").json()["items"] == []
    _problem(office.get(f"/api/webhooks/{created.json()['endpoint_id']}"), 404,
             "webhook.not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"event_types": ["report_requst.*"]}, "webhook.unknown_event_type"),
        ({"event_types": ["*"], "workspace_ids": ["csp-blaby-csp"]},
         "webhook.workspace_not_visible"),
        ({"url": "ftp://partner.example.org/"}, "webhook.url_invalid"),
        ({"url": "https://user:pw@partner.example.org/"}, "webhook.url_invalid"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "webhook.url_not_allowed"),
        ({"url": "http://10.0.0.1/hooks"}, "webhook.url_not_allowed"),
        ({"url": "http://[::ffff:10.0.0.1]/hooks"}, "webhook.url_not_allowed"),
        ({"url": "https://no-such-host.invalid/hooks"}, "webhook.url_unresolvable"),
        ({"event_types": []}, "request.invalid"),
    ],
)
def test_bad_endpoints_are_refused_with_a_code(
    client: TestClient, body: dict[str, Any], code: str
) -> None:
    answer = client.post("/api/webhooks", json={
        "url": "https://partner.example.org/hooks", "event_types": ["*"], **body,
    })
    _problem(answer, 422, code)
    assert client.get("/api/webhooks").json()["items"] == []


def test_plain_http_and_loopback_need_the_operator(
    client: TestClient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_WEBHOOKS_ALLOW_NETWORKS")
    for url in (receiver.url, receiver.url.replace("127.0.0.1", "localhost")):
        answer = client.post("/api/webhooks", json={"url": url, "event_types": ["*"]})
        _problem(answer, 422, "webhook.url_not_allowed")
    monkeypatch.delenv("HUB_WEBHOOKS_ALLOW_HTTP")
    answer = client.post("/api/webhooks", json={"url": receiver.url, "event_types": ["*"]})
    _problem(answer, 422, "webhook.insecure_url")


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(
    client: TestClient, receiver: Receiver, hub: Hub
) -> None:
    created = _create(client, receiver)
    one = f"/api/webhooks/{created['endpoint_id']}"
    old = created["secret"]
    rotated = client.post(one + "/rotate-secret").json()
    new = rotated["secret"]
    receiver.secrets[:] = [old, new]
    until = datetime.fromisoformat(rotated["previous_secrets_expire_at"])
    assert timedelta(hours=23, minutes=59) < until - datetime.now(UTC) <= timedelta(hours=24)
    assert client.post(one + "/test").json()["attempt"]["outcome"] == "delivered"
    both = receiver.deliveries[-1]
    assert len(both.headers["webhook-signature"].split(" ")) == 2
    assert both.verified_by == [0, 1]  # each secret verifies on its own
    with hub.engine.begin() as conn:  # a day has passed for the old secret
        conn.execute(update(secrets_table).where(secrets_table.c.secret == old)
                     .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.post(one + "/test").json()["attempt"]["outcome"] == "delivered"
    assert receiver.deliveries[-1].verified_by == [1]
    assert old not in client.get(one).text and new not in client.get(one).text


def test_the_message_log_shows_every_attempt_and_redelivers(
    client: TestClient, hub: Hub
) -> None:
    with running(fail_first=1, status=200, response_body=b'{"ok": true}') as receiver:
        created = _create(client, receiver)
        one = f"/api/webhooks/{created['endpoint_id']}"
        tested = client.post(one + "/test").json()
        assert tested["attempt"]["outcome"] == "failed"
        assert tested["attempt"]["status_code"] == 500
        [message] = client.get(one + "/messages").json()["items"]
        assert message["event_type"] == "webhook.test" and message["status"] == "failed"
        assert client.post(
            one + f"/messages/{message['message_id']}/redeliver"
        ).status_code == 202
        HubWorker([hub.queue], connection=hub.redis).work(burst=True)
        again = client.get(one + f"/messages/{message['message_id']}").json()
    assert again["status"] == "delivered"
    assert [(a["number"], a["outcome"], a["status_code"]) for a in again["attempt_log"]] == [
        (1, "failed", 500), (2, "delivered", 200),
    ]
    assert again["attempt_log"][1]["response_body"] == '{"ok": true}'
    assert again["attempt_log"][1]["latency_ms"] >= 0
    assert {d.headers["webhook-id"] for d in receiver.deliveries} == {message["event_id"]}
    _problem(client.get(one + "/messages?status=lost"), 400, "request.bad_query")
    _problem(client.get(one + "/messages/nope"), 404, "webhook.message_not_found")


def test_an_admin_disables_changes_enables_and_removes_an_endpoint(
    client: TestClient, receiver: Receiver
) -> None:
    one = "/api/webhooks/" + _create(client, receiver)["endpoint_id"]
    disabled = client.post(one + "/disable").json()
    assert disabled["state"] == "disabled"
    assert disabled["disabled_reason"] == "Disabled by Amira Patel."
    changed = client.patch(one, json={
        "event_types": ["workspace.*", "report_request.submitted"],
        "workspace_ids": ["csp-safer-leicester"],
    }).json()
    assert changed["event_types"] == ["report_request.submitted", "workspace.*"]
    assert changed["workspace_ids"] == ["csp-safer-leicester"]
    assert client.patch(one, json={"workspace_ids": None}).json()["workspace_ids"] is None
    assert client.post(one + "/enable").json()["state"] == "active"
    assert client.delete(one).status_code == 204
    _problem(client.get(one), 404, "webhook.not_found")


def test_replay_is_queued_for_a_worker(client: TestClient, receiver: Receiver) -> None:
    one = "/api/webhooks/" + _create(client, receiver)["endpoint_id"]
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    answer = client.post(one + "/replay", json={"since": since})
    assert answer.status_code == 202 and answer.json()["job_id"]
    _problem(client.post(one + "/replay", json={"since": "2026-01-01T00:00:00"}), 422,
             "request.invalid")


def test_metrics_count_deliveries(client: TestClient, receiver: Receiver) -> None:
    one = "/api/webhooks/" + _create(client, receiver)["endpoint_id"]
    client.post(one + "/test")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert "hub_webhook_delivered_total 1.0" in text
    assert "hub_webhook_failed_total 0.0" in text
    assert "hub_webhook_retried_total" in text and "hub_webhook_disabled_total" in text


def test_the_catalogue_lists_every_event_type_with_a_valid_example(hub: Hub) -> None:
    anonymous = client_of(hub)
    items = anonymous.get("/api/event-types").json()["items"]
    assert len(items) == len(catalogue.entries()) > 50
    for item in items:
        jsonschema.validate(item["example"], item["schema"])
        spec(item["type"]).model.model_validate(item["example"])
        served = anonymous.get(urlsplit(item["schema_url"]).path)
        assert served.status_code == 200 and served.json() == item["schema"]
    one = anonymous.get("/api/event-types/report_request.submitted").json()
    assert one["schema_url"] == (
        f"{public_url()}/schemas/events/report_request.submitted.v1.json"
    )
    _problem(anonymous.get("/api/event-types/nothing.here"), 404, "event_type.not_found")
    for name in ("..%2F..%2Fpyproject.toml", "hub.sqlite3", "workspace.created.v9.json"):
        assert anonymous.get(f"/schemas/events/{name}").status_code == 404


def test_the_openapi_document_lists_every_webhook_error_code(hub: Hub) -> None:
    document = client_of(hub).get("/openapi.json").json()
    codes = set(document["x-error-codes"])
    assert {e.code for e in ERRORS} <= codes
    assert "post" in document["paths"]["/api/webhooks"]
