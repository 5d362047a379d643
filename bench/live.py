"""Benchmark the hub's live sockets (issue 6): commit-to-client latency and memory per connection.

Run ``python bench/live.py --help``. One run measures two servers with the same clients:

* **hub** — one real web process (``python -m hub.cli serve``) and one dispatcher process
  (``python -m hub.cli dispatcher``) on a fresh database holding the demo data, with real Redis,
  as production runs them (uvicorn picks uvloop and its sans-I/O ``websockets`` protocol; the
  hub declines permessage-deflate, whose zlib state alone is about 40 KiB per connection).
  The database is SQLite unless ``--postgres``; the table's title says which. ``--clients``
  clients connect to ``/live`` with an API token of ``leicester-city-council``
  (``read_events``) and subscribe to ``csp-safer-leicester`` after the current head. The bench
  then appends ``--events`` ``workspace.member_added`` events to that workspace, one per
  ``EventStore.append`` (one commit each), one every ``--interval`` seconds. The path measured
  is the production one: commit → ``hub:appended`` notification → the dispatcher reads the
  event and publishes its envelope on the workspace's Redis channel → the web process's
  ``LiveBroker``, which frames the event once → each connection's bounded queue → its
  ``send_text`` → client.
* **bare** — the limit: a tiny broadcast server (:func:`bare_server`), a process of its own on
  uvloop with the ``websockets`` asyncio server, declining permessage-deflate as the hub does,
  so both send the same uncompressed frames. It answers the same subscribe message and
  relays a Redis channel to every subscribed connection with ``websockets.broadcast``. The
  bench publishes to that channel, via Redis pub/sub and at the same pace, the text frames the
  hub sent in its most recent run (kept from one client), so the bytes on the wire are the
  same. The bare server does no per-event work besides the broadcast, and there is no database
  and no dispatcher: its latency is publish → client, the floor for the hub's fan-out, not for
  its whole pipeline (the hub's dispatcher hop is printed separately).

Figures, for each side:

* **commit→client latency** — the bench stamps ``time.time()`` when ``append`` returns (hub; the
  commit and its notification are done by then) or when ``PUBLISH`` returns (bare); each client
  stamps ``time.time()`` when its event loop reads the frame's bytes off the socket
  (:class:`StampingConnection` defers parsing so that, when many sockets are readable at once,
  all are stamped before any is parsed). Every (client, event) pair is one sample (200,000 in a
  full run): p50, p99 and the maximum, the same p50/p99 as the client's reading task saw them
  (the difference is the bench's own client-side delay), the median over events of the first
  and of the last client's latency (pipeline, then fan-out), the growth of the per-event median
  from the first to the last tenth of the events (near 0 unless a backlog builds because the
  server cannot keep up with the pace), and how many pairs are missing (must be 0). For the hub
  also the dispatcher hop: commit → the envelope seen on the workspace's Redis channel by a
  subscriber in the bench process.
* **memory per idle connection** — the server process's RSS (``VmRSS`` in
  ``/proc/PID/status``, KiB) once every client has subscribed and the connections have sat
  idle for ``--settle`` seconds, minus its RSS before they connected, divided by the number of
  clients. "Before" is taken after a warm-up of a few connections that subscribe and close, so
  that one-off costs (lazy imports, the thread pool, database connections) are not charged to
  the connections.
* **CPU** — from the first event to the last receipt (``/proc/PID/stat``): the server's and the
  clients' CPU time per delivered frame (and how much of the server's was spent in the kernel,
  writing to sockets, which no server avoids), their share of one core, and the rest of the
  machine (Redis, the database, anything else running), with the 1-minute load average as the
  events end. This is a 2-core machine shared with other work: read the latencies together
  with those last figures.

Clients are ``websockets.asyncio.client`` connections (``websockets`` 14+; the legacy client is
not used) on uvloop, in ``--client-processes`` spawned processes (the bench process appends
and measures). They offer permessage-deflate unless ``--compression none`` (as browsers do;
both servers decline it), send no keepalive
pings (browsers do not; both servers ping every 20 s), and read an event's position from the
fixed prefix of its frame (``{"type":"event","position":N,``), parsing JSON only otherwise.

Every measurement starts fresh server processes (so RSS before/after belongs to that
measurement alone) and is repeated ``--repeats`` times, alternating which side goes first
(the first run is always the hub's, whose frames the bare server replays); the table shows
medians, then every run. The database is created once per invocation: a SQLite file in a
temporary directory, or with ``--postgres`` the database ``bench_live`` on the server of
``$HUB_TEST_DATABASE_URL`` (dropped before and after). Redis is ``--redis-url`` (default
``$HUB_TEST_REDIS_URL``) with db ``--redis-db`` flushed before and after, or with
``--own-redis`` a private ``redis-server`` on a free port. Redis pub/sub ignores db numbers:
another hub publishing on the same server (a test run, say) would reach our web process, so
the clients count frames they did not expect and the table prints that count; prefer
``--own-redis`` on a shared machine.

The pace, ``--interval`` (default 0.1 s: 10 events a second, 10,000 frames a second to 1,000
clients), is one the limit keeps up with on the 2-core machine, so that the figures are
latencies and not the length of a backlog; at 0.05 s the bare server's own latency grows
through the run once other work shares the machine (see ``growth``).

Targets (issue 6, on a 2-core machine): hub p99 ≤ 100 ms, ≤ 50 KiB per idle connection.
``--profile FILE`` records the web process with py-spy during the first hub run's events;
``--web-command`` runs the web process from another command (to try a candidate change).
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import json
import multiprocessing
import os
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import redis
import redis.asyncio as aioredis
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.frames import DATA_OPCODES, Frame
from websockets.protocol import Event

from hub.access.accounts import Permission
from hub.bootstrap import Hub, workspace_channel
from hub.events import EventMeta, NewEvent, StreamRef
from hub.migrate import upgrade
from hub.settings import Settings, normalise_database_url
from schemas.events import directory as ev

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = "csp-safer-leicester"
AREA_WORKSPACE = "area-leicestershire"
ORGANISATION = "leicester-city-council"
BARE_CHANNEL = "bench:live:bare"
POSTGRES_DATABASE = "bench_live"
EVENT_PREFIX = '{"type":"event","position":'
WARM_UP_CONNECTIONS = 10
TARGET_P99_MS = 100.0
TARGET_KIB_PER_CONNECTION = 50.0
HUB_ENV_PREFIXES = ("HUB_", "DATABASE_", "REDIS_")


# -- processes and /proc --------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU time process ``pid`` has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # After "pid (comm)": state is field 3, so utime (14) and stime (15) sit at 11 and 12.
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time process ``pid`` has used so far, in seconds."""
    return sum(cpu_times(pid))


def raise_nofile(wanted: int) -> None:
    """Raise this process's open-file limit to at least ``wanted`` (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
    if ceiling < wanted:
        print(f"warning: open files limited to {ceiling} (wanted {wanted})", flush=True)


def free_port() -> int:
    """A loopback TCP port nobody is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without hub settings, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(HUB_ENV_PREFIXES)}
    env.update(values)
    return env


def start_process(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``command`` from the repository root with its output appended to ``log``."""
    with log.open("ab") as handle:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Terminate a process we started (SIGTERM, then SIGKILL after ``timeout``)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def tail(log: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file, for error messages."""
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_until(
    ready: Callable[[], bool], what: str, timeout: float,
    process: subprocess.Popen[bytes] | None = None, log: Path | None = None,
) -> None:
    """Poll ``ready`` until it is true; fail after ``timeout`` or when ``process`` exits."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{what}: the process exited with {process.returncode}\n{tail(log) if log else ''}"
            )
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(0.05)


def http_ok(url: str) -> bool:
    """True when ``url`` answers 200."""
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.TransportError:
        return False


def port_open(port: int) -> bool:
    """True when something accepts TCP connections on loopback ``port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run_with_loop(main: Any) -> Any:
    """Run a coroutine on uvloop when it is installed (as uvicorn does), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(main)
    return uvloop.run(main)


# -- frames ---------------------------------------------------------------------------------


def event_position(message: str | bytes) -> int | None:
    """The position of an event frame, or None for any other frame.

    Both servers write ``{"type":"event","position":N,...`` (compact JSON, keys in that order),
    so the position is read from the prefix; anything else is parsed as JSON.
    """
    text = message.decode() if isinstance(message, bytes) else message
    if text.startswith(EVENT_PREFIX):
        end = text.find(",", len(EVENT_PREFIX))
        with contextlib.suppress(ValueError):
            return int(text[len(EVENT_PREFIX):end])
    parsed = json.loads(text)
    if isinstance(parsed, dict) and parsed.get("type") == "event":
        return int(parsed["position"])
    return None


# -- the bare broadcast server (runs as its own process: --serve-bare PORT) -------------------


async def bare_server(port: int, redis_url: str, channel: str) -> None:
    """A minimal websockets broadcast server fed by a Redis channel; runs until SIGTERM.

    A client sends the same subscribe message as to ``/live`` and gets ``subscribed``; then
    each Redis message (a text frame, exactly as the hub sent it to its clients) is broadcast
    unchanged to every subscribed connection.
    """
    clients: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        try:
            request = json.loads(await asyncio.wait_for(connection.recv(), timeout=30))
        except (TimeoutError, ConnectionClosed, json.JSONDecodeError):
            return
        workspaces = request.get("workspaces", []) if isinstance(request, dict) else []
        answer = {"type": "subscribed", "workspaces": sorted(workspaces), "head": 0}
        await connection.send(json.dumps(answer, separators=(",", ":")))
        clients.add(connection)
        try:
            await connection.wait_closed()
        finally:
            clients.discard(connection)

    async def relay() -> None:
        client = aioredis.Redis.from_url(redis_url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(channel)
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    data = message["data"]
                    broadcast(clients, data.decode() if isinstance(data, bytes) else data)
        finally:
            await pubsub.aclose()
            await client.aclose()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with serve(handler, "127.0.0.1", port, compression=None):
        relaying = asyncio.create_task(relay())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({relaying, stopping}, return_when=asyncio.FIRST_COMPLETED)
        relaying.cancel()
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relaying


# -- the clients (run in spawned processes) -------------------------------------------------


@dataclass(frozen=True)
class FleetSpec:
    """What one client process connects to, and how many clients it runs."""

    url: str
    headers: dict[str, str]
    subscribe: str
    count: int
    compression: str | None
    concurrency: int = 50


class StampingConnection(ClientConnection):
    """A client connection that notes when each message's bytes were read off its socket.

    ``data_received`` only takes the time and defers the parsing (and inflating) to the next
    turn of the loop. When many sockets are readable at once, all of them are stamped before
    any is parsed, so a receipt time does not include the bench's own work on the other
    clients. ``arrivals`` holds one stamp per complete message, in the order ``recv`` returns
    them; the stamp a reading task would take is kept too (see :class:`Tally`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals: deque[float] = deque()
        self._arrived = 0.0

    def data_received(self, data: bytes) -> None:
        """Stamp now; parse on the next turn of the loop."""
        self.loop.call_soon(self._parse, time.time(), data)

    def _parse(self, arrived: float, data: bytes) -> None:
        self._arrived = arrived
        super().data_received(data)

    def eof_received(self) -> None:
        """Deferred like the data, so that it is processed after it."""
        self.loop.call_soon(super().eof_received)

    def connection_lost(self, exc: Exception | None) -> None:
        """Deferred like the data, so that it is processed after it."""
        self.loop.call_soon(super().connection_lost, exc)

    def process_event(self, event: Event) -> None:
        """Keep the read time of each complete data message."""
        if isinstance(event, Frame) and event.fin and event.opcode in DATA_OPCODES:
            self.arrivals.append(self._arrived)
        super().process_event(event)

    def arrival(self) -> float:
        """The read time of the message ``recv`` just returned."""
        return self.arrivals.popleft() if self.arrivals else time.time()


@dataclass
class Tally:
    """One client's receipts: when each event position was read off the socket (``received``)
    and when the client's reading task got it (``seen``), and anything odd."""

    received: dict[int, float] = field(default_factory=dict)
    seen: dict[int, float] = field(default_factory=dict)
    hits: int = 0
    duplicates: int = 0
    others: int = 0
    closed: str | None = None
    frames: dict[int, str] | None = None


@dataclass
class FleetResult:
    """What one client process saw, measured against the commit times (seconds)."""

    latencies: dict[int, array.array[float]]
    seen_latencies: array.array[float]
    missing: int
    unexpected: int
    duplicates: int
    others: int
    closed_early: list[str]
    frames: dict[int, str]


class Fleet:
    """Many websocket clients in one event loop, each reading and stamping every frame."""

    def __init__(self, spec: FleetSpec) -> None:
        self.spec = spec
        self.connections: list[StampingConnection] = []
        self.tallies: list[Tally] = []
        self.readers: list[asyncio.Task[None]] = []
        self.expected: frozenset[int] | None = None
        self.closing = False
        self.last_receipt = 0.0

    async def open_one(self) -> StampingConnection:
        """Connect and subscribe one client (three attempts); the connection, subscribed."""
        failure: Exception = RuntimeError("no attempt made")
        for _attempt in range(3):
            try:
                connection = await connect(
                    self.spec.url, additional_headers=self.spec.headers,
                    compression=self.spec.compression, open_timeout=30, ping_interval=None,
                    proxy=None, max_queue=None, create_connection=StampingConnection,
                )
            except (OSError, TimeoutError, WebSocketException) as error:
                failure = error
                await asyncio.sleep(0.5)
                continue
            assert isinstance(connection, StampingConnection)
            try:
                await connection.send(self.spec.subscribe)
                answer = json.loads(await asyncio.wait_for(connection.recv(), timeout=30))
                connection.arrival()
                if answer.get("type") != "subscribed":
                    raise RuntimeError(f"expected subscribed, got {answer!r}"[:200])
                return connection
            except (OSError, TimeoutError, WebSocketException, RuntimeError) as error:
                failure = error
                await connection.close()
                await asyncio.sleep(0.5)
        raise failure

    async def open_many(self, count: int) -> tuple[list[StampingConnection], list[str]]:
        """Open ``count`` subscribed clients, ``concurrency`` handshakes at a time."""
        gate = asyncio.Semaphore(self.spec.concurrency)

        async def one() -> StampingConnection:
            async with gate:
                return await self.open_one()

        outcomes = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
        opened = [o for o in outcomes if isinstance(o, StampingConnection)]
        errors = [repr(o)[:200] for o in outcomes if not isinstance(o, StampingConnection)]
        return opened, errors

    async def warm_up(self, count: int) -> int:
        """Open ``count`` clients, subscribe, close them; how many succeeded."""
        opened, _errors = await self.open_many(count)
        await asyncio.gather(*(c.close() for c in opened), return_exceptions=True)
        return len(opened)

    async def connect(self) -> tuple[int, float, list[str]]:
        """Open this process's clients and start reading; (connected, seconds, errors)."""
        started = time.monotonic()
        opened, errors = await self.open_many(self.spec.count)
        for connection in opened:
            tally = Tally(frames=None if self.tallies else {})
            self.connections.append(connection)
            self.tallies.append(tally)
            self.readers.append(asyncio.create_task(self.read(connection, tally)))
        return len(opened), time.monotonic() - started, errors[:5]

    async def read(self, connection: StampingConnection, tally: Tally) -> None:
        """Stamp every frame a client receives until its connection closes."""
        try:
            async for message in connection:
                now = time.time()
                self.last_receipt = time.monotonic()
                arrived = connection.arrival()
                position = event_position(message)
                if position is None:
                    tally.others += 1
                elif position in tally.received:
                    tally.duplicates += 1
                else:
                    tally.received[position] = arrived
                    tally.seen[position] = now
                    if tally.frames is not None:
                        tally.frames[position] = str(message)
                    if self.expected is not None and position in self.expected:
                        tally.hits += 1
        except ConnectionClosed as error:
            if not self.closing:
                tally.closed = str(error)[:200]
            return
        if not self.closing:
            tally.closed = "closed by the server"

    async def collect(
        self, commits: dict[int, float], quiet: float, limit: float
    ) -> FleetResult:
        """Wait until every open client has every event, or nothing has arrived for ``quiet``
        seconds, or ``limit`` seconds have passed; then the latencies."""
        self.expected = frozenset(commits)
        for tally in self.tallies:
            tally.hits = sum(1 for position in tally.received if position in self.expected)
        wanted = len(commits)
        started = time.monotonic()
        while any(t.hits < wanted and t.closed is None for t in self.tallies):
            now = time.monotonic()
            if now - max(started, self.last_receipt) > quiet or now - started > limit:
                break
            await asyncio.sleep(0.01)
        latencies: dict[int, array.array[float]] = {p: array.array("d") for p in commits}
        seen_latencies: array.array[float] = array.array("d")
        missing = unexpected = 0
        for tally in self.tallies:
            for position, committed in commits.items():
                received = tally.received.get(position)
                if received is None:
                    missing += 1
                else:
                    latencies[position].append(received - committed)
                    seen_latencies.append(tally.seen[position] - committed)
            unexpected += sum(1 for position in tally.received if position not in commits)
        return FleetResult(
            latencies=latencies, seen_latencies=seen_latencies, missing=missing,
            unexpected=unexpected,
            duplicates=sum(t.duplicates for t in self.tallies),
            others=sum(t.others for t in self.tallies),
            closed_early=[t.closed for t in self.tallies if t.closed is not None][:5],
            frames={p: f for p, f in (self.tallies[0].frames or {}).items() if p in commits}
            if self.tallies else {},
        )

    async def close(self) -> None:
        """Close every client (bounded), then stop the readers."""
        self.closing = True
        closing = asyncio.gather(*(c.close() for c in self.connections), return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing, timeout=30)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.connections.clear()
        self.readers.clear()


async def serve_fleet(pipe: Connection, spec: FleetSpec) -> None:
    """Obey the bench process's commands over ``pipe`` until ``close`` (or the pipe closes).

    Commands are ``(name, argument)``: ``warmup`` (a count), ``connect``, ``collect``
    (``(commits, timeout)``) and ``close``; each is answered with ``(name, result)``.
    """
    fleet = Fleet(spec)
    loop = asyncio.get_running_loop()
    try:
        while True:
            command, argument = await loop.run_in_executor(None, pipe.recv)
            result: Any = None
            if command == "warmup":
                result = await fleet.warm_up(int(argument))
            elif command == "connect":
                result = await fleet.connect()
            elif command == "collect":
                result = await fleet.collect(*argument)
            elif command == "close":
                await fleet.close()
                pipe.send(("close", None))
                return
            pipe.send((command, result))
    except EOFError:
        return
    finally:
        await fleet.close()


def fleet_main(pipe: Connection, spec: FleetSpec) -> None:
    """Entry point of a client process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the bench process decides when to stop
    raise_nofile(spec.count * 2 + 256)
    run_with_loop(serve_fleet(pipe, spec))


class Fleets:
    """The client processes of one measurement, driven from the bench process."""

    def __init__(self, spec: FleetSpec, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        share, extra = divmod(spec.count, processes)
        for index in range(processes):
            count = share + (1 if index < extra else 0)
            here, there = context.Pipe()
            process = context.Process(
                target=fleet_main, args=(there, _replace_count(spec, count)),
                name=f"bench-clients-{index}", daemon=True,
            )
            process.start()
            there.close()
            self.pipes.append(here)
            self.processes.append(process)

    @property
    def pids(self) -> list[int]:
        """The client processes' ids."""
        return [p.pid for p in self.processes if p.pid is not None]

    def ask(
        self, command: str, argument: Any, timeout: float, pipes: Sequence[Connection] | None = None
    ) -> list[Any]:
        """Send a command to the client processes and return their answers, in order."""
        targets = list(self.pipes if pipes is None else pipes)
        for pipe in targets:
            pipe.send((command, argument))
        deadline = time.monotonic() + timeout
        answers = []
        for pipe in targets:
            if not pipe.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"a client process did not answer {command!r} in {timeout} s")
            try:
                name, result = pipe.recv()
            except (EOFError, OSError) as error:
                raise RuntimeError(f"a client process died during {command!r}") from error
            if name != command:
                raise RuntimeError(f"a client process answered {name!r} to {command!r}")
            answers.append(result)
        return answers

    def close(self) -> None:
        """Close every client, then end the processes (killing any that hang)."""
        with contextlib.suppress(Exception):
            self.ask("close", None, timeout=60)
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
        for pipe in self.pipes:
            pipe.close()


def _replace_count(spec: FleetSpec, count: int) -> FleetSpec:
    return FleetSpec(spec.url, spec.headers, spec.subscribe, count, spec.compression,
                     spec.concurrency)


# -- the dispatcher hop (hub only) ----------------------------------------------------------


class ChannelWatch:
    """A thread subscribed to a Redis channel, stamping when each position is published."""

    def __init__(self, redis_url: str, channel: str) -> None:
        self.client = redis.Redis.from_url(redis_url)
        self.pubsub = self.client.pubsub()
        self.pubsub.subscribe(channel)
        first = self.pubsub.get_message(timeout=10)  # the subscribe confirmation
        if first is None or first.get("type") != "subscribe":
            raise RuntimeError(f"could not subscribe to {channel}")
        self.seen: dict[int, float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="channel-watch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            message = self.pubsub.get_message(timeout=0.2)
            if message is not None and message.get("type") == "message":
                now = time.time()
                self.seen.setdefault(int(json.loads(message["data"])["position"]), now)

    def stop(self) -> dict[int, float]:
        """Stop watching; the time each position was seen."""
        self.stopping.set()
        self.thread.join(5)
        self.pubsub.close()
        self.client.close()
        return self.seen


# -- the two servers ------------------------------------------------------------------------


class Target(Protocol):
    """A server under test: started fresh per measurement, fed events by the bench."""

    name: str

    def start(self) -> None:
        """Start its processes and wait until they are ready."""

    def stop(self) -> None:
        """Stop its processes."""

    @property
    def server_pid(self) -> int:
        """The process holding the websocket connections."""

    @property
    def helper_pids(self) -> list[int]:
        """Other server-side processes whose CPU time matters (the dispatcher)."""

    def fleet_spec(self, count: int, compression: str | None) -> FleetSpec:
        """How clients connect and subscribe."""

    def publish(self, index: int) -> tuple[int, float]:
        """Make event ``index`` happen; its position and the time it was committed."""

    def finish(self, frames: list[str]) -> None:
        """Called after a measurement with the event frames one client received, in order."""


@dataclass
class HubTarget:
    """The hub: one web process and one dispatcher on the prepared database."""

    hub: Hub
    database_url: str
    redis_url: str
    token: str
    logs: Path
    web_command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "hub.cli"])
    name: str = "hub"
    frames: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    port: int = 0
    version: int = 0
    run: int = 0

    def start(self) -> None:
        """Start the dispatcher and the web process; wait for health and a caught-up log."""
        from workers.dispatcher import Dispatcher

        self.run += 1
        env = clean_env(
            DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, HUB_LOG_LEVEL="WARNING",
            HUB_DATA_DIR=str(self.logs),
        )
        hub_cli = [sys.executable, "-m", "hub.cli"]
        dispatcher_log, web_log = self.logs / "dispatcher.log", self.logs / "web.log"
        self.port = free_port()
        self.processes = [
            start_process([*hub_cli, "dispatcher"], env, dispatcher_log),
            start_process([*self.web_command, "serve", "--port", str(self.port)], env, web_log),
        ]
        wait_until(lambda: http_ok(f"http://127.0.0.1:{self.port}/healthz"), "hub serve", 60,
                   self.processes[1], web_log)
        dispatcher = Dispatcher(self.hub)
        wait_until(lambda: dispatcher.lag() == 0, "hub dispatcher", 60, self.processes[0],
                   dispatcher_log)
        self.version = self.hub.store.stream_version(StreamRef.of("workspace", WORKSPACE).id)

    def stop(self) -> None:
        """Stop the web process, then the dispatcher."""
        for process in reversed(self.processes):
            stop_process(process)
        self.processes = []

    @property
    def server_pid(self) -> int:
        """The web process."""
        return self.processes[1].pid

    @property
    def helper_pids(self) -> list[int]:
        """The dispatcher."""
        return [self.processes[0].pid]

    def fleet_spec(self, count: int, compression: str | None) -> FleetSpec:
        """Clients with the API token, subscribing after the current head."""
        head = self.hub.store.head_position()
        subscribe = {"type": "subscribe", "workspaces": [WORKSPACE], "after": head}
        return FleetSpec(
            url=f"ws://127.0.0.1:{self.port}/live",
            headers={"Authorization": f"Bearer {self.token}"},
            subscribe=json.dumps(subscribe), count=count, compression=compression,
        )

    def publish(self, index: int) -> tuple[int, float]:
        """Append one member-added event to the workspace, in a commit of its own, with the
        meta a command by a ``leicester-city-council`` user would carry."""
        stream = StreamRef.of("workspace", WORKSPACE)
        event = NewEvent(
            ev.WorkspaceMemberAdded(
                workspace_id=WORKSPACE, organisation_id=f"bench-org-{self.run}-{index}"
            ),
            (AREA_WORKSPACE, WORKSPACE),
        )
        # Meta as hub.service.handle writes it: the frame then carries a real organisation,
        # which the web process names in the event's summary.
        meta = EventMeta(actor_user=f"bench-user-{self.run}", organisation=ORGANISATION,
                         correlation_id=str(uuid.uuid4()))
        result = self.hub.store.append(stream, self.version, [event], meta=meta)
        committed = time.time()
        self.version = result.version
        return result.events[0].position, committed

    def finish(self, frames: list[str]) -> None:
        """Keep the frames the clients got, for the bare server to send (when complete)."""
        if frames:
            self.frames = frames


@dataclass
class BareTarget:
    """The bare broadcast server (:func:`bare_server`), fed the hub's frames over Redis."""

    source: HubTarget
    redis_url: str
    logs: Path
    name: str = "bare"
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    client: redis.Redis | None = None

    def start(self) -> None:
        """Start the server process; wait until it listens and has subscribed."""
        if not self.source.frames:
            raise RuntimeError("the bare server replays a hub run's frames: run the hub first")
        self.port = free_port()
        log = self.logs / "bare.log"
        command = [sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(self.port),
                   "--redis-url", self.redis_url]
        self.process = start_process(command, clean_env(), log)
        self.client = redis.Redis.from_url(self.redis_url)
        client = self.client

        def ready() -> bool:
            numsub = dict(client.pubsub_numsub(BARE_CHANNEL))
            return port_open(self.port) and int(numsub.get(BARE_CHANNEL.encode(), 0)) > 0

        wait_until(ready, "bare server", 30, self.process, log)

    def stop(self) -> None:
        """Stop the server process."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        if self.client is not None:
            self.client.close()
            self.client = None

    @property
    def server_pid(self) -> int:
        """The bare server."""
        assert self.process is not None
        return self.process.pid

    @property
    def helper_pids(self) -> list[int]:
        """None: there is no dispatcher."""
        return []

    def fleet_spec(self, count: int, compression: str | None) -> FleetSpec:
        """Clients sending the same subscribe message, without credentials."""
        subscribe = {"type": "subscribe", "workspaces": [WORKSPACE], "after": 0}
        return FleetSpec(url=f"ws://127.0.0.1:{self.port}/", headers={},
                         subscribe=json.dumps(subscribe), count=count, compression=compression)

    def publish(self, index: int) -> tuple[int, float]:
        """Publish the hub run's frame ``index`` on the server's channel."""
        assert self.client is not None
        frame = self.source.frames[index % len(self.source.frames)]
        self.client.publish(BARE_CHANNEL, frame)
        committed = time.time()
        position = event_position(frame)
        assert position is not None
        return position, committed

    def finish(self, frames: list[str]) -> None:
        """Nothing to keep."""


# -- one measurement ------------------------------------------------------------------------


@dataclass
class Sample:
    """The figures of one measurement of one side (times in ms, CPU in seconds)."""

    side: str
    clients: int
    connected: int
    connect_seconds: float
    rss_before_kib: int
    rss_after_kib: int
    latencies_ms: list[float]
    seen_ms: list[float]
    first_ms: list[float]
    middle_ms: list[float]
    last_ms: list[float]
    missing: int
    unexpected: int
    duplicates: int
    closed_early: list[str]
    elapsed: float
    span: float
    commit_times: list[float]
    cpu: dict[str, float]
    hop_ms: list[float]
    connect_errors: list[str]
    load: float

    @property
    def kib_per_connection(self) -> float:
        """RSS growth per connected client."""
        return (self.rss_after_kib - self.rss_before_kib) / max(1, self.connected)

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (0 to 100) of every (client, event) latency, in ms."""
        return percentile(self.latencies_ms, q)

    def share(self, who: str) -> float:
        """The share of one core ``who`` used from the first event to the last receipt (%)."""
        return 100 * self.cpu[who] / self.elapsed

    def cpu_per_frame_us(self, who: str) -> float:
        """CPU time ``who`` spent per delivered (client, event) frame, in µs."""
        return 1e6 * self.cpu[who] / max(1, len(self.latencies_ms))

    @property
    def growth_ms(self) -> float:
        """How much the median latency of the last tenth of the events exceeds the first
        tenth's: near 0 when each event is delivered before the next; large with a backlog."""
        tenth = max(1, len(self.middle_ms) // 10)
        if not self.middle_ms:
            return float("nan")
        return statistics.median(self.middle_ms[-tenth:]) - statistics.median(
            self.middle_ms[:tenth]
        )

    def dump(self) -> dict[str, Any]:
        """The run's figures and, per event in order, its commit time (epoch seconds) and the
        first, median and last client's latency (ms), for ``--dump``."""
        figures = {label: figure(self) for label, figure, _fmt in ROWS}
        return {
            "side": self.side, "figures": figures, "missing": self.missing, "cpu": self.cpu,
            "elapsed": self.elapsed, "per_event_commit_time": self.commit_times,
            "per_event_first_ms": self.first_ms,
            "per_event_median_ms": self.middle_ms, "per_event_last_ms": self.last_ms,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (NaN when empty)."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(q / 100 * len(values) + 0.5)))
    return values[rank - 1]


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (``/proc/stat``), in seconds."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds used by named groups of processes, and by the whole machine, over a span.

    The first process of the ``server`` group also has its system (kernel) time read apart,
    as ``server_system``: the socket writes, which no server can avoid.
    """

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        used = {name: sum(cpu_seconds(p) for p in pids) for name, pids in self.groups.items()}
        used["server_system"] = cpu_times(self.groups["server"][0])[1]
        used["bench"] = cpu_seconds(os.getpid())
        used["machine"] = machine_cpu_seconds()
        return used

    def stop(self) -> dict[str, float]:
        """CPU seconds per group since the start; ``other`` is everything else on the machine
        (Redis, the database, and any other work sharing it)."""
        end = self._read()
        used = {name: end[name] - self.start[name] for name in end}
        used["other"] = used["machine"] - sum(
            v for k, v in used.items() if k not in ("machine", "server_system")
        )
        return used


def measure(target: Target, args: argparse.Namespace, profile: Path | None = None) -> Sample:
    """Start ``target`` fresh, connect the clients, send the events, and measure.

    With ``profile``, py-spy records the server process while the events go out.
    """
    target.start()
    fleets: Fleets | None = None
    watch: ChannelWatch | None = None
    profiler: subprocess.Popen[bytes] | None = None
    try:
        pid = target.server_pid
        fleets = Fleets(target.fleet_spec(args.clients, args.compression), args.client_processes)
        warmed = fleets.ask("warmup", WARM_UP_CONNECTIONS, 120, pipes=fleets.pipes[:1])[0]
        if warmed != WARM_UP_CONNECTIONS:
            raise RuntimeError(f"{target.name}: only {warmed} warm-up connections succeeded")
        time.sleep(1.0)
        before = rss_kib(pid)
        answers = fleets.ask("connect", None, timeout=120 + args.clients / 10)
        connected = sum(a[0] for a in answers)
        connect_seconds = max(a[1] for a in answers)
        errors = [e for a in answers for e in a[2]]
        time.sleep(args.settle)
        after = rss_kib(pid)
        if profile is not None:
            profiler = start_profiler(profile, args.py_spy, pid)
        if isinstance(target, HubTarget):
            watch = ChannelWatch(target.redis_url, workspace_channel(WORKSPACE))
        meter = CpuMeter({"server": [pid], "dispatcher": target.helper_pids,
                          "clients": fleets.pids})
        started = time.monotonic()
        commits: dict[int, float] = {}
        for index in range(args.events):
            delay = started + index * args.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            position, committed = target.publish(index)
            commits[position] = committed
        results: list[FleetResult] = fleets.ask(
            "collect", (commits, args.drain, args.drain_limit),
            timeout=args.drain_limit + 120,
        )
        elapsed = time.monotonic() - started
        cpu = meter.stop()
        load = os.getloadavg()[0]
        if profiler is not None:
            stop_profiler(profiler)
            profiler = None
        seen = watch.stop() if watch is not None else {}
        watch = None
        kept = results[0].frames
        target.finish([kept[p] for p in commits] if len(kept) == len(commits) else [])
    finally:
        if profiler is not None:
            stop_profiler(profiler)
        if watch is not None:
            watch.stop()
        if fleets is not None:
            fleets.close()
        target.stop()
    per_event = {p: [x * 1000 for r in results for x in r.latencies[p]] for p in commits}
    return Sample(
        side=target.name, clients=args.clients, connected=connected,
        connect_seconds=connect_seconds, rss_before_kib=before, rss_after_kib=after,
        latencies_ms=sorted(x for values in per_event.values() for x in values),
        seen_ms=sorted(x * 1000 for r in results for x in r.seen_latencies),
        first_ms=[min(v) for v in per_event.values() if v],
        middle_ms=[statistics.median(v) for v in per_event.values() if v],
        last_ms=[max(v) for v in per_event.values() if v],
        missing=sum(r.missing for r in results),
        unexpected=sum(r.unexpected for r in results),
        duplicates=sum(r.duplicates for r in results),
        closed_early=[c for r in results for c in r.closed_early][:5],
        elapsed=elapsed, cpu=cpu, commit_times=list(commits.values()),
        span=max((commits[p] + max(v) / 1000 for p, v in per_event.items() if v), default=0.0)
        - min(commits.values()),
        hop_ms=sorted((seen[p] - c) * 1000 for p, c in commits.items() if p in seen),
        connect_errors=errors, load=load,
    )


def start_profiler(
    output: Path, py_spy: str | None, pid: int
) -> subprocess.Popen[bytes] | None:
    """Attach ``py-spy record`` to process ``pid``, writing collapsed stacks to ``output``."""
    binary = py_spy or shutil.which("py-spy")
    if binary is None:
        print("warning: --profile given but py-spy not found (pip install py-spy)", flush=True)
        return None
    command = [binary, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
               "--nonblocking", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(process: subprocess.Popen[bytes]) -> None:
    """Stop py-spy with SIGINT so that it writes its output."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# -- setup: Redis, the database, the demo ---------------------------------------------------


@contextlib.contextmanager
def redis_for(args: argparse.Namespace, tmp: Path) -> Iterator[str]:
    """The Redis URL to use, its db flushed before and after; a private server if asked."""
    server: subprocess.Popen[bytes] | None = None
    if args.own_redis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("--own-redis needs redis-server on PATH")
        port = free_port()
        server = start_process(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp)],
            clean_env(), tmp / "redis.log",
        )
        url = f"redis://127.0.0.1:{port}/0"
    else:
        if not args.redis_url:
            raise SystemExit("no Redis: pass --redis-url, set HUB_TEST_REDIS_URL or --own-redis")
        parts = urlsplit(args.redis_url)
        url = urlunsplit(parts._replace(path=f"/{args.redis_db}"))
    client = redis.Redis.from_url(url)
    try:
        wait_until(lambda: _pings(client), "redis", 20, server, tmp / "redis.log")
        client.flushdb()
        yield url
    finally:
        with contextlib.suppress(redis.RedisError):
            client.flushdb()
        client.close()
        if server is not None:
            stop_process(server)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def database_for(args: argparse.Namespace, tmp: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file in ``tmp``, or ``bench_live`` on PostgreSQL."""
    if not args.postgres:
        yield f"sqlite:///{tmp / 'hub.sqlite3'}"
        return
    if not args.postgres_url:
        raise SystemExit("--postgres needs --postgres-url or HUB_TEST_DATABASE_URL")
    server = make_url(normalise_database_url(args.postgres_url))
    maintenance = make_conninfo(
        host=server.host or "localhost", port=server.port or 5432,
        user=server.username or "", password=server.password or "", dbname="postgres",
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
        sql.Identifier(POSTGRES_DATABASE)
    )
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGRES_DATABASE)))
    try:
        yield server.set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            conn.execute(drop)


@contextlib.contextmanager
def prepared_hub(database_url: str, redis_url: str, tmp: Path) -> Iterator[tuple[Hub, str]]:
    """Migrate, load the demo, and make an API token; the bench's own Hub and the token."""
    from hub.demo.load import load_demo

    hub = Hub(Settings(database_url=database_url, redis_url=redis_url, data_dir=tmp))
    try:
        upgrade(hub.engine)
        load_demo(hub, progress=False)
        _id, token = hub.accounts.create_client(
            name="bench-live", organisation_id=ORGANISATION,
            permissions=(Permission.READ_EVENTS,), created_by="bench",
        )
        yield hub, token
    finally:
        hub.close()


# -- report ---------------------------------------------------------------------------------


def median_of(samples: list[Sample], figure: Callable[[Sample], float]) -> float:
    """The median of one figure over the runs of one side (NaN if a run has no data)."""
    return statistics.median(figure(s) for s in samples)


def median_or_nan(values: Sequence[float]) -> float:
    """The median of ``values``, NaN when there are none."""
    return statistics.median(values) if values else float("nan")


ROWS: list[tuple[str, Callable[[Sample], float], str]] = [
    ("commit→client p50 (ms)", lambda s: s.percentile(50), "{:.1f}"),
    ("commit→client p99 (ms)", lambda s: s.percentile(99), "{:.1f}"),
    ("commit→client max (ms)", lambda s: s.percentile(100), "{:.1f}"),
    ("p50 as the reading task saw it (ms)", lambda s: percentile(s.seen_ms, 50), "{:.1f}"),
    ("p99 as the reading task saw it (ms)", lambda s: percentile(s.seen_ms, 99), "{:.1f}"),
    ("first client per event, median (ms)", lambda s: median_or_nan(s.first_ms), "{:.1f}"),
    ("last client per event, median (ms)", lambda s: median_or_nan(s.last_ms), "{:.1f}"),
    ("latency growth, first→last tenth (ms)", lambda s: s.growth_ms, "{:.1f}"),
    ("frames delivered per second", lambda s: len(s.latencies_ms) / max(s.span, 1e-9),
     "{:,.0f}"),
    ("memory per idle connection (KiB)", lambda s: s.kib_per_connection, "{:.1f}"),
    ("server RSS, all connected (MiB)", lambda s: s.rss_after_kib / 1024, "{:.1f}"),
    ("server CPU per frame (µs)", lambda s: s.cpu_per_frame_us("server"), "{:.1f}"),
    ("  of which in the kernel (µs)", lambda s: s.cpu_per_frame_us("server_system"), "{:.1f}"),
    ("client CPU per frame (µs)", lambda s: s.cpu_per_frame_us("clients"), "{:.1f}"),
    ("server CPU, events phase (% core)", lambda s: s.share("server"), "{:.0f}"),
    ("clients CPU, events phase (% core)", lambda s: s.share("clients"), "{:.0f}"),
    ("rest of machine, events phase (% core)", lambda s: s.share("other"), "{:.0f}"),
    ("connecting all clients (s)", lambda s: s.connect_seconds, "{:.1f}"),
    ("load average (1 min) after the events", lambda s: s.load, "{:.1f}"),
]


def describe_run(sample: Sample) -> str:
    """One line per run, printed as the run ends."""
    hop = (f"  dispatcher hop p50/p99 {percentile(sample.hop_ms, 50):.1f}/"
           f"{percentile(sample.hop_ms, 99):.1f} ms" if sample.side == "hub" else "")
    return (
        f"  {sample.side:<4} p50 {sample.percentile(50):7.1f} ms  p99 "
        f"{sample.percentile(99):7.1f} ms  max {sample.percentile(100):7.1f} ms  growth "
        f"{sample.growth_ms:7.1f} ms  {sample.kib_per_connection:5.1f} KiB/conn  connected "
        f"{sample.connected}/{sample.clients}  samples {len(sample.latencies_ms):,}  missing "
        f"{sample.missing}  unexpected {sample.unexpected}  CPU % core: server "
        f"{sample.share('server'):.0f} clients {sample.share('clients'):.0f} rest "
        f"{sample.share('other'):.0f}  load {sample.load:.1f}{hop}"
    )


def print_table(runs: dict[str, list[Sample]], args: argparse.Namespace) -> bool:
    """The medians side by side with the ratios and the targets; True when both are met."""
    hub, bare = runs["hub"], runs["bare"]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nLive sockets: {args.clients:,} clients, {args.events} events one per "
        f"{args.interval * 1000:.0f} ms, {backend}, clients offering "
        f"{args.compression or 'no'} compression (both servers decline it), "
        f"{args.client_processes} client process(es), {os.cpu_count()} cores; latency from "
        f"append (hub) or PUBLISH (bare) returning to the client reading the frame; median of "
        f"{len(hub)} run(s)"
    )
    header = f"{'measure':<40}{'hub /live':>11}{'bare ws':>11}{'hub/bare':>10}  target"
    print(header)
    print("-" * (len(header) + 12))
    p99 = median_of(hub, lambda s: s.percentile(99))
    kib = median_of(hub, lambda s: s.kib_per_connection)
    targets = {
        "commit→client p99 (ms)": TARGET_P99_MS,
        "memory per idle connection (KiB)": TARGET_KIB_PER_CONNECTION,
    }
    for label, figure, fmt in ROWS:
        ours, limit = median_of(hub, figure), median_of(bare, figure)
        ratio = f"{ours / limit:.2f}x" if limit > 0 else "-"
        note = ""
        if label in targets:
            bound = targets[label]
            note = (f"≤ {bound:g}: {'met' if ours <= bound else 'MISSED'} (hub {ours / bound:.2f}, "
                    f"bare {limit / bound:.2f} of the target)")
        print(f"{label:<40}{fmt.format(ours):>11}{fmt.format(limit):>11}{ratio:>10}  {note}")
    hop50 = median_of(hub, lambda s: percentile(s.hop_ms, 50))
    hop99 = median_of(hub, lambda s: percentile(s.hop_ms, 99))
    print(f"{'dispatcher hop p50 / p99 (ms)':<40}{f'{hop50:.1f} / {hop99:.1f}':>11}{'-':>11}")
    print(f"{'dispatcher CPU, events phase (% core)':<40}"
          f"{median_of(hub, lambda s: s.share('dispatcher')):>11.0f}{'-':>11}")
    for side, samples in runs.items():
        totals = (sum(s.missing for s in samples), sum(s.unexpected for s in samples),
                  sum(s.duplicates for s in samples))
        print(f"{side}: samples per run {[len(s.latencies_ms) for s in samples]}, missing "
              f"{totals[0]}, unexpected {totals[1]}, duplicates {totals[2]} (all runs)")
        for sample in samples:
            if sample.closed_early or sample.connect_errors:
                print(f"  closed early: {sample.closed_early}; connect errors: "
                      f"{sample.connect_errors}")
    print("\nevery run:")
    for samples in runs.values():
        for sample in samples:
            print(describe_run(sample))
    met = p99 <= TARGET_P99_MS and kib <= TARGET_KIB_PER_CONNECTION
    complete = all(s.missing == 0 and s.connected == s.clients for v in runs.values() for s in v)
    print(f"\ntargets (hub p99 ≤ {TARGET_P99_MS:g} ms, ≤ {TARGET_KIB_PER_CONNECTION:g} KiB per "
          f"idle connection): {'met' if met else 'NOT met'}; every event reached every client: "
          f"{'yes' if complete else 'NO'}")
    return met and complete


# -- command line ---------------------------------------------------------------------------


def positive(value: str) -> int:
    """Argparse type for a count of at least one."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Commit-to-client latency and memory per connection of /live, "
        "against a bare websockets broadcast server.",
        epilog="Quick mode: --clients 100 --events 50 --repeats 1",
    )
    parser.add_argument("--clients", type=positive, default=1000)
    parser.add_argument("--events", type=positive, default=200)
    parser.add_argument("--repeats", type=positive, default=3, help="runs per side")
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between events (default 0.1)")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds the connections sit idle before RSS is read")
    parser.add_argument("--drain-limit", type=float, default=600.0,
                        help="at most this many seconds to wait for receipts after the last "
                        "event (default 600)")
    parser.add_argument("--drain", type=float, default=30.0,
                        help="after the last event, give up waiting for missing receipts once "
                        "none has arrived for this many seconds (default 30)")
    parser.add_argument("--client-processes", type=positive, default=4,
                        help="processes the clients are spread over (default 4)")
    parser.add_argument("--compression", choices=("deflate", "none"), default="deflate",
                        help="whether clients offer permessage-deflate (browsers do)")
    parser.add_argument("--postgres", action="store_true",
                        help="use a fresh PostgreSQL database instead of SQLite")
    parser.add_argument("--postgres-url", default=os.environ.get("HUB_TEST_DATABASE_URL", ""),
                        help="any database on the server (default $HUB_TEST_DATABASE_URL)")
    parser.add_argument("--redis-url", default=os.environ.get("HUB_TEST_REDIS_URL", ""),
                        help="Redis server (default $HUB_TEST_REDIS_URL)")
    parser.add_argument("--redis-db", type=int, default=12,
                        help="the db index to use and flush (default 12)")
    parser.add_argument("--own-redis", action="store_true",
                        help="start a private redis-server instead (no shared pub/sub)")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="py-spy the web process during the first hub run's events "
                        "(collapsed stacks written to FILE)")
    parser.add_argument("--py-spy", help="the py-spy binary (default: on PATH)")
    parser.add_argument("--dump", type=Path, metavar="FILE",
                        help="append each run's figures and per-event latencies to FILE "
                        "(JSON lines)")
    parser.add_argument("--logs", type=Path, metavar="DIR",
                        help="keep the servers' logs in DIR (default: a temporary directory)")
    parser.add_argument("--web-command", metavar="CMD",
                        help="run the web process as CMD serve --port P instead of "
                        "python -m hub.cli serve (to try a candidate change)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.compression = None if args.compression == "none" else args.compression
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when the targets are met and every event reached every client."""
    args = parse_args(argv)
    if args.serve_bare:
        run_with_loop(bare_server(args.serve_bare, args.redis_url, BARE_CHANNEL))
        return 0
    raise_nofile(args.clients * 2 + 256)
    runs: dict[str, list[Sample]] = {"hub": [], "bare": []}
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hub-bench-live-")))
        redis_url = stack.enter_context(redis_for(args, tmp))
        database_url = stack.enter_context(database_for(args, tmp))
        hub, token = stack.enter_context(prepared_hub(database_url, redis_url, tmp))
        print(f"hub on {hub.describe()}; head {hub.store.head_position()}", flush=True)
        logs = tmp
        if args.logs is not None:
            args.logs.mkdir(parents=True, exist_ok=True)
            logs = args.logs
        ours = HubTarget(hub, database_url, redis_url, token, logs)
        if args.web_command:
            ours.web_command = shlex.split(args.web_command)
            print(f"web process: {args.web_command} serve", flush=True)
        limit = BareTarget(ours, redis_url, logs)
        for repeat in range(args.repeats):
            print(f"run {repeat + 1} of {args.repeats}", flush=True)
            order: list[Target] = [ours, limit] if repeat % 2 == 0 else [limit, ours]
            for target in order:
                profile = args.profile if target is ours and repeat == 0 else None
                sample = measure(target, args, profile)
                runs[target.name].append(sample)
                print(describe_run(sample), flush=True)
                if args.dump is not None:
                    with args.dump.open("a") as handle:
                        handle.write(json.dumps(sample.dump()) + "\n")
        ok = print_table(runs, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
