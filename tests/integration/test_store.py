"""The event store on SQLite and PostgreSQL: concurrency, idempotency, validation, reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Table, func, insert, select

from hub.bootstrap import Hub
from hub.events import (
    ConcurrencyConflict,
    EventMeta,
    IdempotencyKeyReused,
    InvalidEvent,
    NewEvent,
    StreamRef,
)
from hub.events.tables import event_workspaces_table, events_table
from hub.migrate import DatabaseNotMigrated, require_migrated
from schemas.events import directory as ev

STREAM = StreamRef.of("workspace", "csp-safer-rutland")


def _created(workspace_id: str = "csp-safer-rutland") -> ev.WorkspaceCreated:
    return ev.WorkspaceCreated(
        workspace_id=workspace_id, name="Safer Rutland Partnership", kind="csp",
        area_id="leicestershire", csp_id="safer-rutland",
    )


def _added(org: str) -> ev.WorkspaceMemberAdded:
    return ev.WorkspaceMemberAdded(workspace_id="csp-safer-rutland", organisation_id=org)


def _row_count(hub: Hub, table: Table) -> int:
    with hub.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_append_then_read_the_stream_back(hub: Hub) -> None:
    meta = EventMeta(actor_user="u1", organisation="leicestershire-opcc", correlation_id="c1")
    result = hub.store.append(
        STREAM, 0, [NewEvent(_created(), ("csp-safer-rutland",)), NewEvent(_added("llr-icb"))],
        meta=meta,
    )
    assert result.version == 2
    events = hub.store.read_stream(STREAM.id)
    assert [e.type for e in events] == ["workspace.created", "workspace.member_added"]
    assert [e.version for e in events] == [1, 2]
    assert events[0].position < events[1].position
    assert events[0].meta == {
        "actor_user": "u1", "organisation": "leicestershire-opcc", "correlation_id": "c1",
    }
    assert events[0].workspaces == ("csp-safer-rutland",)
    assert events[0].recorded_at.tzinfo is not None
    assert hub.store.stream_version(STREAM.id) == 2


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(hub: Hub) -> None:
    hub.store.append(STREAM, 0, [NewEvent(_created())])
    hub.store.append(STREAM, 1, [NewEvent(_added("llr-icb"))])
    late = NewEvent(_added("leicestershire-police"), ("csp-safer-rutland",))
    with pytest.raises(ConcurrencyConflict) as caught:
        hub.store.append(STREAM, 1, [late])
    assert (caught.value.expected, caught.value.current) == (1, 2)
    # Ahead of the stream: caught by the version read back, and anything written is undone.
    with pytest.raises(ConcurrencyConflict) as caught:
        hub.store.append(STREAM, 5, [late])
    assert (caught.value.expected, caught.value.current) == (5, 2)
    assert _row_count(hub, events_table) == 2
    assert _row_count(hub, event_workspaces_table) == 0


def test_creating_an_existing_stream_is_a_conflict(hub: Hub) -> None:
    hub.store.append(STREAM, 0, [NewEvent(_created())])
    with pytest.raises(ConcurrencyConflict):
        hub.store.append(STREAM, 0, [NewEvent(_created())])


def test_an_idempotent_retry_returns_the_first_result_and_appends_nothing(hub: Hub) -> None:
    hub.store.append(STREAM, 0, [NewEvent(_created())])
    first = hub.store.append(STREAM, 1, [NewEvent(_added("llr-icb"))], idempotency_key="k-1")
    retry = hub.store.append(STREAM, 1, [NewEvent(_added("llr-icb"))], idempotency_key="k-1")
    assert retry.replayed and not first.replayed
    assert [e.event_id for e in retry.events] == [e.event_id for e in first.events]
    assert retry.version == first.version == 2
    assert _row_count(hub, events_table) == 2


def test_an_idempotency_key_cannot_be_reused_for_another_stream(hub: Hub) -> None:
    hub.store.append(STREAM, 0, [NewEvent(_created())], idempotency_key="k-2")
    other = StreamRef.of("workspace", "elsewhere")
    with pytest.raises(IdempotencyKeyReused) as caught:
        hub.store.append(other, 0, [NewEvent(_created("elsewhere"))], idempotency_key="k-2")
    assert STREAM.id not in str(caught.value), "the error must not name the first stream"


def test_idempotency_keys_belong_to_their_scope(hub: Hub) -> None:
    """One organisation's key neither replays nor blocks another's (issue 18, finding 4)."""
    hub.store.append(
        STREAM, 0, [NewEvent(_created())], idempotency_key="k-3", idempotency_scope="leics-opcc"
    )
    other = StreamRef.of("workspace", "elsewhere")
    theirs = hub.store.append(
        other, 0, [NewEvent(_created("elsewhere"))], idempotency_key="k-3",
        idempotency_scope="dyfed-powys-opcc",
    )
    assert not theirs.replayed and theirs.version == 1
    for scope, stream in (("leics-opcc", STREAM), ("dyfed-powys-opcc", other)):
        replay = hub.store.lookup_idempotency_key("k-3", stream, scope)
        assert replay is not None and replay.replayed and replay.version == 1
    assert hub.store.lookup_idempotency_key("k-3", STREAM, "nottinghamshire-opcc") is None


def test_an_invalid_payload_is_rejected_with_its_field_and_nothing_is_written(hub: Hub) -> None:
    bad = {"workspace_id": "csp-x", "name": "", "kind": "bunker", "area_id": "leicestershire"}
    with pytest.raises(InvalidEvent) as caught:
        hub.store.append(
            STREAM, 0, [NewEvent(_created()), NewEvent(bad, type="workspace.created")]
        )
    fields = {e["loc"][0] for e in caught.value.errors}
    assert fields == {"name", "kind"}
    assert "name" in str(caught.value) and "kind" in str(caught.value)
    for table in (events_table, event_workspaces_table):
        assert _row_count(hub, table) == 0


def test_an_unknown_event_type_is_rejected(hub: Hub) -> None:
    with pytest.raises(InvalidEvent):
        hub.store.append(STREAM, 0, [NewEvent({"x": 1}, type="nothing.happened")])
    assert _row_count(hub, events_table) == 0


def test_a_workspace_named_twice_is_linked_once(hub: Hub) -> None:
    recorded = hub.store.append(STREAM, 0, [NewEvent(_created(), ("a", "b", "a"))]).events
    assert recorded[0].workspaces == ("a", "b")
    assert [e.workspaces for e in hub.store.read_stream(STREAM.id)] == [("a", "b")]
    assert _row_count(hub, event_workspaces_table) == 2
    assert len(hub.store.read_all(0, 10, workspaces=["a", "b"])) == 1


def test_read_all_pages_through_only_the_workspaces_asked_for(hub: Hub) -> None:
    for n in range(7):
        stream = StreamRef.of("workspace", f"w{n}")
        workspaces: tuple[str, ...] = ("a",) if n % 2 == 0 else ("b",)
        if n == 3:
            workspaces = ("a", "b")
        hub.store.append(stream, 0, [NewEvent(_created(f"w{n}"), workspaces)])
    everything = hub.store.read_all(0, 100)
    in_a = [e.position for e in everything if "a" in e.workspaces]
    assert len(in_a) == 5

    seen: list[int] = []
    after = 0
    while page := hub.store.read_all(after, 2, workspaces=["a"]):
        seen.extend(e.position for e in page)
        after = page[-1].position
    assert seen == in_a
    assert hub.store.read_all(0, 100, workspaces=[]) == []
    both = hub.store.read_all(0, 100, workspaces=["a", "b"])
    assert [e.position for e in both] == [e.position for e in everything]
    assert hub.store.head_position() == everything[-1].position


def test_an_old_schema_version_is_upcast_on_read(hub: Hub) -> None:
    with hub.engine.begin() as conn:
        conn.execute(
            insert(events_table).values(
                event_id="00000000-0000-4000-8000-000000000001", stream_id="police_area-gwent",
                stream_type="police_area", version=1, type="police_area.registered",
                schema_version=1, data={"area_id": "gwent", "name": "Gwent", "nation": "W"},
                meta={}, workspaces=["area-gwent"], recorded_at=datetime(2013, 1, 1, tzinfo=UTC),
            )
        )
    [event] = hub.store.read_stream("police_area-gwent")
    assert event.schema_version == 2
    assert event.data == {"area_id": "gwent", "name": "Gwent", "country": "wales"}


def test_an_unmigrated_database_is_refused_naming_the_command(make_hub: object) -> None:
    from hub.settings import Settings

    fresh = Hub(Settings(database_url="sqlite:///:memory:"))
    with pytest.raises(DatabaseNotMigrated, match="hub migrate"):
        require_migrated(fresh.engine)
