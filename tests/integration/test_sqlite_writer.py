"""SQLite's appends run on one connection the store holds (see ``hub.events.store._HeldWriter``).

The store works out an append's positions from SQLite's last rowid rather than reading them
back, and shares the file with other writers: other processes, and the engine's own pooled
connections. These tests hold it to that on a real SQLite file.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.db import make_engine
from hub.events import NewEvent, StreamRef
from hub.events.store import EventStore
from hub.migrate import upgrade
from schemas.events import directory as ev


def _members(workspace: str, first: int, count: int) -> list[NewEvent]:
    return [
        NewEvent(
            ev.WorkspaceMemberAdded(workspace_id=workspace, organisation_id=f"org-{n}"),
            (workspace,),
        )
        for n in range(first, first + count)
    ]


def _created(workspace: str) -> NewEvent:
    created = ev.WorkspaceCreated(
        workspace_id=workspace, name=workspace, kind="adhoc", area_id="leicestershire"
    )
    return NewEvent(created, (workspace,))


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[Callable[[], EventStore]]:
    """Opens stores on one migrated SQLite file; each is closed and its engine disposed after."""
    opened: list[EventStore] = []

    def open_one() -> EventStore:
        engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
        upgrade(engine)
        opened.append(EventStore(engine))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()
        store.engine.dispose()


def test_positions_returned_are_the_stored_ones_when_two_stores_interleave(
    open_store: Callable[[], EventStore],
) -> None:
    """Two stores on one file (as two processes would be) take turns; each append's
    positions, worked out from the last rowid, are the positions read back."""
    first, second = open_store(), open_store()
    returned = []
    for store, name in ((first, "a"), (second, "b")):
        returned += store.append(StreamRef.of("workspace", name), 0, [_created(name)]).events
    versions = {"a": 1, "b": 1}
    for round_ in range(6):
        for store, name in ((first, "a"), (second, "b")):
            count = 1 + round_ % 3
            result = store.append(
                StreamRef.of("workspace", name), versions[name],
                _members(name, versions[name], count),
            )
            versions[name] = result.version
            returned += result.events
    stored = first.read_all(0, 100)
    assert [(e.position, e.event_id) for e in returned] == [
        (e.position, e.event_id) for e in stored
    ]
    assert [e.position for e in stored] == list(range(1, len(stored) + 1))
    linked = first.read_all(0, 100, workspaces=["b"])
    in_b = [e.position for e in stored if e.workspaces == ("b",)]
    assert [e.position for e in linked] == in_b


def _append_in_child(store: EventStore, version: int) -> None:
    # Which connection the append used is not visible from outside; SQLite itself may well
    # survive a shared one in a test this small, so the child reports it by exit code.
    inherited = store._writer._conn  # type: ignore[union-attr]
    store.append(StreamRef.of("workspace", "a"), version, _members("a", version, 2))
    used = store._writer._conn  # type: ignore[union-attr]
    store.close()
    sys.exit(0 if used is not None and used is not inherited else 3)


def test_a_forked_child_appends_on_a_connection_of_its_own(
    open_store: Callable[[], EventStore],
) -> None:
    """A worker forked after the parent appended must not write through the parent's SQLite
    connection; the parent's stays usable afterwards."""
    store = open_store()
    stream = StreamRef.of("workspace", "a")
    version = store.append(stream, 0, [_created("a")]).version
    child = multiprocessing.get_context("fork").Process(
        target=_append_in_child, args=(store, version)
    )
    child.start()
    child.join(30)
    assert child.exitcode == 0
    store.append(stream, version + 2, _members("a", version + 2, 1))
    assert [e.version for e in store.read_stream(stream.id)] == [1, 2, 3, 4]


def test_close_hands_the_connection_back_and_the_next_append_takes_one_again(
    open_store: Callable[[], EventStore],
) -> None:
    store = open_store()
    stream = StreamRef.of("workspace", "a")
    store.append(stream, 0, [_created("a")])
    assert store.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    store.close()
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert store.append(stream, 1, _members("a", 1, 1)).version == 2
