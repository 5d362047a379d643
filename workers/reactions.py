"""What happens in the background after an event: a registry of reactions by event type.

Later records hang their work here (webhook fan-out, reminders, scheduled transitions). Every
reaction must be idempotent: the dispatcher delivers at least once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent

Reaction = Callable[[Hub, RecordedEvent], None]

_REACTIONS: dict[str, list[Reaction]] = defaultdict(list)
_ANY: list[Reaction] = []


def on(*event_types: str) -> Callable[[Reaction], Reaction]:
    """Register a reaction to the given event types (none given: to every event)."""

    def register(fn: Reaction) -> Reaction:
        if not event_types:
            _ANY.append(fn)
        for name in event_types:
            _REACTIONS[name].append(fn)
        return fn

    return register


def reactions_for(event_type: str) -> list[Reaction]:
    """The reactions that run for ``event_type``, catch-alls first."""
    return [*_ANY, *_REACTIONS.get(event_type, ())]
