"""Migrations and models agree: a migrated database has exactly the tables the code declares."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from hub.access.secrets import Sealer
from hub.access.two_step import TwoStep
from hub.bootstrap import Hub
from hub.db import make_engine
from hub.events.envelope import StreamRef
from hub.events.store import EventStore
from hub.migrate import alembic_config, current_revisions, head_revisions, require_migrated
from hub.settings import Settings


def test_the_migrations_create_exactly_the_declared_schema(hub: Hub) -> None:
    require_migrated(hub.engine)
    assert current_revisions(hub.engine) == head_revisions(hub.engine)
    # Raises when autogenerate would find any difference between models and database.
    command.check(alembic_config(hub.engine))


def test_the_lean_store_migration_keeps_every_stream_head_and_link(empty_database_url: str) -> None:
    """0008 drops ``streams`` (a head is now a stream's highest version) and rebuilds two
    tables on SQLite: a log written before it reads and appends the same after it, and going
    back down rebuilds ``streams`` from the log."""
    engine = make_engine(empty_database_url)
    try:
        command.upgrade(alembic_config(engine), "0007")
        with engine.begin() as conn:
            for n, stream in enumerate(("workspace-a", "workspace-a", "workspace-b"), start=1):
                version = 2 if n == 2 else 1
                conn.execute(
                    text(
                        "INSERT INTO events (position, event_id, stream_id, stream_type, version, "
                        "type, schema_version, data, meta, workspaces, recorded_at) VALUES "
                        "(:n, :id, :stream, 'workspace', :version, 'workspace.closed', 1, "
                        "'{}', '{}', '[\"ws-a\"]', :at)"
                    ),
                    {"n": n, "id": f"id-{n}", "stream": stream, "version": version,
                     "at": "2026-11-24 00:00:00"},
                )
                conn.execute(
                    text("INSERT INTO event_workspaces VALUES ('ws-a', :n)"), {"n": n}
                )
            conn.execute(
                text(
                    "INSERT INTO streams (stream_id, stream_type, version) VALUES "
                    "('workspace-a', 'workspace', 2), ('workspace-b', 'workspace', 1)"
                )
            )
            conn.execute(
                text("INSERT INTO idempotency_keys VALUES ('key-1', 'workspace-a', 2, 2)")
            )

        command.upgrade(alembic_config(engine), "0008")
        store = EventStore(engine)
        assert store.stream_version("workspace-a") == 2
        assert store.stream_version("workspace-b") == 1
        assert [e.position for e in store.read_all(0, 10, workspaces=["ws-a"])] == [1, 2, 3]
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT stream_id, last_version FROM idempotency_keys"))
            assert [tuple(row) for row in kept] == [("workspace-a", 2)]

        command.downgrade(alembic_config(engine), "0007")
        with engine.connect() as conn:
            heads = conn.execute(text("SELECT stream_id, version FROM streams ORDER BY 1")).all()
            links = conn.execute(text("SELECT count(*) FROM event_workspaces")).scalar()
        assert [tuple(head) for head in heads] == [("workspace-a", 2), ("workspace-b", 1)]
        assert links == 3
    finally:
        engine.dispose()


def test_the_event_id_index_migration_keeps_the_log_and_goes_back(empty_database_url: str) -> None:
    """0009 drops the unique index on ``events.event_id`` (copying the table on SQLite) and
    keeps every event; going back down restores it, so a repeated id is refused again."""
    engine = make_engine(empty_database_url)
    insert = text(
        "INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, "
        "data, meta, workspaces, recorded_at) VALUES ('id-1', :stream, 'workspace', 1, "
        "'workspace.closed', 1, '{}', '{}', '[]', '2026-11-24 00:00:00')"
    )

    def event_id_is_unique() -> bool:
        constraints = inspect(engine).get_unique_constraints("events")
        return any(c["column_names"] == ["event_id"] for c in constraints)

    try:
        command.upgrade(alembic_config(engine), "0008")
        with engine.begin() as conn:
            conn.execute(insert, {"stream": "workspace-a"})
        assert event_id_is_unique()

        command.upgrade(alembic_config(engine), "0009")
        assert not event_id_is_unique()
        assert EventStore(engine).read_stream("workspace-a")[0].event_id == "id-1"

        command.downgrade(alembic_config(engine), "0008")
        assert event_id_is_unique()
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"stream": "workspace-b"})
    finally:
        engine.dispose()


def test_the_idempotency_scope_migration_gives_each_key_its_senders_scope(
    empty_database_url: str,
) -> None:
    """0011 keys idempotency by the acting organisation: each existing key takes the
    organisation recorded on the first event it appended (the hub's empty scope when none
    was), so a retry after the upgrade still replays; going back down keeps one row a key."""
    engine = make_engine(empty_database_url)
    event = text(
        "INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, "
        "data, meta, workspaces, recorded_at) VALUES (:id, :stream, 'workspace', 1, "
        "'workspace.closed', 1, '{}', :meta, '[]', '2026-12-06 00:00:00')"
    )
    try:
        command.upgrade(alembic_config(engine), "0010")
        with engine.begin() as conn:
            conn.execute(event, {"id": "id-1", "stream": "workspace-a",
                                 "meta": '{"organisation": "leicestershire-opcc"}'})
            conn.execute(event, {"id": "id-2", "stream": "workspace-b", "meta": "{}"})
            conn.execute(text(
                "INSERT INTO idempotency_keys VALUES ('k-org', 'workspace-a', 1, 1), "
                "('k-hub', 'workspace-b', 1, 1)"
            ))

        command.upgrade(alembic_config(engine), "0011")
        with engine.connect() as conn:
            scopes = conn.execute(
                text("SELECT key, scope FROM idempotency_keys ORDER BY key")
            ).all()
        assert [tuple(row) for row in scopes] == [("k-hub", ""), ("k-org", "leicestershire-opcc")]
        store = EventStore(engine)
        a, b = StreamRef.of("workspace", "a"), StreamRef.of("workspace", "b")
        assert store.lookup_idempotency_key("k-org", a, "leicestershire-opcc") is not None
        assert store.lookup_idempotency_key("k-org", a, "dyfed-powys-opcc") is None
        assert store.lookup_idempotency_key("k-hub", b) is not None

        command.downgrade(alembic_config(engine), "0010")
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT key FROM idempotency_keys ORDER BY key")).all()
        assert [row.key for row in kept] == ["k-hub", "k-org"]
    finally:
        engine.dispose()


def test_the_sealing_migration_seals_existing_two_step_secrets_and_goes_back(
    empty_database_url: str,
) -> None:
    """0017 seals each stored TOTP secret (a copy of the database alone no longer gives them
    away): the user's codes still check after it, and going back down opens them again."""
    engine = make_engine(empty_database_url)
    plain = pyotp.random_base32()
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    try:
        command.upgrade(alembic_config(engine), "0015")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO two_step (user_id, secret, confirmed_at, last_step, "
                "recovery_hashes) VALUES ('u-1', :secret, :at, 0, '[]')"
            ), {"secret": plain, "at": now})

        command.upgrade(alembic_config(engine), "0017")
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT secret FROM two_step")).scalar_one()
        assert plain not in stored
        settings = Settings()
        two_step = TwoStep(engine, lambda: now, Sealer(settings.two_step_material))
        two_step.verify("u-1", pyotp.TOTP(plain).at(now))

        command.downgrade(alembic_config(engine), "0015")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT secret FROM two_step")).scalar_one() == plain
    finally:
        engine.dispose()


def test_the_migrations_form_one_line(hub: Hub) -> None:
    """Two engineers' migrations that both follow the same parent leave two heads: both apply,
    but a downgrade or a migration's test can no longer name one newest revision."""
    assert len(head_revisions(hub.engine)) == 1
