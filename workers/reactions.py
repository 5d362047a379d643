"""What happens in the background after an event: a registry of reactions by event type.

Later records hang their work here (reminders, scheduled transitions). A reaction registered
with :func:`on` runs in a job of its own per event; one registered with :func:`on_batches` runs
once per dispatcher batch with every event of the batch (webhook fan-out: one job, one read of
the endpoints and one insert of the messages for up to a batch of events, instead of one job
per event). Every reaction must be idempotent: the dispatcher delivers at least once.

One registered with :func:`on_start` runs as a worker starts, with no event: it re-arms
scheduled jobs that only Redis held (see :mod:`workers.scheduling`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent

Reaction = Callable[[Hub, RecordedEvent], None]
BatchReaction = Callable[[Hub, Sequence[RecordedEvent]], None]
StartReaction = Callable[[Hub], int]
"""Re-arms what Redis may have lost; returns how many jobs it scheduled."""

_REACTIONS: dict[str, list[Reaction]] = defaultdict(list)
_ANY: list[Reaction] = []
_BATCHES: list[BatchReaction] = []
_STARTS: list[StartReaction] = []


def on(*event_types: str) -> Callable[[Reaction], Reaction]:
    """Register a reaction to the given event types (none given: to every event)."""

    def register(fn: Reaction) -> Reaction:
        if not event_types:
            _ANY.append(fn)
        for name in event_types:
            _REACTIONS[name].append(fn)
        return fn

    return register


def on_batches(fn: BatchReaction) -> BatchReaction:
    """Register a reaction to every batch of events the dispatcher hands on, in log order."""
    _BATCHES.append(fn)
    return fn


def reactions_for(event_type: str) -> list[Reaction]:
    """The reactions that run for ``event_type``, catch-alls first."""
    return [*_ANY, *_REACTIONS.get(event_type, ())]


def batch_reactions() -> list[BatchReaction]:
    """The reactions that run once per batch of events."""
    return list(_BATCHES)


def on_start(fn: StartReaction) -> StartReaction:
    """Register work for a worker to do as it starts, before its first job."""
    _STARTS.append(fn)
    return fn


def start_reactions() -> list[StartReaction]:
    """The reactions that run as a worker starts."""
    return list(_STARTS)
