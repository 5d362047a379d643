"""Benchmark webhook delivery against a plain httpx client posting to the same receiver.

Run ``python bench/webhooks.py --help``; ``--events 200 --repeats 1`` is the quick smoke run.

**The receiver** is a minimal ASGI app under uvicorn in a process of its own on 127.0.0.1: it
reads each POST, notes the time its ``webhook-id`` first arrived, and answers 204. It verifies
nothing, so the figures are for the senders.

**Ours** (the hub) is run as production runs it: a fresh PostgreSQL database migrated by
``hub.migrate.upgrade``, one ``hub dispatcher`` process and 1 or 4 ``hub worker`` processes
(``python -m hub.cli``), all on the same Redis (its database 14, flushed before each run). One
endpoint of one organisation subscribes to ``*`` with no handshake. ``--events`` events are
appended to the log *before* the clock starts, with the dispatcher's checkpoint set past them;
once every process is up the checkpoint is moved back and the dispatcher woken, and the clock
runs until the receiver has every event. So a delivery here is the whole trip: the dispatcher
reads a batch of events (up to 500), publishes them and queues one fan-out job for the batch; a
worker runs the fan-out (reading the endpoints and the organisation's workspaces once, inserting
the batch's message rows in one statement, queueing delivery jobs of up to 100 attempts); then
workers claim the attempts 50 at a time, sign and post each CloudEvent, and record every
attempt. Workers' start-up (imports, connections) is before the clock starts, as in production.

**The limit** is a plain ``httpx.Client`` (keep-alive) posting the very same bodies, with the
same headers, one after another; and, beside it, 4 such clients in 4 processes at once. The
issue's target compares the hub with 4 workers to the one plain client. The receiver is not the
bottleneck of either hub figure as long as the 4-client limit is well above them (it is printed).

Reported, as the median of ``--repeats`` runs, each in a fresh database:

* **deliveries/s**: events delivered per second (ours) or POSTs answered per second (limit);
* **request latency p50/p99**: the HTTP round trip of each *first* attempt as the hub records it
  (``webhook_attempts.latency_ms``, whole milliseconds) and of each POST of the limit, rounded
  the same way so the two compare;
* **release to receipt p50/p99**: from the moment the backlog is released (ours) or the clients
  start (the limit) to the moment the receiver got each event's first attempt. With the whole
  backlog released at once this measures queueing more than the sender.

The load average of the machine is printed at the start and the end: other work on it moves the
figures, ours more than the limit's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.bootstrap import APPENDED_CHANNEL, Hub  # noqa: E402
from hub.events import NewEvent, StreamRef  # noqa: E402
from hub.events.checkpoints import save_checkpoint  # noqa: E402
from hub.migrate import upgrade  # noqa: E402
from hub.settings import Settings, normalise_database_url  # noqa: E402
from hub.webhooks import payloads  # noqa: E402
from hub.webhooks.config import WebhookConfig  # noqa: E402
from hub.webhooks.endpoints import Endpoints, EndpointSpec  # noqa: E402
from hub.webhooks.signing import new_secret  # noqa: E402
from hub.webhooks.tables import attempts_table  # noqa: E402
from schemas.events import directory as ev  # noqa: E402
from workers.dispatcher import CHECKPOINT  # noqa: E402

DATABASE = "bench_webhooks"
ORGANISATION = "bench-partner"
WORKSPACE = "bench-workspace"
PUBLIC_URL = "https://hub.example.org"


# -- the receiver ----------------------------------------------------------------------------


def receiver_app() -> Callable[..., Any]:
    """A raw ASGI receiver: notes first arrivals by webhook-id, answers 204."""
    arrivals: dict[str, float] = {}
    answered = [0]

    async def app(
        scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        if scope["method"] == "POST" and scope["path"] == "/hooks":
            answered[0] += 1
            for name, value in scope["headers"]:
                if name == b"webhook-id":
                    arrivals.setdefault(value.decode(), time.time())
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["path"] == "/reset":
            arrivals.clear()
            answered[0] = 0
        body = json.dumps({"answered": answered[0], "arrivals": arrivals}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


@contextmanager
def receiver_process() -> Iterator[str]:
    """The receiver in a process of its own; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-receiver", str(port)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url + "/stats"), 30, "the receiver did not start")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def stats(url: str) -> dict[str, Any]:
    """The receiver's count of answered POSTs and first arrivals."""
    return dict(httpx.get(url + "/stats", timeout=30).json())


# -- our side: the hub -----------------------------------------------------------------------


@dataclass
class Run:
    """One run's figures."""

    per_second: float
    latency_p50: float
    latency_p99: float
    release_p50: float | None = None
    release_p99: float | None = None


def prepare(server_url: str, redis_url: str, events: int) -> tuple[Hub, str, list[str]]:
    """A fresh database with one endpoint and ``events`` events; returns the event ids."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = server_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    hub = Hub(Settings(database_url=url, redis_url=redis_url))
    upgrade(hub.engine)
    hub.redis.flushdb()
    created = ev.WorkspaceCreated(workspace_id=WORKSPACE, name="Bench",
                                  kind=ev.WorkspaceKind("adhoc"), area_id="bench-area",
                                  members=[ORGANISATION])
    hub.store.append(StreamRef.of("workspace", WORKSPACE), 0, [NewEvent(created, (WORKSPACE,))])
    return hub, url, append_events(hub, events)


def append_events(hub: Hub, count: int, batch: int = 100) -> list[str]:
    """``count`` events visible in the endpoint's workspace, in appends of ``batch``."""
    stream = StreamRef.of("workspace", f"{WORKSPACE}-traffic")
    version, ids = 0, list[str]()
    for start in range(0, count, batch):
        new = [
            NewEvent(ev.WorkspaceMemberAdded(workspace_id=WORKSPACE,
                                             organisation_id=f"bench-member-{n}"), (WORKSPACE,))
            for n in range(start, min(count, start + batch))
        ]
        result = hub.store.append(stream, version, new)
        version = result.version
        ids.extend(e.event_id for e in result.events)
    return ids


def run_ours(server_url: str, redis_url: str, receiver: str, events: int, workers: int,
             logs: Path) -> Run:
    """Deliver ``events`` events with ``workers`` worker processes; the run's figures."""
    hub, url, event_ids = prepare(server_url, redis_url, events)
    os.environ.update(HUB_WEBHOOKS_ALLOW_HTTP="1", HUB_WEBHOOKS_ALLOW_NETWORKS="127.0.0.0/8")
    Endpoints(hub, WebhookConfig.from_env()).add(
        ORGANISATION, "bench", EndpointSpec(receiver + "/hooks", "bench", ["*"], None, False)
    )
    head = hub.store.head_position()
    save_checkpoint(hub.engine, CHECKPOINT, head)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DATABASE_"))}
    env.update(DATABASE_URL=url, REDIS_URL=redis_url, HUB_LOG_LEVEL="WARNING",
               HUB_WEBHOOKS_ALLOW_HTTP="1", HUB_WEBHOOKS_ALLOW_NETWORKS="127.0.0.0/8",
               HUB_PUBLIC_URL=PUBLIC_URL, HUB_DISPATCHER_POLL_SECONDS="0.2")
    processes = [_hub_process(["dispatcher"], env, logs / "dispatcher.log")]
    processes += [_hub_process(["worker"], env, logs / f"worker{n}.log") for n in range(workers)]
    try:
        from rq import Worker

        wait_for(lambda: len(Worker.all(queue=hub.queue)) >= workers, 60, "workers did not start")
        httpx.post(receiver + "/reset", timeout=10)
        released = time.time()
        save_checkpoint(hub.engine, CHECKPOINT, head - events)
        hub.redis.publish(APPENDED_CHANNEL, str(head))
        wait_for(lambda: len(stats(receiver)["arrivals"]) >= events, 600, "deliveries stalled",
                 every=0.2)
        arrivals = stats(receiver)["arrivals"]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    missing = set(event_ids) - set(arrivals)
    if missing:
        raise SystemExit(f"{len(missing)} events were never delivered")
    with hub.engine.connect() as conn:
        latencies = [
            float(ms) for ms in conn.execute(
                select(attempts_table.c.latency_ms).where(attempts_table.c.number == 1)
            ).scalars()
        ]
    hub.close()
    times = sorted(arrivals[e] - released for e in event_ids)
    return Run(events / times[-1], percentile(latencies, 50), percentile(latencies, 99),
               percentile([t * 1000 for t in times], 50), percentile([t * 1000 for t in times], 99))


def _hub_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "hub.cli", *args], cwd=ROOT, env=env,
                            stdout=handle, stderr=handle)


# -- the limit: a plain httpx client ---------------------------------------------------------


def bodies(hub: Hub, count: int) -> list[bytes]:
    """The bodies the hub sends for the first ``count`` traffic events."""
    return [payloads.event_body(e, hub.cursors, PUBLIC_URL) for e in hub.store.read_all(1, count)]


def post_all(receiver: str, chunk: list[bytes]) -> list[float]:
    """POST each body in turn on one keep-alive client; each round trip in milliseconds."""
    secret, latencies = new_secret(), []
    with httpx.Client(timeout=10) as client:
        for n, body in enumerate(chunk):
            message_id = f"limit-{os.getpid()}-{n}"
            headers = payloads.headers(message_id, int(time.time()), body, [secret], "bench")
            started = time.monotonic()
            answer = client.post(receiver + "/hooks", content=body, headers=headers)
            latencies.append((time.monotonic() - started) * 1000)
            answer.raise_for_status()
    return latencies


def run_limit(receiver: str, all_bodies: list[bytes], clients: int) -> Run:
    """``clients`` plain clients (processes) posting the bodies between them."""
    chunks = [all_bodies[n::clients] for n in range(clients)]
    httpx.post(receiver + "/reset", timeout=10)
    released, started = time.time(), time.monotonic()
    if clients == 1:
        results = [post_all(receiver, chunks[0])]
    else:
        with multiprocessing.get_context("fork").Pool(clients) as pool:
            results = pool.starmap(post_all, [(receiver, c) for c in chunks])
    elapsed = time.monotonic() - started
    # Whole milliseconds, as the hub records its own (webhook_attempts.latency_ms).
    latencies = [float(round(ms)) for result in results for ms in result]
    times = [(t - released) * 1000 for t in stats(receiver)["arrivals"].values()]
    return Run(len(all_bodies) / elapsed, percentile(latencies, 50), percentile(latencies, 99),
               percentile(times, 50), percentile(times, 99))


# -- running and reporting -------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def median_run(runs: list[Run]) -> Run:
    """Each figure's median over the runs."""
    def med(name: str) -> float | None:
        values = [getattr(r, name) for r in runs if getattr(r, name) is not None]
        return statistics.median(values) if values else None

    return Run(med("per_second") or 0.0, med("latency_p50") or 0.0, med("latency_p99") or 0.0,
               med("release_p50"), med("release_p99"))


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, failure: str, every: float = 0.1) -> None:
    """Poll ``check`` until it holds, or stop the run with ``failure``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(failure)
        time.sleep(every)


def main() -> int:
    """Parse the options, run every measure ``--repeats`` times, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,4", help="worker counts, comma-separated")
    parser.add_argument("--postgres-url", default=os.environ.get("HUB_TEST_DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("HUB_TEST_REDIS_URL", ""))
    parser.add_argument("--serve-receiver", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_receiver:
        import uvicorn

        uvicorn.run(receiver_app(), host="127.0.0.1", port=args.serve_receiver,
                    log_level="warning", access_log=False)
        return 0
    if not args.postgres_url or not args.redis_url:
        parser.error("set --postgres-url and --redis-url (or HUB_TEST_DATABASE_URL/REDIS_URL)")
    server_url = normalise_database_url(args.postgres_url)
    redis_url = args.redis_url.rsplit("/", 1)[0] + "/14"
    redis.Redis.from_url(redis_url).ping()
    counts = [int(n) for n in args.workers.split(",")]
    logs = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-webhooks"
    logs.mkdir(exist_ok=True)
    ours: dict[int, list[Run]] = {n: [] for n in counts}
    limits: dict[int, list[Run]] = {n: [] for n in counts}
    load_before = os.getloadavg()
    with receiver_process() as receiver:
        for repeat in range(args.repeats):
            for workers in counts:
                run = run_ours(server_url, redis_url, receiver, args.events, workers, logs)
                ours[workers].append(run)
                print(f"run {repeat + 1}: ours, {workers} worker(s): {run.per_second:,.0f}/s",
                      file=sys.stderr)
            hub = Hub(Settings(database_url=server_url.rsplit("/", 1)[0] + f"/{DATABASE}"))
            all_bodies = bodies(hub, args.events)
            hub.close()
            for clients in counts:
                run = run_limit(receiver, all_bodies, clients)
                limits[clients].append(run)
                print(f"run {repeat + 1}: limit, {clients} client(s): {run.per_second:,.0f}/s",
                      file=sys.stderr)
    _report(args.events, args.repeats, ours, limits, (load_before, os.getloadavg()))
    return 0


TARGET = 0.5
"""Issue 8: the hub with 4 workers delivers at least half as fast as one plain client."""


def _report(events: int, repeats: int, ours: dict[int, list[Run]],
            limits: dict[int, list[Run]], load: tuple[tuple[float, ...], ...]) -> None:
    print(f"\nWebhook delivery, {events:,} events, median of {repeats} run(s), "
          f"{os.cpu_count()} CPUs, load average {load[0][0]:.1f} at the start and "
          f"{load[1][0]:.1f} at the end\n")
    print(f"{'sender':28} {'deliveries/s':>12} {'req p50 ms':>10} {'req p99 ms':>10} "
          f"{'release p50 ms':>14} {'release p99 ms':>14}  every run (deliveries/s)")
    for label, runs in [*((f"hub, {n} worker(s)", ours[n]) for n in ours),
                        *((f"plain httpx, {n} client(s)", limits[n]) for n in limits)]:
        m = median_run(runs)
        release = (f"{m.release_p50:14,.0f} {m.release_p99:14,.0f}"
                   if m.release_p50 is not None else f"{'-':>14} {'-':>14}")
        every = ", ".join(f"{r.per_second:,.0f}" for r in runs)
        print(f"{label:28} {m.per_second:12,.0f} {m.latency_p50:10.0f} {m.latency_p99:10.0f} "
              f"{release}  {every}")
    print()
    single = median_run(limits[min(limits)])
    for n in ours:
        m, limit = median_run(ours[n]), median_run(limits.get(n, limits[min(limits)]))
        print(f"hub with {n} worker(s): {m.per_second / single.per_second:.0%} of the limit "
              f"(one plain client); {m.per_second / limit.per_second:.0%} of {n} plain "
              "client(s)")
    if 4 in ours and 1 in limits:
        ratio = median_run(ours[4]).per_second / median_run(limits[1]).per_second
        print(f"target (issue 8): hub with 4 workers >= {TARGET:.0%} of one plain client: "
              f"{ratio:.0%}, {'met' if ratio >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
