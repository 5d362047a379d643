"""Fixtures: real databases (SQLite files and PostgreSQL schemas) and a real Redis server.

``scripts/test`` starts PostgreSQL and Redis and exports ``HUB_TEST_DATABASE_URL`` and
``HUB_TEST_REDIS_URL``. Tests that need them fail (not skip) without them, so a missing server
can never pass for a green run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from hub.bootstrap import Hub
from hub.migrate import upgrade
from hub.settings import Settings, normalise_database_url

BACKENDS = ("sqlite", "postgres")


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the tests with scripts/test, which starts the servers")
    return value


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The test PostgreSQL server's database URL."""
    return normalise_database_url(_required_env("HUB_TEST_DATABASE_URL"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis server's URL."""
    return _required_env("HUB_TEST_REDIS_URL")


@pytest.fixture
def clean_redis(redis_url: str) -> Iterator[redis.Redis]:
    """The test Redis, emptied before and after the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def postgres_schema_url(postgres_server_url: str) -> Iterator[str]:
    """A URL whose connections use a fresh PostgreSQL schema, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{postgres_server_url}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    return str(request.getfixturevalue("postgres_schema_url"))


HubFactory = Callable[..., Hub]


@pytest.fixture
def make_hub(
    database_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> Iterator[HubFactory]:
    """Build migrated hubs on the current backend and the real Redis; closed after the test."""
    made: list[Hub] = []

    def factory(**overrides: object) -> Hub:
        settings = Settings(
            database_url=database_url,
            redis_url=redis_url,
            data_dir=tmp_path,
            dispatcher_poll_seconds=0.2,
            dispatcher_lease_seconds=2.0,
        )
        hub = Hub(dataclasses.replace(settings, **overrides))
        upgrade(hub.engine)
        made.append(hub)
        return hub

    yield factory
    for hub in made:
        hub.close()


@pytest.fixture
def hub(make_hub: HubFactory) -> Hub:
    """A migrated hub on the current backend."""
    return make_hub()


def _load_demo_into(url: str) -> None:
    from hub.demo.load import load_demo
    from hub.demo.users import load_demo_roles, load_demo_users

    template = Hub(Settings(database_url=url))
    upgrade(template.engine)
    load_demo(template, progress=False)
    load_demo_users(template)
    load_demo_roles(template)
    template.close()


@pytest.fixture(scope="session")
def demo_templates(
    tmp_path_factory: pytest.TempPathFactory, postgres_server_url: str
) -> Iterator[dict[str, str]]:
    """The demo loaded once per backend, as a template each test copies (loading it through
    the command path for every test would dominate the suite's time)."""
    sqlite_file = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    _load_demo_into(f"sqlite:///{sqlite_file}")
    name = f"demo_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    _load_demo_into(postgres_server_url.rsplit("/", 1)[0] + f"/{name}")
    yield {"sqlite": str(sqlite_file), "postgres": name}
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def demo_database_url(
    request: pytest.FixtureRequest, demo_templates: dict[str, str], tmp_path: Path,
    postgres_server_url: str,
) -> Iterator[str]:
    """A fresh copy of the demo database on each backend in turn."""
    if request.param == "sqlite":
        copy = tmp_path / "demo.sqlite3"
        shutil.copyfile(demo_templates["sqlite"], copy)
        yield f"sqlite:///{copy}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {demo_templates['postgres']}"))
    yield postgres_server_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def demo_hub(
    demo_database_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> Iterator[Hub]:
    """A hub on a copy of the demo data (directory, demo users and their workspace roles),
    real Redis."""
    hub = Hub(
        Settings(
            database_url=demo_database_url, redis_url=redis_url, data_dir=tmp_path,
            dispatcher_poll_seconds=0.2, dispatcher_lease_seconds=2.0,
        )
    )
    yield hub
    hub.close()
