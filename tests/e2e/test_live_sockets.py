"""Live sockets against real server processes, with the `websockets` client library."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from hub.bootstrap import Hub
from hub.events import NewEvent, StreamRef
from hub.web.auth import SESSION_COOKIE
from schemas.events import directory as ev
from tests.e2e.live_server import CURSORS, LiveServer, append_members, serve
from tests.welsh import WELSH, write_welsh

WORKSPACE = "csp-safer-leicester"


@pytest.fixture
def server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    yield from serve(
        demo_hub, demo_database_url, redis_url, tmp_path,
        HUB_LIVE_QUEUE_LIMIT="20", HUB_LIVE_SEND_TIMEOUT_SECONDS="2",
        HUB_LIVE_HEARTBEAT_SECONDS="1",
    )


@contextlib.contextmanager
def _open(server: LiveServer, token: str | None, **options: Any) -> Iterator[ClientConnection]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    socket = connect(server.ws_url(), additional_headers=headers, open_timeout=10, **options)
    socket.__enter__()
    try:
        yield socket
    finally:
        # Closing a socket the server already closed with an error code re-raises that code.
        with contextlib.suppress(ConnectionClosed):
            socket.__exit__(None, None, None)


def _subscribe(socket: ClientConnection, after: int, *workspaces: str) -> dict[str, Any]:
    """Subscribe after position ``after`` (sent as its cursor); the ``subscribed`` answer."""
    socket.send(json.dumps({"type": "subscribe", "workspaces": list(workspaces or [WORKSPACE]),
                            "after": CURSORS.of(after)}))
    answer = json.loads(socket.recv(timeout=10))
    assert answer["type"] == "subscribed", answer
    return answer


def _positions(frames: list[dict[str, Any]]) -> list[int]:
    """The log positions inside the frames' cursors (which only the hub's key opens)."""
    return [CURSORS.position(frame["position"]) for frame in frames]


def _events(socket: ClientConnection, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == "event":
            received.append(message)
    return received


def _close_code(socket: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=30)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_a_socket_without_credentials_is_refused(server: LiveServer) -> None:
    with _open(server, None) as socket:
        assert _close_code(socket) == 4401


def test_a_revoked_or_made_up_token_is_refused(server: LiveServer) -> None:
    with _open(server, "hub_made-up") as socket:
        assert _close_code(socket) == 4401


def test_a_workspace_the_caller_may_not_see_is_refused(server: LiveServer) -> None:
    token = server.token("carmarthenshire-council")
    for workspace in (WORKSPACE, "no-such-workspace"):
        with _open(server, token) as socket:
            socket.send(json.dumps({"type": "subscribe", "workspaces": [workspace]}))
            assert _close_code(socket) == 4403


def test_a_malformed_subscribe_is_refused(server: LiveServer) -> None:
    with _open(server, server.token("leicester-city-council")) as socket:
        socket.send("hello")
        assert _close_code(socket) == 4400


def _close(socket: ClientConnection) -> tuple[int | None, str]:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=30)
    received = closed.value.rcvd
    return (received.code, received.reason) if received else (None, "")


@pytest.mark.parametrize("frame", [
    json.dumps({"type": "subscribe", "workspaces": [WORKSPACE], "after": 2**63}),
    json.dumps({"type": "subscribe", "workspaces": [WORKSPACE], "after": 10**400}),
    # A raw position: accepted, it would let a caller find where its own cursors lie.
    json.dumps({"type": "subscribe", "workspaces": [WORKSPACE], "after": 5}),
    json.dumps({"type": "subscribe", "workspaces": [WORKSPACE], "after": "5"}),
    json.dumps({"type": "subscribe", "workspaces": [WORKSPACE], "after": "AAAAAAAAAAAAAAAAAAAAAA"}),
    b'{"type": "subscribe", "workspaces": ["csp-safer-leicester"], "after": 0}',
    b"\xff\x00",
])
def test_a_bad_frame_is_closed_with_a_code_and_reason_and_logs_no_exception(
    server: LiveServer, frame: str | bytes
) -> None:
    with _open(server, server.token("leicester-city-council")) as socket:
        socket.send(frame)
        code, reason = _close(socket)
    assert code == 4400 and reason
    # A good socket after it is served as usual: the process did not fall over.
    with _open(server, server.token("leicester-city-council")) as socket:
        _subscribe(socket, 0)
    log = (server.logs / "web0.log").read_text()
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]


def test_the_subscribed_head_does_not_count_another_areas_events(server: LiveServer) -> None:
    token = server.token("leicester-city-council")
    with _open(server, token) as socket:
        before = _subscribe(socket, 0)["head"]
    append_members(server.hub, "area-dyfed-powys", 3, area_workspace="area-dyfed-powys")
    with _open(server, token) as socket:
        assert _subscribe(socket, 0)["head"] == before
    added = append_members(server.hub, WORKSPACE, 1)
    with _open(server, token) as socket:
        assert _subscribe(socket, 0)["head"] == CURSORS.of(added[-1])


def test_live_events_arrive_and_a_reconnect_resumes_without_gap_or_duplicate(
    server: LiveServer,
) -> None:
    token = server.token("leicester-city-council")
    head = server.hub.store.head_position([WORKSPACE])
    with _open(server, token) as socket:
        assert _subscribe(socket, head)["head"] == CURSORS.of(head)
        first = append_members(server.hub, WORKSPACE, 5)
        got = _events(socket, 5)
        assert _positions(got) == first
        assert all(e["event"]["type"] == "workspace.member_added" for e in got)
    missed = append_members(server.hub, WORKSPACE, 7)
    with _open(server, token) as socket:
        _subscribe(socket, first[-1])
        resumed = _events(socket, 7)
        later = append_members(server.hub, WORKSPACE, 3)
        resumed += _events(socket, 3)
        assert _positions(resumed) == missed + later
        # Nothing else arrives: no duplicates from the switch between backlog and live.
        time.sleep(1.5)
        extra = []
        try:
            while True:
                message = json.loads(socket.recv(timeout=0.5))
                if message["type"] == "event":
                    extra.append(message)
        except TimeoutError:
            pass
        assert extra == []


def test_an_idle_socket_gets_heartbeats_carrying_the_last_position(server: LiveServer) -> None:
    head = server.hub.store.head_position()
    with _open(server, server.token("leicester-city-council")) as socket:
        _subscribe(socket, head)
        started = time.monotonic()
        beats = [json.loads(socket.recv(timeout=5)) for _ in range(2)]
        # One a second (the fixture's setting), give or take the ticker's quarter period.
        assert time.monotonic() - started < 4
    assert beats == [{"type": "heartbeat", "position": CURSORS.of(head)}] * 2


def test_a_backlog_from_zero_holds_only_the_subscribed_workspaces_events(
    server: LiveServer,
) -> None:
    expected = [e.position for e in server.hub.store.read_all(0, 500, workspaces=[WORKSPACE])]
    with _open(server, server.token("leicester-city-council")) as socket:
        _subscribe(socket, 0)
        got = _events(socket, len(expected))
    assert _positions(got) == expected
    assert all(e["event"]["position"] == e["position"] for e in got)
    assert all(WORKSPACE in e["event"]["workspaces"] for e in got)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_a_slow_consumer_is_closed_with_4408_and_server_memory_stays_bounded(
    server: LiveServer,
) -> None:
    web = server.processes[1]
    token = server.token("leicester-city-council")
    # max_queue=1 and a tiny read buffer: the client stops reading almost at once.
    with _open(server, token, max_queue=1, max_size=2**20) as socket:
        _subscribe(socket, server.hub.store.head_position())
        before = _rss_kib(web.pid)
        append_members(server.hub, WORKSPACE, 4000, batch=200)
        time.sleep(6)  # the send timeout (2 s) passes while the client reads nothing
        after = _rss_kib(web.pid)
        assert _close_code(socket) == 4408
    # 4,000 events of ~600 bytes is ~2.4 MB; a server that buffered them per client would
    # grow by at least that much. Bounded: the queue limit (20) plus socket buffers.
    assert after - before < 2048, f"web process grew by {after - before} KiB"


@pytest.fixture
def welsh_server(
    demo_hub: Hub, demo_database_url: str, redis_url: str, clean_redis: redis.Redis,
    tmp_path: Path,
) -> Iterator[LiveServer]:
    """A server reading the test Welsh catalogue (``HUB_LOCALE_DIR``)."""
    locale_dir = tmp_path / "locale"
    write_welsh(locale_dir)
    yield from serve(demo_hub, demo_database_url, redis_url, tmp_path,
                     HUB_LOCALE_DIR=str(locale_dir))


# One backend: what is tested here is the socket's language, chosen in the web process; a
# person's stored language is read on both in tests/integration/test_languages.py.
@pytest.mark.parametrize("demo_database_url", ["sqlite"], indirect=True)
def test_each_socket_reads_the_activity_in_its_readers_language(
    welsh_server: LiveServer,
) -> None:
    server, hub = welsh_server, welsh_server.hub
    token = server.token("leicester-city-council")
    city = hub.accounts.user_by_email("city@leicester.example.org")
    hub.accounts.set_locale(city.user_id, "cy")
    session = hub.accounts.start_session(city.user_id)
    before = hub.store.head_position([WORKSPACE])
    readers = {
        # An API token's socket follows its handshake's Accept-Language.
        "token, Welsh browser": {"Authorization": f"Bearer {token}", "Accept-Language": "cy"},
        "token, English browser": {"Authorization": f"Bearer {token}"},
        # A person's socket follows the language they chose, over their browser's.
        "person who chose Welsh": {"Cookie": f"{SESSION_COOKIE}={session}",
                                   "Accept-Language": "en-GB,en"},
    }
    sockets = {name: connect(server.ws_url(), additional_headers=headers, open_timeout=10)
               for name, headers in readers.items()}
    try:
        for socket in sockets.values():
            _subscribe(socket, before)
        stream = StreamRef.of("workspace", WORKSPACE)
        hub.store.append(stream, hub.store.stream_version(stream.id), [NewEvent(
            ev.WorkspaceMemberAdded(workspace_id=WORKSPACE,
                                    organisation_id="rutland-county-council"),
            (WORKSPACE,),
        )])
        frames = {name: _events(socket, 1)[0] for name, socket in sockets.items()}
    finally:
        for socket in sockets.values():
            socket.close()
    joined = "%(organisation)s joined the workspace “%(subject)s”"
    words = {"organisation": "Rutland County Council", "subject": "Safer Leicester Partnership"}
    assert frames["token, Welsh browser"]["summary"] == WELSH[joined] % words
    assert frames["person who chose Welsh"]["summary"] == WELSH[joined] % words
    assert frames["token, English browser"]["summary"] == joined % words
    # Everything but the summary is the same frame in every language.
    assert len({json.dumps({**f, "summary": ""}, sort_keys=True) for f in frames.values()}) == 1

    # From the backlog too: a Welsh reader reconnecting from before the event.
    with connect(server.ws_url(), open_timeout=10, additional_headers={
        "Authorization": f"Bearer {token}", "Accept-Language": "cy",
    }) as socket:
        _subscribe(socket, before)
        [again] = _events(socket, 1)
    assert again["summary"] == WELSH[joined] % words
