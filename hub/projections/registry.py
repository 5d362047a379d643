"""The projection registry: which handler keeps which read table current for which event type.

Handlers run inside the append's transaction, so a read model is never behind the log it came
from; :meth:`Projections.rebuild` replays the whole log into empty tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Engine, Table, delete, text
from tqdm import tqdm

from hub.db import is_sqlite
from hub.events.envelope import RecordedEvent
from hub.events.store import APPEND_LOCK_KEY, EventStore

Handler = Callable[[Connection, RecordedEvent], None]


class Projections:
    """Handlers by event type, and the read tables they own."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self.tables: list[Table] = []

    def owns(self, *tables: Table) -> None:
        """Declare read tables that a rebuild empties and refills."""
        self.tables.extend(t for t in tables if t not in self.tables)

    def on(self, *event_types: str) -> Callable[[Handler], Handler]:
        """Register a handler for one or more event types."""

        def register(handler: Handler) -> Handler:
            for name in event_types:
                self._handlers[name].append(handler)
            return handler

        return register

    def merge(self, other: Projections) -> None:
        """Take on another registry's handlers and tables."""
        for name, handlers in other._handlers.items():
            self._handlers[name].extend(handlers)
        self.owns(*other.tables)

    def handles(self, event_type: str) -> bool:
        """True when some read model changes on ``event_type``."""
        return event_type in self._handlers

    def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        """Fold ``events`` into the read tables, on the caller's connection."""
        for event in events:
            for handler in self._handlers.get(event.type, ()):
                handler(conn, event)

    def rebuild(self, store: EventStore, *, batch: int = 2000, progress: bool = True) -> int:
        """Empty every read table and replay the whole log into them, in one transaction.

        Appends wait while it runs (it holds the append lock), so the result equals what the
        live projections would hold. Returns the number of events replayed.
        """
        engine: Engine = store.engine
        total = store.head_position()
        replayed = 0
        with engine.begin() as conn, tqdm(
            total=total, unit="ev", desc="rebuild", disable=not progress
        ) as bar:
            if not is_sqlite(engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK_KEY})
            for table in reversed(self.tables):
                conn.execute(delete(table))
            after = 0
            while True:
                page = store.read_all_on(conn, after, batch)
                if not page:
                    break
                self.apply(conn, page)
                replayed += len(page)
                bar.update(page[-1].position - after)
                after = page[-1].position
        return replayed
