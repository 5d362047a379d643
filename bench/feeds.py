"""Benchmark calendar feeds (issue 7): render time of a 5,000-entry feed, and of a 304.

Run ``python bench/feeds.py --help``. One run builds, for each backend (SQLite file, and
PostgreSQL when ``--postgres-url`` or ``$HUB_TEST_DATABASE_URL`` names a server), a fresh
database holding the demo directory and ``--entries`` joint meetings of Leicestershire, each
inviting Leicester City Council among six organisations, with a three-item agenda; one in ten
answered by the city council, one in fifty cancelled (recent, so kept). The meetings are
appended through the hub's real ``EventStore`` with every projection, exactly as commands
append them. Leicester City Council's person feed (kind ``user``) then holds every meeting.

Requests go to the real app (``create_app``) as raw ASGI calls in one asyncio loop, so the
figure is the app's own time (routing, the thread-pool hop, database, Redis, gzip) without an
HTTP client's. Redis is a private ``redis-server`` the bench starts on a free port (another
test run flushing a shared server would empty the caches mid-measure), or with ``--redis-url``
that server, its db flushed before each backend and afterwards.

Measures, each repeated and reported as the median and every run:

* **render after a change** (target ≤ 150 ms): one meeting is rescheduled (one event appended,
  outside the timed region), then ``GET`` with ``Accept-Encoding: gzip``: the poll that finds
  the change lists the feed's entries, renders the changed ``VEVENT`` with ``icalendar``, takes
  the other 4,999 from the shared cache, assembles and gzips the feed. This is what a
  subscriber's poll costs after any change.
* **304** (target ≤ 5 ms): ``GET`` with the ``If-None-Match`` of the last answer, nothing new:
  the token is looked up, the feed's workspaces and their newest positions read, the cached
  version compared.
* **304 after an unrelated event** (no target): a workspace member is added to the area's
  workspace (a new position the feed can see, nothing it shows): the entries are listed again,
  found the same, and the answer is still 304.
* **cold render** (no target): every cache is emptied first (Redis and the web process's
  memory), so every entry is rendered with ``icalendar``: what the very first subscriber to
  a new area pays once, and every feed after a deployment that changes the rendering.

Each measure is compared with its limit in the same run (median / limit: below 1 meets it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text
from starlette.applications import Starlette
from starlette.types import Message

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.access.accounts import Role  # noqa: E402
from hub.access.policy import Actor  # noqa: E402
from hub.bootstrap import Hub  # noqa: E402
from hub.demo.load import load_demo  # noqa: E402
from hub.domain.meetings import LONDON  # noqa: E402
from hub.events import NewEvent, StreamRef  # noqa: E402
from hub.feeds.cache import LOCAL_EVENTS  # noqa: E402
from hub.feeds.tokens import CalendarFeeds, FeedKind  # noqa: E402
from hub.migrate import upgrade  # noqa: E402
from hub.settings import Settings, normalise_database_url  # noqa: E402
from hub.web.app import create_app  # noqa: E402
from schemas.events import directory as directory_events  # noqa: E402
from schemas.events import meetings as ev  # noqa: E402

OFFICE, CITY, AREA = "leicestershire-opcc", "leicester-city-council", "leicestershire"
WORKSPACE = f"area-{AREA}"
INVITEES = [CITY, "leicestershire-county-council", "leicestershire-police", "llr-icb",
            "probation-east-midlands", "leicestershire-yot"]
RENDER_LIMIT_MS, NOT_MODIFIED_LIMIT_MS = 150.0, 5.0


def main() -> None:
    args = _arguments()
    backends = []
    if args.backend in ("sqlite", "both"):
        backends.append("sqlite")
    if args.backend in ("postgres", "both"):
        if args.postgres_url:
            backends.append("postgres")
        else:
            print("no --postgres-url or $HUB_TEST_DATABASE_URL: PostgreSQL skipped")
    print(f"calendar feed benchmark: {args.entries} entries, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with _redis(args.redis_url) as redis_url:
        for backend in backends:
            with _database(backend, args) as url:
                asyncio.run(_measure(backend, url, redis_url, args))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--renders", type=int, default=9, help="runs of each render measure")
    parser.add_argument("--polls", type=int, default=200, help="runs of each 304 measure")
    parser.add_argument("--cold", type=int, default=3, help="runs of the cold render")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("HUB_TEST_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="",
                        help="use this Redis (its db is flushed) instead of a private one")
    return parser.parse_args()


@contextlib.contextmanager
def _redis(given: str) -> Iterator[str]:
    if given:
        yield given
        return
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not installed: scripts/services.sh start installs it")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


@contextlib.contextmanager
def _database(backend: str, args: argparse.Namespace) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    server = normalise_database_url(args.postgres_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_feeds WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE bench_feeds"))
    try:
        yield server.rsplit("/", 1)[0] + "/bench_feeds"
    finally:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS bench_feeds WITH (FORCE)"))
        admin.dispose()


async def _measure(
    backend: str, url: str, redis_url: str, args: argparse.Namespace
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    hub = Hub(Settings(database_url=url, redis_url=redis_url))
    try:
        started = time.perf_counter()
        upgrade(hub.engine)
        load_demo(hub, progress=False)
        meetings = _append_meetings(hub, args.entries)
        print(f"\n[{backend}] built {args.entries} meetings in "
              f"{time.perf_counter() - started:.0f} s")
        user_id = hub.accounts.create_user(
            email="bench@leicester.example.org", name="Bench", organisation_id=CITY,
            role=Role.MEMBER, password=uuid.uuid4().hex,
        )
        city = Actor(user_id=user_id, organisation_id=CITY, area_ids=frozenset({AREA}))
        token = CalendarFeeds(hub.engine, hub.clock).create(city, FeedKind.USER).token
        app = create_app(hub, background=False)
        path = f"/calendars/{token}.ics"
        first = await _get(app, path, {"accept-encoding": "gzip"})
        assert first.status == 200, first.status
        print(f"[{backend}] feed: {first.header('content-length')} bytes gzipped")

        cold = await _runs(args.cold, lambda: _flush_events(client),
                           lambda: _get(app, path, {"accept-encoding": "gzip"}), 200)
        moved = iter(meetings)
        render = await _runs(args.renders, lambda: _reschedule(hub, next(moved)),
                             lambda: _get(app, path, {"accept-encoding": "gzip"}), 200)
        etag = (await _get(app, path, {})).header("etag")
        conditional = {"accept-encoding": "gzip", "if-none-match": etag}
        not_modified = await _runs(args.polls, lambda: None,
                                   lambda: _get(app, path, conditional), 304)
        unrelated = await _runs(args.renders, lambda: _add_member(hub),
                                lambda: _get(app, path, conditional), 304)
        _report(backend, [
            ("render after a change", render, RENDER_LIMIT_MS),
            ("304", not_modified, NOT_MODIFIED_LIMIT_MS),
            ("304 after an unrelated event", unrelated, None),
            ("cold render (every VEVENT rendered)", cold, None),
        ])
    finally:
        client.flushdb()
        client.close()
        hub.close()


def _append_meetings(hub: Hub, count: int) -> list[str]:
    first = datetime.now(LONDON).replace(hour=10, minute=0, second=0, microsecond=0)
    ids = []
    for n in range(count):
        meeting_id = f"bench-meeting-{n:05d}"
        starts = (first + timedelta(days=1 + n % 700)).astimezone(UTC)
        stream = StreamRef.of("meeting", meeting_id)
        events: list[Any] = [ev.MeetingConvened(
            meeting_id=meeting_id, area_id=AREA, by_organisation=OFFICE,
            kind=ev.MeetingKind.VOLUNTARY,
            title=f"Community safety board {n}: serious violence, drugs; \"county lines\"",
            purpose="Agree the partnership's response across Leicester, Leicestershire and "
                    "Rutland.",
            starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="Europe/London",
            place="County Hall, Glenfield", agenda=[
                ev.AgendaItem(title=t)
                for t in ("Needs assessment", "Response strategy", "Any other business")
            ],
            invitations=[ev.Invitation(organisation_id=o) for o in INVITEES], revision=0,
        )]
        if n % 10 == 0:
            events.append(ev.MeetingResponded(
                meeting_id=meeting_id, organisation_id=CITY, response=ev.Response.ATTENDING,
                representatives=[ev.Representative(name="Amira Patel")],
            ))
        if n % 50 == 0:
            events.append(ev.MeetingCancelled(
                meeting_id=meeting_id, by_organisation=OFFICE, reason="Merged.", revision=1,
            ))
        hub.store.append(stream, 0, [NewEvent(e, (WORKSPACE,)) for e in events])
        ids.append(meeting_id)
    return [i for n, i in enumerate(ids) if n % 50]


def _reschedule(hub: Hub, meeting_id: str) -> None:
    stream = StreamRef.of("meeting", meeting_id)
    history = hub.store.read_stream(stream.id)
    convened = history[0].data
    revision = max(e.data.get("revision", 0) for e in history) + 1
    starts = datetime.fromisoformat(convened["starts_at"])
    moved = starts + timedelta(hours=revision)
    hub.store.append(stream, history[-1].version, [NewEvent(ev.MeetingRescheduled(
        meeting_id=meeting_id, by_organisation=OFFICE, starts_at=moved,
        ends_at=moved + timedelta(hours=2), timezone="Europe/London",
        previous_starts_at=starts, previous_ends_at=starts + timedelta(hours=2),
        revision=revision,
    ), (WORKSPACE,))])


def _add_member(hub: Hub) -> None:
    stream = StreamRef.of("workspace", WORKSPACE)
    hub.store.append(stream, hub.store.stream_version(stream.id), [NewEvent(
        directory_events.WorkspaceMemberAdded(
            workspace_id=WORKSPACE, organisation_id=f"bench-{uuid.uuid4().hex[:8]}"
        ), (WORKSPACE,),
    )])


def _flush_events(client: redis.Redis) -> None:
    keys = list(client.scan_iter("hub:calendar:*", count=5000))
    if keys:
        client.delete(*keys)
    LOCAL_EVENTS.clear()


class Answer:
    """A response collected from the app."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


async def _get(app: Starlette, path: str, headers: dict[str, str]) -> Answer:
    answer = Answer()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("hub.example.org", 443),
        "headers": [(b"host", b"hub.example.org"),
                    *((k.encode(), v.encode()) for k, v in headers.items())],
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            answer.body += message.get("body", b"")

    await app(scope, receive, send)
    return answer


async def _runs(
    count: int, prepare: Callable[[], None], request: Callable[[], Any], status: int
) -> list[float]:
    timings = []
    for _ in range(count):
        prepare()
        started = time.perf_counter()
        answer = await request()
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status == status, (answer.status, status)
    return timings


def _report(backend: str, rows: list[tuple[str, list[float], float | None]]) -> None:
    print(f"\n[{backend}] {'measure':38} {'median ms':>10} {'p90 ms':>8} {'limit':>7} "
          f"{'median/limit':>13}")
    for name, runs, limit in rows:
        median = statistics.median(runs)
        p90 = sorted(runs)[math.ceil(len(runs) * 0.9) - 1]
        ratio = f"{median / limit:.2f}" if limit else "-"
        limit_text = f"{limit:.0f} ms" if limit else "-"
        print(f"[{backend}] {name:38} {median:10.2f} {p90:8.2f} {limit_text:>7} {ratio:>13}")
    for name, runs, _limit in rows:
        shown = ", ".join(f"{r:.1f}" for r in runs[:15])
        more = f" … ({len(runs)} runs)" if len(runs) > 15 else ""
        print(f"[{backend}]   {name}: {shown}{more}")


if __name__ == "__main__":
    main()
