"""Fixtures: real databases (SQLite files and PostgreSQL schemas) and a real Redis server.

``scripts/test`` starts PostgreSQL and Redis and exports ``HUB_TEST_DATABASE_URL`` and
``HUB_TEST_REDIS_URL``. Tests that need them fail (not skip) without them, so a missing server
can never pass for a green run.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, create_engine, text

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
    """The test Redis server's URL: this test process's own when the tests run in parallel.

    Pub/sub channels are server-wide, so parallel processes never share a server.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … under pytest-xdist
    urls = os.environ.get("HUB_TEST_REDIS_URLS")
    if worker is None or not urls:
        return _required_env("HUB_TEST_REDIS_URL")
    servers = urls.split(",")
    index = int(worker.removeprefix("gw"))
    if index >= len(servers):
        pytest.fail(f"{len(servers)} Redis servers for test process {worker}: "
                    "start one per process (scripts/test does)")
    return servers[index]


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
def backend(request: pytest.FixtureRequest) -> str:
    """Each database backend in turn: ``sqlite``, then ``postgres``."""
    return str(request.param)


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database with no schema at all, for tests of the migrations themselves."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def database_url(
    backend: str, demo_templates: DemoTemplates, tmp_path: Path
) -> Iterator[str]:
    """A fresh database at the newest schema, copied from one migrated once per backend."""
    url = demo_templates.copy(backend, None, tmp_path)
    yield url
    demo_templates.drop(url)


HubFactory = Callable[..., Hub]


@pytest.fixture
def make_hub(
    database_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> Iterator[HubFactory]:
    """Build hubs on the current backend's migrated database and the real Redis; closed after
    the test."""
    made: list[Hub] = []

    def factory(**overrides: Any) -> Hub:
        settings = Settings(
            database_url=database_url,
            redis_url=redis_url,
            data_dir=tmp_path,
            dispatcher_poll_seconds=0.2,
            dispatcher_lease_seconds=2.0,
            # Tests sign admins in with a password; tests/integration/test_two_step.py turns
            # the production rule back on.
            two_step_for_admins=False,
        )
        hub = Hub(dataclasses.replace(settings, **overrides))
        made.append(hub)
        return hub

    yield factory
    for hub in made:
        hub.close()


@pytest.fixture
def hub(make_hub: HubFactory) -> Hub:
    """A migrated hub on the current backend."""
    return make_hub()


@dataclasses.dataclass(frozen=True)
class DemoKind:
    """What a demo database holds, and the moment it was loaded at (``None``: the real now)."""

    records: bool = True
    """The demo's records, or the directory alone."""
    users: bool = False
    """The demo's users and their workspace roles."""
    at: datetime | None = None


class DemoTemplates:
    """Databases made once per test run, backend and kind, for each test to copy: migrated and
    empty (kind ``None``), or with the demo loaded.

    Migrating costs 0.3 to 3 s a database (PostgreSQL most), and loading the demo through the
    command path a second or more on top; copying costs a file copy on SQLite and
    ``CREATE DATABASE ... TEMPLATE`` (about 0.1 s) on PostgreSQL. A copy is the same database
    the test would have made: the demo loads the same events under the same clock.

    The parallel test processes share the templates: the first to need one makes it under a
    file lock in the run's directory (``HUB_TEST_TEMPLATES``, made by :func:`pytest_configure`)
    and the others wait for it, so each is made once a run rather than once a process.
    """

    def __init__(self, run: Path, server_url: str) -> None:
        self._run = run
        self._server = server_url
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._made: dict[tuple[str, DemoKind | None], tuple[str, Path]] = {}

    def copy(self, backend: str, kind: DemoKind | None, data_dir: Path) -> str:
        """A fresh copy's database URL; the demo's attachment files go into ``data_dir``."""
        template, files = self._template(backend, kind)
        if (files / "attachments").exists():
            shutil.copytree(files / "attachments", data_dir / "attachments", dirs_exist_ok=True)
        if backend == "sqlite":
            copy = data_dir / f"demo-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(template, copy)
            return f"sqlite:///{copy}"
        return self._create(f"t_{uuid.uuid4().hex[:12]}", f"TEMPLATE {template}")

    def drop(self, url: str) -> None:
        """Drop a PostgreSQL copy (a SQLite copy goes with the test's directory)."""
        if not url.startswith("sqlite"):
            _drop_database(self._admin, url.rsplit("/", 1)[1])

    def close(self) -> None:
        """Let go of the server (the run's end drops the templates: :func:`drop_templates`)."""
        self._admin.dispose()

    def _template(self, backend: str, kind: DemoKind | None) -> tuple[str, Path]:
        if (backend, kind) not in self._made:
            self._made[(backend, kind)] = self._shared(backend, kind)
        return self._made[(backend, kind)]

    def _shared(self, backend: str, kind: DemoKind | None) -> tuple[str, Path]:
        """The run's template for ``backend`` and ``kind``, made here if no process has."""
        key = hashlib.sha256(f"{backend} {kind!r}".encode()).hexdigest()[:16]
        files = self._run / key
        template = (
            str(files / "demo.sqlite3") if backend == "sqlite"
            else f"{_template_prefix(self._run)}{key}"
        )
        with (self._run / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not files.exists():
                made = Path(tempfile.mkdtemp(dir=self._run))
                if backend == "sqlite":
                    url = f"sqlite:///{made / 'demo.sqlite3'}"
                else:
                    _drop_database(self._admin, template)  # a half-made one, if any
                    url = self._create(template, "")
                hub = Hub(Settings(database_url=url, data_dir=made))
                upgrade(hub.engine)
                if kind is not None:
                    if kind.at is not None:
                        at = kind.at
                        hub.clock = lambda: at  # type: ignore[assignment]
                    _load_demo(hub, kind)
                hub.close()
                made.rename(files)  # only a finished template takes its name
        return template, files

    def _create(self, name: str, template: str) -> str:
        with self._admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} {template}"))
        return self._server.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _template_prefix(run: Path) -> str:
    """The names of a run's PostgreSQL templates begin with this (runs never share them)."""
    return f"tpl_{hashlib.sha256(str(run).encode()).hexdigest()[:8]}_"


def pytest_configure(config: pytest.Config) -> None:
    """Make the run's template directory once, in the process that starts the run; the
    parallel test processes it starts inherit the variable."""
    if not hasattr(config, "workerinput") and "HUB_TEST_TEMPLATES" not in os.environ:
        os.environ["HUB_TEST_TEMPLATES"] = tempfile.mkdtemp(prefix="hub-test-templates-")
        config.stash[_OWN_TEMPLATES] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run's end: drop its PostgreSQL templates and remove its template files."""
    if not config.stash.get(_OWN_TEMPLATES, False):
        return
    run = Path(os.environ.pop("HUB_TEST_TEMPLATES"))
    server = os.environ.get("HUB_TEST_DATABASE_URL")
    if server and any(run.glob("*.lock")):
        admin = create_engine(normalise_database_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": _template_prefix(run) + "%"},
            ).scalars().all()
        for name in names:
            _drop_database(admin, name)
        admin.dispose()
    shutil.rmtree(run, ignore_errors=True)


_OWN_TEMPLATES = pytest.StashKey[bool]()


def _load_demo(hub: Hub, kind: DemoKind) -> None:
    from hub.demo.load import load_demo
    from hub.demo.users import load_demo_roles, load_demo_users

    load_demo(hub, progress=False, records=kind.records)
    if kind.users:
        load_demo_users(hub)
        load_demo_roles(hub)


@pytest.fixture(scope="session")
def demo_templates(postgres_server_url: str) -> Iterator[DemoTemplates]:
    """The demo databases each test copies (loading them for every test would dominate the
    suite's time)."""
    templates = DemoTemplates(Path(os.environ["HUB_TEST_TEMPLATES"]), postgres_server_url)
    yield templates
    templates.close()


DemoCopy = Callable[..., str]


@pytest.fixture
def demo_copy(
    backend: str, demo_templates: DemoTemplates, tmp_path: Path
) -> Iterator[DemoCopy]:
    """Copies of the demo on the current backend: ``demo_copy(records=False, at=NOW)``."""
    made: list[str] = []

    def copy(**kind: Any) -> str:
        made.append(demo_templates.copy(backend, DemoKind(**kind), tmp_path))
        return made[-1]

    yield copy
    for url in made:
        demo_templates.drop(url)


@pytest.fixture(params=BACKENDS)
def demo_database_url(
    request: pytest.FixtureRequest, demo_templates: DemoTemplates, tmp_path: Path
) -> Iterator[str]:
    """A fresh copy of the demo database (with its users) on each backend in turn."""
    url = demo_templates.copy(request.param, DemoKind(users=True), tmp_path)
    yield url
    demo_templates.drop(url)


@pytest.fixture
def demo_hub(
    demo_database_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> Iterator[Hub]:
    """A hub on a copy of the demo data (directory, demo users and their workspace roles),
    real Redis."""
    hub = Hub(
        Settings(
            database_url=demo_database_url, redis_url=redis_url, data_dir=tmp_path,
            dispatcher_poll_seconds=0.2, dispatcher_lease_seconds=2.0, two_step_for_admins=False,
        )
    )
    yield hub
    hub.close()
