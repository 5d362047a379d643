"""uvicorn's websocket protocol, closing connections whose client has stopped reading.

uvicorn writes a close frame only once the transport's buffer has room, and then closes the
transport *gracefully*, which waits for the buffer to drain. A client that never reads again
never drains it, so the hub's cut-off (:data:`hub.web.live.CLOSE_TOO_SLOW`) could neither be
sent nor end the connection: the socket and its unsent megabytes stayed for minutes. Here a
close from the application is written at once, behind what is already buffered (a client that
reads again gets the code and reason), and the connection is *aborted* if the client has not
answered it within uvicorn's close timeout: the buffer is freed either way.

A send after the server itself closed the connection (uvicorn's keep-alive ping timed out)
raises ``ClientDisconnected``, which Starlette turns into ``WebSocketDisconnect``, instead of
uvicorn's ``RuntimeError``.

Used by ``hub serve``, and by the Procfile's ``uvicorn`` through
``--ws hub.web.wsprotocol:HubWebSocketProtocol``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

if TYPE_CHECKING:
    from uvicorn._types import ASGISendEvent


class HubWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websocket protocol, with a close that cannot be held up."""

    async def send(self, message: ASGISendEvent) -> None:
        """Send as uvicorn does, except a close once the connection is open (see the module)."""
        if not self.handshake_complete or self.initial_response is not None:
            await super().send(message)
            return
        if self.disconnected or self.close_sent:
            raise ClientDisconnected()
        if message["type"] != "websocket.close":
            await super().send(message)
            return
        if self.transport.is_closing():
            raise ClientDisconnected()
        code = message.get("code", 1000)
        reason = message.get("reason", "") or ""
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()
        # The client's answer to the close ends the connection early (``handle_close``).
        self.close_timer = self.loop.call_later(self.close_timeout, self.transport.abort)
