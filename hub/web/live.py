"""Live workspaces over websockets: the backlog from the database, then live events from Redis.

Protocol (JSON text frames), documented in the README:

- the client connects to ``/live`` with its session cookie, or an ``Authorization: Bearer``
  API token, and sends ``{"type": "subscribe", "workspaces": [...], "after": N}`` where ``N``
  is the last position it saw (0 for everything);
- the server answers ``{"type": "subscribed", ...}``, then sends every event visible in those
  workspaces after ``N`` as ``{"type": "event", "position": N, "event": {...}}``, in order,
  once each, and ``{"type": "heartbeat"}`` on a timer;
- close codes: 4400 bad subscribe message, 4401 not signed in, 4403 a workspace the caller
  may not see, 4408 the client fell behind (it should reconnect with its last position).

No gap, no duplicate: a connection registers with the process's :class:`LiveBroker` (which
is always subscribed to Redis) *before* reading the backlog, buffers live events meanwhile,
and drops any event at or below the last position it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from hub.access.actors import visible_workspaces
from hub.bootstrap import Hub, workspace_channel
from hub.web.auth import caller, hub_of
from hub.web.describe import OrganisationNames, describe

log = logging.getLogger("hub.live")

CLOSE_BAD_MESSAGE = 4400
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
CHANNEL_PREFIX = workspace_channel("")


class TooSlow(Exception):
    """The connection's send queue overflowed: the client is not keeping up."""


@dataclass(eq=False)
class Subscriber:
    """One connection's share of the broker: its workspaces and its bounded queue."""

    workspaces: frozenset[str]
    limit: int
    queue: asyncio.Queue[dict[str, Any]] = field(init=False)
    overflowed: bool = False

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.limit)

    def offer(self, message: dict[str, Any]) -> None:
        """Queue a live event without waiting; mark the subscriber too slow when full."""
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed = True


class LiveBroker:
    """One Redis subscription per web process, fanned out to its local connections."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.by_workspace: dict[str, set[Subscriber]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Subscribe to every workspace channel and start routing messages."""
        self._task = asyncio.create_task(self._run(), name="live-broker")
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def stop(self) -> None:
        """Stop routing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def register(self, workspaces: Collection[str], limit: int) -> Subscriber:
        """A new subscriber for ``workspaces``; live events queue for it from now on."""
        subscriber = Subscriber(frozenset(workspaces), limit)
        for workspace in subscriber.workspaces:
            self.by_workspace[workspace].add(subscriber)
        return subscriber

    def unregister(self, subscriber: Subscriber) -> None:
        """Forget a subscriber."""
        for workspace in subscriber.workspaces:
            subscribers = self.by_workspace.get(workspace)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self.by_workspace[workspace]

    async def _run(self) -> None:
        while True:
            client = self.hub.async_redis()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                self._ready.set()
                async for message in pubsub.listen():
                    if message.get("type") == "pmessage":
                        self._route(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Connections resume from their last position, so a lost message is re-read
                # from the database by the client's reconnect; say so and try again.
                log.warning("event=live_broker_reconnecting error=%r", error)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()

    def _route(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        subscribers = self.by_workspace.get(name[len(CHANNEL_PREFIX):])
        if not subscribers:
            return
        message = json.loads(data)
        for subscriber in list(subscribers):
            subscriber.offer(message)


class BadSubscribe(ValueError):
    """The first message was not a valid subscribe request."""


def parse_subscribe(text: str) -> tuple[list[str], int]:
    """The workspaces and position of a subscribe message; :class:`BadSubscribe` otherwise."""
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        raise BadSubscribe("the message is not JSON") from None
    if not isinstance(message, dict) or message.get("type") != "subscribe":
        raise BadSubscribe('send {"type": "subscribe", "workspaces": [...], "after": N} first')
    workspaces, after = message.get("workspaces"), message.get("after", 0)
    if not isinstance(workspaces, list) or not workspaces or not all(
        isinstance(w, str) for w in workspaces
    ):
        raise BadSubscribe("workspaces must be a non-empty list of workspace ids")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise BadSubscribe("after must be a position (a whole number, 0 or more)")
    return workspaces, after


def _same_origin(websocket: WebSocket) -> bool:
    # A cookie-authenticated socket must come from our own pages (no cross-site hijacking).
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlparse(origin).netloc == websocket.headers.get("host")


async def live(websocket: WebSocket) -> None:
    """The ``/live`` websocket endpoint."""
    hub = hub_of(websocket)
    found = caller(websocket)
    await websocket.accept()
    if found is None or (not found.via_token and not _same_origin(websocket)):
        await websocket.close(CLOSE_NOT_SIGNED_IN, "sign in, or send an API token")
        return
    try:
        text = await asyncio.wait_for(websocket.receive_text(), timeout=30)
        workspaces, after = parse_subscribe(text)
    except (BadSubscribe, TimeoutError) as error:
        await websocket.close(CLOSE_BAD_MESSAGE, str(error) or "no subscribe message")
        return
    except WebSocketDisconnect:
        return
    allowed = await asyncio.to_thread(visible_workspaces, hub.engine, found.actor)
    refused = sorted(set(workspaces) - allowed)
    if refused:
        # The same answer whether the workspace exists or not: existence does not leak.
        await websocket.close(CLOSE_FORBIDDEN, f"not permitted: {', '.join(refused)}"[:120])
        return
    broker: LiveBroker = websocket.app.state.live_broker
    subscriber = broker.register(workspaces, hub.settings.live_queue_limit)
    try:
        await _serve(websocket, hub, subscriber, after)
    except TooSlow:
        log.info("event=live_client_too_slow user=%s", found.actor.user_id)
        with contextlib.suppress(Exception):
            await websocket.close(CLOSE_TOO_SLOW, "too slow: reconnect from your last position")
    except WebSocketDisconnect:
        pass
    finally:
        broker.unregister(subscriber)


async def _serve(websocket: WebSocket, hub: Hub, subscriber: Subscriber, after: int) -> None:
    timeout = hub.settings.live_send_timeout_seconds
    names: OrganisationNames = websocket.app.state.organisation_names

    async def send(message: dict[str, Any]) -> None:
        # A client that stops reading blocks the send once the socket's buffers fill: after
        # the timeout it is cut off rather than left holding memory.
        try:
            await asyncio.wait_for(websocket.send_json(message), timeout)
        except TimeoutError:
            raise TooSlow from None

    head = await asyncio.to_thread(hub.store.head_position)
    await send({"type": "subscribed", "workspaces": sorted(subscriber.workspaces), "head": head})
    last = after
    while True:
        page = await asyncio.to_thread(
            hub.store.read_all, last, hub.settings.event_page_limit,
            workspaces=subscriber.workspaces,
        )
        for event in page:
            await send(_event_message(event.envelope(), names))
            last = event.position
        if len(page) < hub.settings.event_page_limit:
            break
    watcher = asyncio.create_task(_watch_for_close(websocket))
    getter: asyncio.Future[dict[str, Any]] | None = None
    try:
        while True:
            if subscriber.overflowed:
                raise TooSlow
            getter = getter or asyncio.ensure_future(subscriber.queue.get())
            done, _ = await asyncio.wait(
                {getter, watcher}, timeout=hub.settings.live_heartbeat_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if watcher in done:
                return
            if getter not in done:
                await send({"type": "heartbeat", "position": last})
                continue
            message, getter = getter.result(), None
            if message["position"] <= last:
                continue  # already sent from the backlog, or a dispatcher repeat
            await send(_event_message(message, names))
            last = message["position"]
    finally:
        watcher.cancel()
        if getter is not None:
            getter.cancel()


def _event_message(envelope: dict[str, Any], names: OrganisationNames) -> dict[str, Any]:
    return {
        "type": "event", "position": envelope["position"], "event": envelope,
        "summary": describe(envelope, names),
    }


async def _watch_for_close(websocket: WebSocket) -> None:
    # Reading is how a server learns the client went away; clients send nothing after
    # subscribing, so any message simply keeps the connection alive.
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


ROUTES = [WebSocketRoute("/live", live)]
