"""What every record type provides to the service: how to fold events, decide and share.

A record type is a bundle of pure functions. The service loads a stream, folds it with
``evolve`` from ``initial``, asks ``decide`` for new events, and appends them visible in the
workspaces ``visible_in`` names for the resulting state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from schemas.registry import EventData, event_type_of

S = TypeVar("S")


@dataclass(frozen=True)
class RecordType(Generic[S]):
    """The pure functions of one record type."""

    stream_type: str
    initial: Callable[[], S]
    evolve: Callable[[S, str, dict[str, Any]], S]
    decide: Callable[[S, BaseModel, datetime], list[EventData]]
    visible_in: Callable[[S], tuple[str, ...]]
    area_of: Callable[[S, BaseModel], str | None] = lambda _state, _command: None
    """The police area a command on this record concerns (for the access policy)."""
    open_to: Callable[[S, str, datetime], frozenset[type[BaseModel]]] | None = None
    """The commands an organisation could have accepted now, given the right details: what a
    page offers it. Never less than ``decide`` accepts; None offers every command."""
    keeper: Callable[[S], str | None] | None = None
    """The organisation keeping a record that is not the area policing body's (a voluntary
    meeting a workspace member convened): it, rather than the office, takes the keeper's
    commands (:attr:`hub.access.policy.Who.KEEPER`). None, or a None answer: the office."""

    def execute(self, state: S, command: BaseModel, now: datetime) -> tuple[S, list[EventData]]:
        """Decide ``command`` and fold the new events in: the state after, and the events."""
        events = self.decide(state, command, now)
        for event in events:
            state = self.evolve(state, event_type_of(event), event.model_dump(mode="json"))
        return state, events

    def commands_open_to(
        self, events: Iterable[tuple[str, dict[str, Any]]], organisation_id: str, now: datetime
    ) -> frozenset[type[BaseModel]] | None:
        """:attr:`open_to` for the state after ``events``; None when the type does not say."""
        if self.open_to is None:
            return None
        return self.open_to(self.fold(events), organisation_id, now)

    def fold(self, events: Iterable[tuple[str, dict[str, Any]]]) -> S:
        """The state after ``events`` (pairs of type and data), from the initial state."""
        state = self.initial()
        for event_type, data in events:
            state = self.evolve(state, event_type, data)
        return state
