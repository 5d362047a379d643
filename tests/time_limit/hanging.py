"""A test that hangs on purpose, to prove the suite's time limit (issue 17).

Its name keeps it out of the normal run (pytest collects ``test_*.py``);
``tests/unit/test_time_limit.py`` runs it on its own, in a pytest of its own.
"""

from __future__ import annotations

import threading


def block_forever() -> None:
    """Wait for an event nobody sets, as RQ's teardown once waited on its command thread."""
    threading.Event().wait()


def test_waits_forever_on_a_thread() -> None:
    stuck = threading.Thread(target=block_forever, daemon=True)
    stuck.start()
    stuck.join()
