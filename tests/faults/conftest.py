"""Fault injection: the hub's real processes against a Redis server each test owns, so that the
test may stop and start it (never the shared test servers, which other tests use).

Every test here is marked ``faults``: each keeps its outages to a few seconds and its loops
bounded, and the set runs in about a minute; ``pytest -m "not faults"`` leaves them out.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import DemoKind, DemoTemplates
from tests.e2e.processes import free_port


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``faults`` marker (the suite's own markers live in pyproject.toml)."""
    config.addinivalue_line("markers", "faults: fault injection with servers of its own")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``faults``."""
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


class RedisServer:
    """A redis-server process of the test's own, without persistence: a restart loses all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it answers."""
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (scripts/services.sh installs it)"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        """Stop it at once (SIGKILL): its data is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self, down_for: float) -> None:
        """Kill it, stay down for ``down_for`` seconds, start it again empty."""
        self.kill()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of this test's own."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``check`` until true; how long it took. Fails after ``timeout`` seconds."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"not within {timeout} s: {what}"
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture
def demo_postgres(demo_templates: DemoTemplates, tmp_path: Path) -> Iterator[str]:
    """A copy of the demo (with its users) on the shared PostgreSQL server."""
    url = demo_templates.copy("postgres", DemoKind(users=True), tmp_path)
    yield url
    demo_templates.drop(url)
