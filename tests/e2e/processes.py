"""Starting the hub's real processes for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
HUB = [sys.executable, "-m", "hub.cli"]


def free_port() -> int:
    """A loopback TCP port nobody is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hub_env(**values: str) -> dict[str, str]:
    """The test process's environment without hub settings, plus ``values``.

    Admins sign in with a password alone unless ``values`` says otherwise (as in embedded mode).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DATABASE_", "REDIS_"))}
    env["HUB_TWO_STEP_FOR_ADMINS"] = "0"
    env.update(values)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``hub <args>`` with its output in ``log``."""
    handle = log.open("ab")
    return subprocess.Popen([*HUB, *args], cwd=ROOT, env=env, stdout=handle, stderr=handle)


def wait_http(
    url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None
) -> httpx.Response:
    """GET ``url`` until it answers (any status), or fail after ``timeout`` seconds, or as
    soon as ``process`` (the server) has exited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=2.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """Terminate a process and return its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    return int(process.returncode)
