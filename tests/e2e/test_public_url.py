"""With ``HUB_PUBLIC_URL`` unset, the addresses the hub writes follow where ``hub serve``
listens: one event's ``dataschema`` is the same in its webhook and in ``/api/events``, and
both resolve on the server that sent them."""

from __future__ import annotations

from pathlib import Path

import httpx

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.events import NewEvent, StreamRef
from hub.settings import Settings
from schemas.events import directory as ev
from tests.e2e.processes import free_port, hub_env, start, stop, wait_http
from tests.integration.test_webhooks_receiver import running

CITY = "leicester-city-council"


def test_a_webhook_and_the_event_feed_name_the_same_schema_on_the_serving_port(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = hub_env(HUB_DATA_DIR=str(tmp_path / "var"), HUB_WEBHOOKS_ALLOW_HTTP="1",
                  HUB_WEBHOOKS_ALLOW_NETWORKS="127.0.0.0/8", HUB_WEBHOOK_BACKOFF="0,0.2",
                  HUB_DISPATCHER_POLL_SECONDS="0.2")
    process = start(["serve", "--demo", "--port", str(port)], env, tmp_path / "serve.log")
    hub = None
    try:
        wait_http(f"{base}/healthz", timeout=60, process=process)
        hub = Hub(Settings(data_dir=tmp_path / "var"))
        _id, token = hub.accounts.create_client(
            name="test", organisation_id=CITY, created_by="test",
            permissions=(Permission.READ_EVENTS, Permission.MANAGE_WEBHOOKS),
        )
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                           timeout=30)
        with running() as receiver:
            answer = api.post("/api/webhooks", json={
                "url": receiver.url, "event_types": ["workspace.*"],
            })
            assert answer.status_code == 201, answer.text
            receiver.secrets.append(answer.json()["secret"])
            data = ev.WorkspaceMemberAdded(workspace_id="public-url", organisation_id="x")
            [event] = hub.store.append(
                StreamRef.of("workspace", "public-url"), 0,
                [NewEvent(data, ("csp-safer-leicester",))],
            ).events
            assert receiver.wait_for(lambda r: any(
                d.headers.get("webhook-id") == event.event_id for d in r.deliveries
            ), timeout=60), (tmp_path / "serve.log").read_text()[-3000:]
        delivered = next(
            d for d in receiver.deliveries if d.headers["webhook-id"] == event.event_id
        )
        after = hub.cursors.of(event.position - 1)
        feed = api.get("/api/events", params={"after": after, "limit": 1}).json()
        [listed] = feed["events"]
        assert listed["id"] == event.event_id
        # One event, one cursor, wherever it is seen.
        assert delivered.event.get_extension("position") == listed["position"] == hub.cursors.of(
            event.position
        )
        schema = f"{base}/schemas/events/workspace.member_added.v1.json"
        assert delivered.event.get_dataschema() == listed["dataschema"] == schema
        assert httpx.get(schema).status_code == 200
        catalogue = api.get("/api/event-types/workspace.member_added").json()
        assert catalogue["schema_url"] == schema
    finally:
        if hub is not None:
            hub.close()
        assert stop(process) in (0, -15)
