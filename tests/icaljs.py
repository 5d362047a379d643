"""Mozilla's ical.js (the iCalendar parser in Thunderbird), run through node from the tests.

``scripts/setup`` installs it from npm (``package.json``); :func:`read` hands it documents and
returns what it made of each (``tests/js/read_ical.mjs``): the calendar's ``METHOD``, ``NAME``
and ``X-WR-CALNAME``, and every ``VEVENT``'s UID, ``SEQUENCE``, summary, status, location,
URL, attendees and times, as ISO instants in UTC read through the document's own ``VTIMEZONE``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "js" / "read_ical.mjs"


def read(*documents: bytes) -> list[dict[str, Any]]:
    """Each document as ical.js reads it (it raises on a document it cannot parse)."""
    node = shutil.which("node")
    assert node, "node is needed to run ical.js (scripts/setup installs it)"
    answer = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps([d.decode("utf-8") for d in documents]),
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    readings: list[dict[str, Any]] = json.loads(answer.stdout)
    return readings


def events(document: bytes) -> dict[str, dict[str, Any]]:
    """The ``VEVENT``s of one document by UID, as ical.js reads them."""
    [reading] = read(document)
    return {e["uid"]: e for e in reading["events"]}


def instant(value: str) -> datetime | date:
    """A time from :func:`read` as Python reads it: an aware UTC instant, or a day."""
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date.fromisoformat(value)
