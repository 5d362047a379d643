"""The Procfile's processes as an operator runs them: their log lines, and SIGTERM."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import redis

from hub.bootstrap import Hub
from hub.migrate import upgrade
from hub.settings import Settings
from tests.e2e.processes import ROOT, free_port, hub_env, wait_http

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} level=\w+ logger=\S+ ")


def procfile_command(name: str, port: int) -> list[str]:
    """The Procfile's command for process ``name``, run from the virtualenv."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind == name:
            words = shlex.split(command.replace("${PORT:-8000}", str(port)))
            return [str(Path(sys.executable).parent / words[0]), *words[1:]]
    raise AssertionError(f"no {name} process in the Procfile")


def test_procfile_processes_log_one_timestamped_format_and_stop_on_sigterm(
    postgres_schema_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> None:
    hub = Hub(Settings(database_url=postgres_schema_url, redis_url=redis_url))
    upgrade(hub.engine)
    hub.close()
    env = hub_env(DATABASE_URL=postgres_schema_url, REDIS_URL=redis_url)
    port = free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("web", "dispatcher")}
    processes = {
        name: subprocess.Popen(procfile_command(name, port), cwd=ROOT, env=env,
                               stdout=logs[name].open("ab"), stderr=subprocess.STDOUT)
        for name in logs
    }
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60, process=processes["web"])
        deadline = time.monotonic() + 30
        while "event=dispatcher_started" not in logs["dispatcher"].read_text():
            assert time.monotonic() < deadline, logs["dispatcher"].read_text()
            time.sleep(0.1)
        took = {}
        for name, process in processes.items():
            stopping = time.monotonic()
            process.terminate()
            process.wait(timeout=20)
            took[name] = time.monotonic() - stopping
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal it caught.
    assert processes["web"].returncode in (0, -15)
    assert processes["dispatcher"].returncode == 0
    assert all(seconds < 10 for seconds in took.values()), took
    web = logs["web"].read_text()
    # The hub's lines and uvicorn's own, in one format with timestamps.
    assert "event=web_started" in web
    assert "logger=uvicorn.error Application shutdown complete." in web
    assert "logger=uvicorn.error Application startup complete." in web
    assert all(LINE.match(line) for line in web.splitlines()), web
    assert "event=dispatcher_stopped" in logs["dispatcher"].read_text()
