"""PostgreSQL's pool pings a connection that rested, and recovers from one cut while busy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, exc, text

from hub import db
from hub.db import make_engine


@pytest.fixture
def engine(postgres_schema_url: str) -> Iterator[Engine]:
    """A production engine with one pooled connection, so every checkout reuses it."""
    made = make_engine(postgres_schema_url, pool_size=1)
    yield made
    made.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _cut(postgres_server_url: str, pid: int) -> None:
    """End one server process, as a database restart or a firewall would."""
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def test_a_connection_that_rested_is_pinged_and_replaced_before_use(
    engine: Engine, postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _backend_pid(engine)
    _cut(postgres_server_url, pid)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    # The checkout pings the dead connection, and the pool connects afresh: no error.
    assert _backend_pid(engine) != pid


def test_a_connection_used_within_the_second_is_not_pinged_and_a_cut_costs_one_statement(
    engine: Engine, postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)
    pid = _backend_pid(engine)
    _cut(postgres_server_url, pid)
    with pytest.raises(exc.OperationalError) as caught:
        _backend_pid(engine)
    assert caught.value.connection_invalidated
    # SQLAlchemy saw the disconnect and refreshed the pool: the next statement works.
    assert _backend_pid(engine) != pid
