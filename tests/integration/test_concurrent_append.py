"""Positions become visible in commit order: a tailing reader never skips an event.

Eight writers append at once while a reader tails "after position N". Without the append lock
(PostgreSQL) a later position can commit before an earlier one, and a reader that moved past it
would never see the earlier event; with it, the reader sees every event once, in order.
"""

from __future__ import annotations

import threading

from hub.bootstrap import Hub
from hub.events import NewEvent, StreamRef
from hub.events.errors import ConcurrencyConflict
from schemas.events import directory as ev

WRITERS = 8
EVENTS_PER_WRITER = 60


def _writer(hub: Hub, n: int, errors: list[BaseException]) -> None:
    try:
        workspace = f"w{n}"
        stream = StreamRef.of("workspace", workspace)
        created = ev.WorkspaceCreated(
            workspace_id=workspace, name=f"Workspace {n}", kind="adhoc", area_id="leicestershire"
        )
        hub.store.append(stream, 0, [NewEvent(created, (workspace,))])
        version = 1
        for i in range(1, EVENTS_PER_WRITER):
            # Alternate single-event and two-event appends.
            batch = [
                NewEvent(
                    ev.WorkspaceMemberAdded(workspace_id=workspace, organisation_id=f"o{i}-{k}")
                )
                for k in range(1 + i % 2)
            ]
            version = hub.store.append(stream, version, batch).version
    except BaseException as error:  # pragma: no cover - surfaced by the assertion below
        errors.append(error)


def test_a_tailing_reader_sees_every_event_once_in_order_under_concurrent_writers(
    hub: Hub,
) -> None:
    errors: list[BaseException] = []
    writers = [threading.Thread(target=_writer, args=(hub, n, errors)) for n in range(WRITERS)]
    seen: list[tuple[int, str]] = []
    done = threading.Event()

    def tail() -> None:
        after = 0
        while True:
            finished = done.is_set()
            page = hub.store.read_all(after, 25)
            seen.extend((e.position, e.event_id) for e in page)
            if page:
                after = page[-1].position
            elif finished:
                return

    reader = threading.Thread(target=tail)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join(timeout=60)
    assert not errors, errors

    everything = [(e.position, e.event_id) for e in hub.store.iter_all()]
    assert len(everything) == WRITERS * (1 + sum(1 + i % 2 for i in range(1, EVENTS_PER_WRITER)))
    assert seen == everything, "the tailing reader skipped or repeated events"
    positions = [p for p, _ in seen]
    assert positions == sorted(set(positions))


ROUNDS = 15


def test_writers_racing_on_one_stream_with_one_expected_version_have_one_winner(
    hub: Hub,
) -> None:
    stream = StreamRef.of("workspace", "contested")
    created = ev.WorkspaceCreated(
        workspace_id="contested", name="Contested", kind="adhoc", area_id="leicestershire"
    )
    hub.store.append(stream, 0, [NewEvent(created, ("contested",))])
    start = threading.Barrier(WRITERS)
    outcomes: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def racer(n: int) -> None:
        try:
            for round_ in range(ROUNDS):
                start.wait(timeout=30)
                added = ev.WorkspaceMemberAdded(
                    workspace_id="contested", organisation_id=f"o{n}-{round_}"
                )
                try:
                    hub.store.append(stream, 1 + round_, [NewEvent(added, ("contested",))])
                    outcomes.append((round_, "won"))
                except ConcurrencyConflict as conflict:
                    assert conflict.current == 2 + round_
                    outcomes.append((round_, "conflict"))
                start.wait(timeout=30)
        except BaseException as error:  # pragma: no cover - surfaced by the assertion below
            errors.append(error)

    racers = [threading.Thread(target=racer, args=(n,)) for n in range(WRITERS)]
    for thread in racers:
        thread.start()
    for thread in racers:
        thread.join(timeout=120)
    assert not errors, errors
    for round_ in range(ROUNDS):
        assert sorted(o for r, o in outcomes if r == round_) == ["conflict"] * (WRITERS - 1) + [
            "won"
        ]
    versions = [e.version for e in hub.store.read_stream(stream.id)]
    assert versions == list(range(1, ROUNDS + 2))
