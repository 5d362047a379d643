"""Every test has a time limit: a hang fails in seconds, with its stack in the log."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_has_a_time_limit_by_default() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert 0 < settings["ini_options"]["timeout"] <= 120


def test_a_hanging_test_fails_with_a_timeout_and_its_stack() -> None:
    # The suite's own configuration (pyproject.toml), with the limit shortened for speed.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/time_limit/hanging.py", "-o", "timeout=2",
         "-p", "no:cacheprovider", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1, done.stdout
    assert "Timeout (>2.0s) from pytest-timeout" in done.stdout
    assert "1 failed" in done.stdout
    # Every thread's stack is in the log, the stuck one's included.
    assert 'in block_forever' in done.stdout, done.stdout
