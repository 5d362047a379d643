"""The base of every command, and the list of all of them (the access policy must cover each)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    """A request to change one record. Immutable; unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


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
