"""The base of every request model, and the list of all of them."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from schemas.commands.base import Command


class CallerRequest(BaseModel):
    """What a caller sends to create a record: unknown fields are an error.

    ``commands`` are the commands the handler builds from it and the facts it resolves, so that a
    test can check that no request holds a field the hub resolves.
    """

    model_config = ConfigDict(extra="forbid")

    commands: ClassVar[tuple[type[Command], ...]]


class ActionRequest(CallerRequest):
    """What a caller sends to act on an existing record: its fields, and the version the
    caller last read, so that a concurrent change is a conflict, never silently overwritten."""

    expected_version: int = Field(ge=0, description="the version you last read")


def all_requests() -> list[type[CallerRequest]]:
    """Every concrete request model: each subclass of :class:`CallerRequest` naming its
    commands."""
    import schemas.requests.registry  # noqa: F401  (imports every request module)

    found: list[type[CallerRequest]] = []
    stack = list(CallerRequest.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if "commands" in cls.__dict__:
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


class ClosedKeys:
    """Annotates a mapping whose keys have a pattern: its JSON Schema refuses any other key, as
    validation does (Pydantic lists the pattern under ``patternProperties`` only)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The mapping's schema, closed to keys outside its pattern."""
        schema: dict[str, Any] = handler.resolve_ref_schema(handler(core_schema))
        schema["additionalProperties"] = False
        return schema

