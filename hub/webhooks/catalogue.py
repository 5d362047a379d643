"""The event catalogue partners build from: every event type, its JSON Schema, an example.

Schemas are the committed files under ``schemas/json/`` (the published contract, the same files
``dataschema`` points at). Each example is the model's own (``json_schema_extra`` examples)
when it has one, or else made from the schema by :func:`example_for`, and is kept only if the
payload model accepts it, so an example can never contradict the contract.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from schemas.generate import JSON_DIR, SCHEMA_BASE_URL, schema_filename
from schemas.registry import EventSpec, all_specs

_FILE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[0-9]+\.json$")
_DATE, _INSTANT = "2026-04-01", "2026-04-01T09:30:00Z"
_HEX = "0123456789abcdef" * 4
_KNOWN = {
    "area_id": "leicestershire", "organisation_id": "leicester-city-council",
    "by_organisation": "leicestershire-opcc", "csp_id": "safer-leicester",
    "workspace_id": "csp-safer-leicester",
}


class NoExample(ValueError):
    """No example the model accepts could be made from the schema."""


@dataclass(frozen=True)
class EventTypeEntry:
    """One event type as the catalogue shows it."""

    name: str
    record: str
    version: int
    description: str
    schema_file: str
    schema: dict[str, Any]
    example: dict[str, Any]

    @property
    def schema_path(self) -> str:
        """Where the hub serves the schema."""
        return SCHEMA_BASE_URL + self.schema_file


@lru_cache(maxsize=1)
def entries() -> tuple[EventTypeEntry, ...]:
    """Every event type, by name."""
    return tuple(_entry(s) for s in all_specs())


def entry(name: str) -> EventTypeEntry | None:
    """One event type, or None."""
    return next((e for e in entries() if e.name == name), None)


def schema_file(name: str) -> bytes | None:
    """The content of a published schema file; None for any name that is not one."""
    if not _FILE.match(name):
        return None
    published = {p.name: p for p in JSON_DIR.glob("*.json")}
    path = published.get(name)
    return path.read_bytes() if path is not None else None


def example_for(event_spec: EventSpec, schema: dict[str, Any]) -> dict[str, Any]:
    """An example payload the model accepts: all fields first, then the required ones alone."""
    given = schema.get("examples")
    candidates = [given[0]] if isinstance(given, list) and given else []
    defs = schema.get("$defs", {})
    candidates += [_value(schema, defs, "", full=True), _value(schema, defs, "", full=False)]
    for candidate in candidates:
        try:
            event_spec.model.model_validate(candidate)
        except ValidationError:
            continue
        return dict(candidate)
    raise NoExample(f"no example of {event_spec.name} passes its model; add one to the model")


def _entry(event_spec: EventSpec) -> EventTypeEntry:
    file = schema_filename(event_spec)
    schema = json.loads((JSON_DIR / file).read_text())
    return EventTypeEntry(
        name=event_spec.name, record=event_spec.record, version=event_spec.version,
        description=str(schema.get("description", "")), schema_file=file, schema=schema,
        example=example_for(event_spec, schema),
    )


def _value(schema: dict[str, Any], defs: dict[str, Any], key: str, *, full: bool,
           index: int = 0) -> Any:
    if "$ref" in schema:
        return _value(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, key, full=full, index=index)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][index % len(schema["enum"])]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            options = [o for o in schema[union] if o.get("type") != "null"] or schema[union]
            return _value(options[0], defs, key, full=full, index=index)
    if schema.get("default") not in (None, "", [], {}):
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        return {
            name: _value(sub, defs, name, full=full)
            for name, sub in schema.get("properties", {}).items()
            if full or name in required
        }
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        return [_value(schema.get("items", {}), defs, key, full=full, index=i)
                for i in range(count)]
    if kind == "integer" or kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return min(max(low, 1), schema.get("maximum", 10**9))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(schema, key, index)


def _string(schema: dict[str, Any], key: str, index: int) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return _DATE
    if fmt == "date-time":
        return _INSTANT
    if fmt == "email":
        return "name@example.org"
    if fmt in {"uri", "url"}:
        return "https://example.org/documents/1"
    low, high = schema.get("minLength", 1), schema.get("maxLength", 200)
    suffix = f"-{index + 1}" if index else ""
    words = key.replace("_", " ").strip() or "text"
    stem = key.removesuffix("_ids").removesuffix("_id").replace("_", "-") or "example"
    candidates = [f"{stem}{suffix}", f"example{suffix}", _HEX[:low]]
    if "pattern" not in schema and not key.endswith(("_id", "_ids")):
        candidates.insert(0, f"Example {words}{suffix}")
    candidates.insert(0, _KNOWN.get(key, "") + suffix)
    if key.endswith("url") or "https" in schema.get("pattern", ""):
        candidates.insert(0, f"https://example.org/documents/{index + 1}")
    pattern = schema.get("pattern")
    for text in candidates:
        if low <= len(text) <= high and (pattern is None or re.search(pattern, text)):
            return text
    return ("x" * low)[:high]
