"""The hub's real processes: embedded serve, production refusal, dispatcher crash, worker."""

from __future__ import annotations

import json
import random
import re
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import redis
from rq.job import Job

from hub.bootstrap import Hub, workspace_channel
from hub.events import NewEvent, StreamRef
from hub.migrate import upgrade
from hub.settings import Settings
from schemas.events import directory as ev
from schemas.events import mergers
from tests.e2e.processes import HUB, ROOT, free_port, hub_env, start, stop, wait_http


def serve_embedded_until_ready(tmp_path: Path, log: Path) -> int:
    """Run ``hub serve --demo`` in embedded mode until it is ready and caught up, then stop
    it; the port it listened on."""
    port = free_port()
    env = hub_env(HUB_DATA_DIR=str(tmp_path / "var"), HUB_PORT=str(port))
    process = start(["serve", "--demo"], env, log)
    try:
        assert wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60).json() == {"status": "ok"}
        deadline = time.monotonic() + 30
        while True:
            ready = wait_http(f"http://127.0.0.1:{port}/readyz").json()
            if ready.get("dispatcher_lag") == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert ready == {
            "database": "ok", "dispatcher_lag": 0, "redis": "ok", "status": "ready",
        }
    finally:
        # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal it caught.
        assert stop(process) in (0, -15)
    return port


def test_embedded_serve_migrates_loads_the_demo_and_reports_ready(tmp_path: Path) -> None:
    port = serve_embedded_until_ready(tmp_path, tmp_path / "serve.log")
    output = (tmp_path / "serve.log").read_text()
    assert f"listening on http://127.0.0.1:{port}/" in output
    assert "embedded" in output and "sqlite" in output
    assert (tmp_path / "var" / "hub.sqlite3").exists()

    # Restarted, embedded mode has an empty Redis stand-in: its worker re-arms the demo's
    # scheduled jobs from the database as it starts.
    serve_embedded_until_ready(tmp_path, tmp_path / "restart.log")
    resumed = dict(re.findall(r"event=resumed reaction=(\S+) scheduled=(\d+)",
                              (tmp_path / "restart.log").read_text()))
    schedules = ("workers.reports.resume_deadlines", "workers.meetings.resume_meetings",
                 "workers.mergers.resume_mergers", "workers.duties.resume_reviews")
    assert all(int(resumed.get(name, 0)) > 0 for name in schedules), resumed


def test_production_processes_refuse_an_unmigrated_database(
    postgres_schema_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = hub_env(DATABASE_URL=postgres_schema_url, REDIS_URL=redis_url)
    for args in (["worker", "--burst"], ["dispatcher"], ["projections", "rebuild"]):
        done = subprocess.run([*HUB, *args], cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert b"run `hub migrate`" in done.stderr

    port = free_port()
    web = start(["serve", "--port", str(port)], env, tmp_path / "web.log")
    assert web.wait(timeout=60) != 0
    assert "run `hub migrate`" in (tmp_path / "web.log").read_text()


def test_a_killed_dispatcher_restarts_from_its_checkpoint_and_loses_nothing(
    postgres_schema_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> None:
    hub = Hub(Settings(database_url=postgres_schema_url, redis_url=redis_url))
    upgrade(hub.engine)
    env = hub_env(
        DATABASE_URL=postgres_schema_url, REDIS_URL=redis_url,
        HUB_DISPATCHER_LEASE_SECONDS="1", HUB_DISPATCHER_BATCH="7", HUB_LOG_LEVEL="WARNING",
    )
    received: list[str] = []
    pubsub = clean_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(workspace_channel("crash-test"))
    listening = threading.Event()

    def listen() -> None:
        while not listening.is_set() or pubsub.get_message(timeout=0.5) is not None:
            message = pubsub.get_message(timeout=0.1)
            if message is not None:
                received.append(json.loads(message["data"])["id"])

    appended: list[str] = []

    def write(count: int) -> None:
        for _ in range(count):
            workspace = f"w{len(appended)}"
            created = ev.WorkspaceCreated(
                workspace_id=workspace, name="W", kind="adhoc", area_id="leicestershire"
            )
            result = hub.store.append(
                StreamRef.of("workspace", workspace), 0, [NewEvent(created, ("crash-test",))]
            )
            appended.append(result.events[0].event_id)

    listener = threading.Thread(target=listen)
    listener.start()
    rng = random.Random(20261124)
    try:
        for _round in range(4):
            dispatcher = start(["dispatcher"], env, tmp_path / "dispatcher.log")
            writer = threading.Thread(target=write, args=(60,))
            writer.start()
            time.sleep(rng.uniform(0.2, 0.8))
            dispatcher.kill()  # SIGKILL: no clean-up, no final checkpoint
            dispatcher.wait()
            writer.join()
        dispatcher = start(["dispatcher"], env, tmp_path / "dispatcher.log")
        deadline = time.monotonic() + 60
        while set(appended) - set(received) and time.monotonic() < deadline:
            time.sleep(0.2)
        stop(dispatcher)
    finally:
        listening.set()
        listener.join(timeout=10)
        pubsub.close()
        hub.close()
    missing = set(appended) - set(received)
    assert not missing, f"{len(missing)} of {len(appended)} events never published"
    assert len(appended) == 240
    # De-duplicating by event id, as a consumer would, leaves each event exactly once in order.
    deduplicated = list(dict.fromkeys(received))
    assert deduplicated == appended


def test_a_worker_process_runs_the_jobs_of_every_dispatched_batch(
    postgres_schema_url: str, redis_url: str, clean_redis: redis.Redis
) -> None:
    from workers.dispatcher import Dispatcher

    hub = Hub(Settings(database_url=postgres_schema_url, redis_url=redis_url))
    upgrade(hub.engine)
    created = ev.WorkspaceCreated(
        workspace_id="jobbed", name="W", kind="adhoc", area_id="leicestershire"
    )
    [event] = hub.store.append(StreamRef.of("workspace", "jobbed"), 0, [NewEvent(created)]).events
    made = mergers.MergerMade(merger_id="jobbed", revision=1, made_on=date(2026, 1, 5),
                              effective_date=date(2026, 4, 1))
    [merger] = hub.store.append(StreamRef.of("merger", "jobbed"), 0, [NewEvent(made)]).events
    assert Dispatcher(hub).run_once() == 2
    env = hub_env(DATABASE_URL=postgres_schema_url, REDIS_URL=redis_url)
    done = subprocess.run(
        [*HUB, "worker", "--burst"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    batch = Job.fetch(f"events-{event.position - 1}-{merger.position}", connection=clean_redis)
    assert batch.get_status() == "finished"
    assert batch.return_value() == 2  # the webhook fan-out saw both events of the batch
    own = Job.fetch(f"event-{merger.event_id}", connection=clean_redis)
    assert own.get_status() == "finished"
    # merger.made's own reactions: its effective date scheduled, and its mail (none here: the
    # read models hold no such merger, so there is nothing to tell anyone).
    assert own.return_value() == 2
    hub.close()


def test_a_worker_process_stops_on_sigterm_within_seconds(
    postgres_schema_url: str, redis_url: str, clean_redis: redis.Redis, tmp_path: Path
) -> None:
    # Issue 17: with redis-py 8.2, RQ's teardown could wait a minute on its command channel.
    hub = Hub(Settings(database_url=postgres_schema_url, redis_url=redis_url))
    upgrade(hub.engine)
    hub.close()
    env = hub_env(DATABASE_URL=postgres_schema_url, REDIS_URL=redis_url)
    log = tmp_path / "worker.log"
    process = start(["worker"], env, log)
    try:
        deadline = time.monotonic() + 30
        # RQ registers a worker once it is listening, and its command channel is open by then.
        while not clean_redis.smembers("rq:workers") and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        assert clean_redis.smembers("rq:workers"), log.read_text()
        time.sleep(1)  # into the idle wait for jobs
        stopping = time.monotonic()
        process.terminate()
        process.wait(timeout=20)
        took = time.monotonic() - stopping
    finally:
        stop(process)
    assert process.returncode == 0, log.read_text()
    assert took < 10, f"the worker took {took:.1f} s to stop"
    assert not clean_redis.smembers("rq:workers")  # it said goodbye to RQ
