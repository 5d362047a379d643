"""Event types: which payload model each has, at which version, and how old versions upcast.

An event type is named ``<record>.<happened>`` and its payload is a Pydantic model registered
with :func:`event_type`. When a payload changes shape, its version goes up and an
:func:`upcaster` turns the previous version's data into the new one, so an event stored years
ago is read in today's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
M = TypeVar("M", bound=type["EventData"])


class EventData(BaseModel):
    """Base of every event payload: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass
class EventSpec:
    """What the hub knows of one event type."""

    name: str
    version: int
    model: type[EventData]
    upcasters: dict[int, Upcaster] = field(default_factory=dict)

    @property
    def record(self) -> str:
        """The record type the event belongs to, e.g. ``report_request``."""
        return self.name.split(".", 1)[0]

    def upcast(self, version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Bring ``data`` stored at ``version`` up to the current version."""
        while version < self.version:
            step = self.upcasters.get(version)
            if step is None:
                raise LookupError(f"no upcaster for {self.name} v{version} -> v{version + 1}")
            data = step(data)
            version += 1
        return data


class UnknownEventType(LookupError):
    """An event type that no schema registers."""


_SPECS: dict[str, EventSpec] = {}


def event_type(name: str, version: int = 1) -> Callable[[M], M]:
    """Register a payload model as event type ``name`` at ``version`` (its current shape)."""
    if "." not in name:
        raise ValueError(f"event type {name!r} must be named <record>.<happened>")

    def register(model: M) -> M:
        if name in _SPECS and _SPECS[name].model is not model:
            raise ValueError(f"event type {name!r} registered twice")
        spec = _SPECS.setdefault(name, EventSpec(name, version, model))
        spec.version, spec.model = version, model
        model.__event_type__ = name  # type: ignore[attr-defined]
        return model

    return register


def upcaster(name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register the function that turns ``name`` v``from_version`` data into the next version."""

    def register(fn: Upcaster) -> Upcaster:
        # Called while schemas.events is importing, so look the spec up directly.
        _SPECS[name].upcasters[from_version] = fn
        return fn

    return register


def event_type_of(payload: EventData) -> str:
    """The registered event type name of a payload instance."""
    name = getattr(type(payload), "__event_type__", None)
    if name is None:
        raise UnknownEventType(type(payload).__name__)
    return str(name)


def spec(name: str) -> EventSpec:
    """The spec of event type ``name``; :class:`UnknownEventType` if there is none."""
    # Replay asks once per event: look first, and import every event module only on a miss.
    found = _SPECS.get(name)
    if found is not None:
        return found
    _load()
    try:
        return _SPECS[name]
    except KeyError:
        raise UnknownEventType(name) from None


def all_specs() -> list[EventSpec]:
    """Every registered event type, sorted by name."""
    _load()
    return [_SPECS[name] for name in sorted(_SPECS)]


def _load() -> None:
    # Importing the package registers every event module; done lazily to avoid import cycles.
    import schemas.events  # noqa: F401
