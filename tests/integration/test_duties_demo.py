"""The duty register and report request demos load through the ordinary command path, cover
every state, load twice without change, validate against the published schemas, and rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hub.attachments import AttachmentStore
from hub.bootstrap import Hub
from hub.demo import duties as duties_demo
from hub.demo import reports as reports_demo
from hub.demo.load import load_demo
from hub.projections.duties import arrangements, decisions, priorities
from hub.projections.reports import report_attachments, report_requests
from hub.service import handle
from tests.integration.test_reports_roles import assert_valid_against_published_schema


def _steps(store: AttachmentStore) -> Iterator[tuple[Any, ...]]:
    yield from duties_demo.demo_commands()
    yield from reports_demo.demo_commands(attachments=store)


def load(hub: Hub, store: AttachmentStore) -> int:
    """What hub/demo/load.py does with each step: idempotency keys counted per stream."""
    appended, seen = 0, dict[str, int]()
    for record, key, command, actor in _steps(store):
        stream = f"{record.stream_type}-{key}"
        seen[stream] = seen.get(stream, 0) + 1
        result = handle(
            hub, record, key, command, actor, idempotency_key=f"demo:{stream}:{seen[stream]}"
        )
        appended += 0 if result.replayed else len(result.events)
    return appended


def _column(hub: Hub, column: Any) -> set[Any]:
    with hub.engine.connect() as conn:
        return set(conn.execute(select(column)).scalars())


def _snapshot(hub: Hub) -> dict[str, list[tuple[Any, ...]]]:
    with hub.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in hub.projections.tables
        }


def test_the_demos_cover_every_state_load_twice_without_change_and_rebuild(
    hub: Hub, tmp_path: Path
) -> None:
    head = hub.store.head_position()
    load_demo(hub, progress=False)
    store = AttachmentStore(tmp_path / "attachments")
    # load_demo loads the register's demo with the directory; loading it again adds nothing.
    assert load(hub, store) == 0

    # Publication is no status of its own (the Specified Information Order's duty attaches
    # to each submitted version): a published report keeps its status and has a date.
    assert _column(hub, report_requests.c.status) == {
        "required", "acknowledged", "extension_requested", "submitted", "returned",
        "accepted", "closed", "withdrawn",
    }
    assert None in _column(hub, report_requests.c.published_on)
    assert len(_column(hub, report_requests.c.published_on)) > 1
    assert _column(hub, report_requests.c.area_id) == {"leicestershire", "dyfed-powys"}
    assert _column(hub, arrangements.c.status) == {
        "drafted", "in_force", "review_due", "varied", "ended",
    }
    assert _column(hub, decisions.c.finalised) == {True, False}
    assert _column(hub, priorities.c.retired) == {True, False}
    for attachment_id in _column(hub, report_attachments.c.attachment_id):
        store.verify(attachment_id)

    assert_valid_against_published_schema(hub.store.read_all(head, 10_000))

    mine = [t.name for t in hub.projections.tables if t.name in {
        "report_requests", "report_request_authorities", "report_attachments", "priorities",
        "regard_decisions", "regard_decision_priorities", "police_crime_plans",
        "reciprocal_regards", "reciprocal_regard_objectives", "cj_arrangements",
        "cj_arrangement_parties",
    }]
    live = _snapshot(hub)
    assert all(live[name] for name in mine), "every read table of the register holds demo rows"

    assert load(hub, store) == 0
    assert hub.projections.rebuild(hub.store, progress=False) > 0
    assert _snapshot(hub) == live
