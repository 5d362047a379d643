"""Embedded mode's background: the dispatcher and an RQ worker as threads of the web process."""

from __future__ import annotations

import threading

from hub.bootstrap import Hub
from workers.dispatcher import Dispatcher
from workers.worker import run_thread_worker


class EmbeddedBackground:
    """Starts and stops the in-process dispatcher and worker."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start both threads."""
        dispatcher = Dispatcher(self.hub)
        self.threads = [
            threading.Thread(
                target=dispatcher.run, args=(self.stop_event,), name="dispatcher", daemon=True
            ),
            threading.Thread(
                target=run_thread_worker, args=(self.hub, self.stop_event), name="worker",
                daemon=True,
            ),
        ]
        for thread in self.threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask both threads to finish and wait for them."""
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
