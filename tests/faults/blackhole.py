"""A TCP relay in front of a real server that can go silent: a stand-in for a host that drops
packets.

Stopping a server makes its host refuse connections, which every client notices at once. A
host behind a network partition, or gone dark, answers nothing at all: only time limits
notice it. Dropping packets for real needs root (iptables) and would touch every test on the
machine, so this relay plays the part on loopback. While it is *silent* it accepts connections
and holds every byte either way without passing it on, as a partition holds packets that TCP
keeps sending again; when it *flows* again, what it held goes through, as TCP's retransmissions
would once the partition heals.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.e2e.processes import free_port


class Blackhole:
    """Relays ``127.0.0.1:port`` to ``127.0.0.1:target``; :meth:`silence` and :meth:`flow`."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = free_port()
        self.flowing = threading.Event()
        self.flowing.set()
        self.stopped = threading.Event()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.2)
        self.thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """A Redis URL through the relay."""
        return f"redis://127.0.0.1:{self.port}/0"

    def silence(self) -> None:
        """Pass nothing on, either way, until :meth:`flow`."""
        self.flowing.clear()

    def flow(self) -> None:
        """Pass everything on again, what was held first."""
        self.flowing.set()

    def close(self) -> None:
        """Stop relaying and close every connection."""
        self.stopped.set()
        self.flowing.set()
        self.thread.join(5)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                # Held here while silent: a partition delays bytes, it does not lose them.
                self.flowing.wait()
                if self.stopped.is_set():
                    break
                sink.sendall(data)
        # One side closed (a client gave up on its connection): close the other.
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
