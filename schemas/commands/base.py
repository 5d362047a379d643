"""The base of every command, the mark on the facts the hub resolves for it, and the list of
all commands (the access policy must cover each)."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Fact:
    """Marks a command field the hub resolves itself (see :data:`Resolved`)."""

    def __repr__(self) -> str:
        return "Fact()"


Resolved = Annotated[T, Fact()]
"""A command field the hub fills in, never the caller: the acting organisation, the record's
id, and what the directory or the record's history says (an area's policing body, a CSP's
responsible authorities, stored attachments). A request model (``schemas.requests``) never
holds one."""


class Command(BaseModel):
    """A request to change one record: the caller's input and the facts the hub resolved for
    it (its :data:`Resolved` fields), so that ``decide`` needs no I/O. Immutable; unknown fields
    are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def resolved_fields(command: type[Command]) -> frozenset[str]:
    """The fields of ``command`` that the hub resolves (marked :data:`Resolved`)."""
    return frozenset(
        name for name, info in command.model_fields.items()
        if any(isinstance(mark, Fact) for mark in info.metadata)
    )


def all_commands() -> list[type[Command]]:
    """Every concrete command class, found by walking the subclasses of :class:`Command`."""
    import schemas.commands.registry  # noqa: F401  (imports every command module)

    found: list[type[Command]] = []
    stack = list(Command.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_"):
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))
