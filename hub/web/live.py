"""Live workspaces over websockets: the backlog from the database, then live events from Redis.

Protocol (JSON text frames), documented in the README:

- the client connects to ``/live`` with its session cookie, or an ``Authorization: Bearer``
  API token, and sends ``{"type": "subscribe", "workspaces": [...], "after": N}`` where ``N``
  is the last position it saw (0 for everything);
- the server answers ``{"type": "subscribed", ...}``, then sends every event visible in those
  workspaces after ``N`` as ``{"type": "event", "position": N, "event": {...}}``, in order,
  once each, and ``{"type": "heartbeat"}`` on a timer;
- every position on the socket is an opaque cursor (:mod:`hub.events.cursors`): inside the
  hub the log's global positions order and de-duplicate events, but a client sees only
  cursors, which tell it nothing of other areas' events;
- close codes: 4400 bad subscribe message, 4401 not signed in, 4403 a workspace the caller
  may not see, 4408 the client fell behind, 1013 the database could not be read (for both:
  reconnect with the last position).

Revocation is immediate: when a credential stops working (a token revoked, a session ended, a
user disabled) the hub publishes the actor on Redis (``REVOKED_CHANNEL``), and when an
organisation leaves a workspace its ``workspace.member_removed`` event comes through the
workspace's channel. Every web process's broker then checks its affected sockets' credentials
and workspaces again, off the event loop, and closes those that lost them (4401 or 4403).

No gap, no duplicate: a connection registers with the process's :class:`LiveBroker` (which
is always subscribed to Redis) *before* reading the backlog, buffers live events meanwhile,
and drops any event at or below the last position it sent. Whenever the broker (re)subscribes,
after Redis went away or restarted, every connection reads the database again from the last
position it sent before taking live events: whatever was published while the process was not
subscribed reaches it that way, and nothing is sent twice.

The cost of a connection is kept to what fanning out needs, since one web process holds
thousands: the broker turns each Redis message into its text frame once per language among
its connections (the frame's ``summary`` is a sentence in the reader's language, see
:mod:`hub.web.describe`), not once per connection; each connection owns a bounded deque of
frames, a sending task and a reading task; and one ticker per process, not a timer per
connection, sends heartbeats and cuts off sends that block too long.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict, deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from hub.access.actors import visible_workspaces
from hub.bootstrap import REVOKED_CHANNEL, Hub, workspace_channel
from hub.events.cursors import BadCursor, Cursors
from hub.i18n import DEFAULT_LOCALE, using_locale
from hub.outages import Outage, dependency_down
from hub.redis_clients import Subscription
from hub.web.auth import Credentials, caller, credentials, hub_of, resolve
from hub.web.describe import OrganisationNames, describe

log = logging.getLogger("hub.live")

CLOSE_BAD_MESSAGE = 4400
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_TRY_AGAIN = 1013
CHANNEL_PREFIX = workspace_channel("")


# Events after which the organisation they name may no longer see a workspace.
MEMBERSHIP_ENDED = frozenset({"workspace.member_removed"})


class TooSlow(Exception):
    """The connection's send queue overflowed, or a send blocked too long."""


class Closing(Exception):
    """The connection is to be closed with this code and reason: its credentials or some of
    its workspaces are no longer the caller's, or it fell behind."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Access:
    """Who a connection serves, and the credentials to check again when access changes."""

    actor_id: str
    organisation_id: str | None
    credentials: Credentials


def event_frame(envelope: dict[str, Any], names: OrganisationNames, cursors: Cursors) -> str:
    """The text frame carrying one event to a live socket (compact JSON, position first),
    its ``summary`` in the current locale."""
    cursor = cursors.of(envelope["position"])
    message = {
        "type": "event", "position": cursor, "event": {**envelope, "position": cursor},
        "summary": describe(envelope, names),
    }
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


class Subscriber:
    """One connection's share of the broker: its workspaces, its bounded queue of frames, and
    what the ticker needs to know (when it last sent, whether a send is under way)."""

    __slots__ = (
        "_waiter", "access", "deadline", "ended", "heartbeat_due", "last_sent", "limit",
        "locale", "overflowed", "pending", "resync", "sending_since", "workspaces",
    )

    def __init__(
        self, workspaces: frozenset[str], limit: int, now: float, access: Access,
        locale: str,
    ) -> None:
        self.workspaces = workspaces
        self.access = access
        self.locale = locale
        """The language its frames' summaries are written in."""
        self.ended: Closing | None = None
        self.limit = limit
        self.pending: deque[tuple[int, str]] = deque()
        self.overflowed = False
        self.heartbeat_due = False
        # Set when live events may have been missed: read the database again before them.
        self.resync = False
        self.last_sent = now
        self.sending_since: float | None = None
        # The connection's send deadline; the ticker moves it to now to cut a blocked send.
        self.deadline: asyncio.Timeout | None = None
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, position: int, frame: str) -> None:
        """Queue a live event's frame without waiting; cut the subscriber off when full."""
        if self.overflowed:
            return
        if len(self.pending) >= self.limit:
            self.cut_off()
            return
        self.pending.append((position, frame))
        self.wake()

    def cut_off(self) -> None:
        """Mark the client too slow; a send blocked on it is abandoned at once."""
        if self.overflowed:
            return
        self.overflowed = True
        self.pending.clear()
        if self.sending_since is not None and self.deadline is not None:
            self.deadline.reschedule(asyncio.get_running_loop().time())
        self.wake()

    def catch_up(self) -> None:
        """Have the connection read the database from its last position before live events."""
        self.resync = True
        self.wake()

    def end(self, ended: Closing) -> None:
        """Close the connection (after any send under way): its access ended."""
        self.ended = ended
        self.wake()

    def wake(self) -> None:
        """Wake the connection's sender if it is waiting for work."""
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self) -> None:
        """Return once there is something to do: frames, a heartbeat, or a cut-off."""
        if (self.pending or self.overflowed or self.heartbeat_due or self.ended
                or self.resync):
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None


class LiveBroker:
    """One Redis subscription per web process, fanned out to its local connections."""

    def __init__(self, hub: Hub, names: OrganisationNames) -> None:
        self.hub = hub
        self.names = names
        self.heartbeat = hub.settings.live_heartbeat_seconds
        self.send_timeout = hub.settings.live_send_timeout_seconds
        self.subscribers: set[Subscriber] = set()
        self.by_workspace: dict[str, set[Subscriber]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        self._checks: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()
        self.subscribed = False
        """True while the process holds its Redis subscription (``/readyz`` reports it)."""
        # The dispatcher publishes an event once per workspace it is visible in, one after
        # the other: the frames built for the first channel serve the rest. One frame per
        # language (see _route).
        self._last_position = 0
        self._last_frames: dict[str, str] = {}

    async def start(self, timeout: float = 10) -> None:
        """Subscribe to every workspace channel and start routing messages and ticking.

        Waits up to ``timeout`` seconds for the subscription; a process started while Redis is
        down serves all the same, and its sockets catch up once it subscribes.
        """
        self._tasks = [
            asyncio.create_task(self._run(), name="live-broker"),
            asyncio.create_task(self._tick(), name="live-ticker"),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=timeout)

    async def stop(self) -> None:
        """Stop routing and ticking."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def register(
        self, workspaces: Collection[str], limit: int, access: Access, locale: str
    ) -> Subscriber:
        """A new subscriber for ``workspaces``, reading ``locale``; live events queue for it
        from now on."""
        now = asyncio.get_running_loop().time()
        subscriber = Subscriber(frozenset(workspaces), limit, now, access, locale)
        self.subscribers.add(subscriber)
        for workspace in subscriber.workspaces:
            self.by_workspace[workspace].add(subscriber)
        return subscriber

    def unregister(self, subscriber: Subscriber) -> None:
        """Forget a subscriber."""
        self.subscribers.discard(subscriber)
        for workspace in subscriber.workspaces:
            subscribers = self.by_workspace.get(workspace)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self.by_workspace[workspace]

    async def _run(self) -> None:
        outage = Outage(log, "redis", "web")
        while True:
            client = self.hub.async_redis(retries=False)
            pubsub = client.pubsub()
            # Quiet channels are pinged: a Redis host that drops packets is noticed within
            # two socket timeouts, not never.
            timeout = self.hub.settings.redis_socket_timeout_seconds
            subscription = Subscription(pubsub, quiet=timeout, answer=timeout)
            try:
                await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                await pubsub.subscribe(REVOKED_CHANNEL)
                while True:
                    message = await subscription.next()
                    kind = message.get("type")
                    if kind == "pmessage":
                        self._route(message["channel"], message["data"])
                    elif kind == "message":
                        self._revoked(json.loads(message["data"])["actor_id"])
                    elif kind == "subscribe":
                        # Subscribed (again), to the revocations last, so to the workspaces
                        # already: whatever was published before now is in the
                        # database, so every connection reads it from there; and a revocation
                        # published meanwhile was missed, so every connection's access is
                        # checked again.
                        self.subscribed = True
                        self._ready.set()
                        if outage.recovered():
                            self.check_access(lambda _subscriber: True)
                        for subscriber in self.subscribers:
                            subscriber.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The client retries nothing itself (``retries=False``): a reconnection that
                # silently resubscribed would hide the messages published in between.
                self.subscribed = False
                await asyncio.sleep(outage.failed(error))
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()

    def _route(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        subscribers = self.by_workspace.get(name[len(CHANNEL_PREFIX):])
        if not subscribers:
            return
        envelope = json.loads(data)
        if envelope["type"] in MEMBERSHIP_ENDED:
            leaving = envelope["data"]["organisation_id"]
            self.check_access(lambda s: s.access.organisation_id == leaving)
        position = envelope["position"]
        if self._last_position != position:
            self._last_position, self._last_frames = position, {}
        frames = self._last_frames
        for subscriber in subscribers:
            # Described once per event and language in hand, never once per socket: a
            # description reads names and titles and formats a sentence, on the event loop
            # every socket of the process waits on, and thousands of sockets share a handful
            # of languages. A language no subscriber reads is never described.
            frame = frames.get(subscriber.locale)
            if frame is None:
                with using_locale(subscriber.locale):
                    frame = event_frame(envelope, self.names, self.hub.cursors)
                frames[subscriber.locale] = frame
            subscriber.offer(position, frame)

    def _revoked(self, actor_id: str) -> None:
        self.check_access(lambda s: s.access.actor_id == actor_id)

    def check_access(self, affected: Callable[[Subscriber], bool]) -> None:
        """Check again, in the background, the access of the subscribers ``affected`` picks."""
        chosen = [s for s in self.subscribers if s.ended is None and affected(s)]
        if chosen:
            task = asyncio.create_task(self._check(chosen), name="live-access-check")
            self._checks.add(task)
            task.add_done_callback(self._checks.discard)

    async def _check(self, subscribers: list[Subscriber]) -> None:
        # Resolving credentials reads the database: off the event loop.
        verdicts = await asyncio.to_thread(self.verdicts, subscribers)
        for subscriber, ended in verdicts:
            log.info("event=live_access_ended actor=%s code=%s", subscriber.access.actor_id,
                     ended.code)
            subscriber.end(ended)

    def verdicts(self, subscribers: list[Subscriber]) -> list[tuple[Subscriber, Closing]]:
        """Those of ``subscribers`` whose credentials or workspaces are no longer the
        caller's, each with the close it gets (reads the database: call off the loop)."""
        ended = []
        for subscriber in subscribers:
            found = resolve(self.hub, subscriber.access.credentials)
            if found is None:
                ended.append((subscriber, Closing(
                    CLOSE_NOT_SIGNED_IN, "signed out, or the credentials were revoked"
                )))
                continue
            lost = subscriber.workspaces - visible_workspaces(self.hub.engine, found.actor)
            if lost:
                ended.append((subscriber, Closing(
                    CLOSE_FORBIDDEN, f"no longer permitted: {', '.join(sorted(lost))}"[:120]
                )))
        return ended

    async def _tick(self) -> None:
        # A quarter of the shorter period: heartbeats go out at most a quarter late, and a
        # blocked send is cut off at most a quarter after its timeout.
        period = max(0.05, min(self.heartbeat, self.send_timeout) / 4)
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(period)
            now = loop.time()
            for subscriber in self.subscribers:
                if subscriber.sending_since is not None:
                    if now - subscriber.sending_since > self.send_timeout:
                        subscriber.cut_off()
                elif now - subscriber.last_sent >= self.heartbeat:
                    subscriber.heartbeat_due = True
                    subscriber.wake()


class BadSubscribe(ValueError):
    """The first message was not a valid subscribe request."""


def parse_subscribe(text: str, cursors: Cursors) -> tuple[list[str], int]:
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
    if after == 0 and not isinstance(after, bool):
        return workspaces, 0  # the start, as a number: what clients sent before cursors
    if not isinstance(after, str):
        raise BadSubscribe("after must be a position this hub gave you, or 0 to start")
    try:
        return workspaces, cursors.position(after)
    except BadCursor as bad:
        raise BadSubscribe(f"after: {bad}") from None


def _same_origin(websocket: WebSocket) -> bool:
    # A cookie-authenticated socket must come from our own pages (no cross-site hijacking).
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    return urlparse(origin).netloc == websocket.headers.get("host")


async def live(websocket: WebSocket) -> None:
    """The ``/live`` websocket endpoint."""
    hub = hub_of(websocket)
    # Resolving a token or session reads the database: off the event loop, which every other
    # connection is waiting on.
    found = await asyncio.to_thread(caller, websocket)
    await websocket.accept()
    if found is None or (not found.via_token and not _same_origin(websocket)):
        await websocket.close(CLOSE_NOT_SIGNED_IN, "sign in, or send an API token")
        return
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout=30)
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is None:
            raise BadSubscribe("send the subscribe message as a text frame, not binary")
        workspaces, after = parse_subscribe(message["text"], hub.cursors)
    except (BadSubscribe, TimeoutError) as error:
        await websocket.close(CLOSE_BAD_MESSAGE, str(error) or "no subscribe message")
        return
    allowed = await asyncio.to_thread(visible_workspaces, hub.engine, found.actor)
    refused = sorted(set(workspaces) - allowed)
    if refused:
        # The same answer whether the workspace exists or not: existence does not leak.
        await websocket.close(CLOSE_FORBIDDEN, f"not permitted: {', '.join(refused)}"[:120])
        return
    broker: LiveBroker = websocket.app.state.live_broker
    access = Access(
        found.actor.user_id or "", found.actor.organisation_id, credentials(websocket)
    )
    # The reader's language: their own choice when signed in with one, else the handshake's
    # Accept-Language (both chosen by hub.i18n.LocaleMiddleware).
    locale = str(websocket.scope.get("locale") or DEFAULT_LOCALE)
    subscriber = broker.register(workspaces, hub.settings.live_queue_limit, access, locale)
    # A revocation announced between the check above and this registration reached no
    # subscriber (the socket waited for its subscribe message meanwhile): checked again now,
    # every later one reaches this subscriber, so none falls through the gap.
    ended = await asyncio.to_thread(broker.verdicts, [subscriber])
    if ended:
        broker.unregister(subscriber)
        _subscriber, lost = ended[0]
        await websocket.close(lost.code, lost.reason)
        return
    # Sending runs in a task of its own rather than in this one, which sits under a dozen
    # frames of middleware that every wake-up would pass through, once per event per socket.
    sender = asyncio.create_task(_send_events(websocket, hub, broker, subscriber, after))
    reader = asyncio.create_task(_read_until_closed(websocket))
    try:
        await asyncio.wait((sender, reader), return_when=asyncio.FIRST_COMPLETED)
    finally:
        broker.unregister(subscriber)
        sender.cancel()
        reader.cancel()
        # Both tasks are over before anything else is sent: no send can follow the close.
        await asyncio.gather(sender, reader, return_exceptions=True)
    closing = sender.result() if sender.done() and not sender.cancelled() else None
    if closing is not None:
        if closing.code == CLOSE_TOO_SLOW:
            log.info("event=live_client_too_slow user=%s", found.actor.user_id)
        # The close frame queues behind whatever the client has not read; a client that does
        # not read it is dropped (hub.web.wsprotocol). Bounded here too, whatever the server.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(hub.settings.live_send_timeout_seconds):
                await websocket.close(closing.code, closing.reason)


async def _send_events(
    websocket: WebSocket, hub: Hub, broker: LiveBroker, subscriber: Subscriber, after: int
) -> Closing | None:
    """Send the backlog, then live events and heartbeats; the close to send when the client
    fell behind, its access ended or the database could not be read, None when it went away."""
    try:
        await _serve(websocket, hub, broker, subscriber, after)
    except TooSlow:
        return Closing(CLOSE_TOO_SLOW, "too slow: reconnect from your last position")
    except Closing as ended:
        return ended
    except WebSocketDisconnect:
        pass
    except Exception as error:
        if dependency_down(error) is None:
            raise
        return Closing(CLOSE_TRY_AGAIN,
                       "the database is unavailable: reconnect from your last position")
    return None


async def _serve(
    websocket: WebSocket, hub: Hub, broker: LiveBroker, subscriber: Subscriber, after: int
) -> None:
    loop = asyncio.get_running_loop()

    async def send(text: str) -> None:
        # A client that stops reading blocks the send once the socket's buffers fill: the
        # ticker then cuts it off (``deadline``) rather than let it hold memory.
        subscriber.sending_since = loop.time()
        try:
            await websocket.send_text(text)
        finally:
            subscriber.sending_since = None
        subscriber.last_sent = loop.time()

    async def catch_up(last: int) -> int:
        # Every event visible to the connection after ``last``, from the database.
        while True:
            page = await asyncio.to_thread(
                hub.store.read_all, last, hub.settings.event_page_limit,
                workspaces=subscriber.workspaces,
            )
            with using_locale(subscriber.locale):
                frames = [
                    (event.position, event_frame(event.envelope(), broker.names, hub.cursors))
                    for event in page
                ]
            for position, frame in frames:
                await send(frame)
                last = position
            if len(page) < hub.settings.event_page_limit:
                return last

    try:
        async with asyncio.timeout(None) as subscriber.deadline:
            head = await asyncio.to_thread(hub.store.head_position, subscriber.workspaces)
            await send(json.dumps(
                {"type": "subscribed", "workspaces": sorted(subscriber.workspaces),
                 "head": hub.cursors.of(head)},
                separators=(",", ":"),
            ))
            last = await catch_up(after)
            while True:
                await subscriber.wait()
                if subscriber.ended is not None:
                    raise subscriber.ended
                if subscriber.overflowed:
                    raise TooSlow
                if subscriber.resync:
                    subscriber.resync = False
                    last = await catch_up(last)
                sent = False
                pending = subscriber.pending
                while pending and not subscriber.overflowed:
                    position, frame = pending.popleft()
                    if position > last:  # else already sent from the backlog, or a repeat
                        await send(frame)
                        last, sent = position, True
                if subscriber.heartbeat_due:
                    subscriber.heartbeat_due = False
                    if not sent:
                        await send(json.dumps(
                            {"type": "heartbeat", "position": hub.cursors.of(last)},
                            separators=(",", ":"),
                        ))
    except TimeoutError:
        raise TooSlow from None


async def _read_until_closed(websocket: WebSocket) -> None:
    # Reading is how a server learns the client went away; clients send nothing after
    # subscribing, so any message simply keeps the connection alive.
    with contextlib.suppress(RuntimeError):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass


ROUTES = [WebSocketRoute("/live", live)]
