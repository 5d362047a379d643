"""Write the JSON Schema file of every event type: ``python -m schemas.generate``.

Files are named ``<type>.v<version>.json`` under ``schemas/json/``; a test fails when they are
stale, so a payload change cannot ship without its published contract.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from schemas.registry import EventSpec, all_specs

JSON_DIR = Path(__file__).parent / "json"
SCHEMA_BASE_URL = "/schemas/events/"
"""Where the hub serves these files; a relative reference, resolved against the hub's URL."""


def schema_filename(event_spec: EventSpec) -> str:
    """The file holding one event type's schema at its current version."""
    return f"{event_spec.name}.v{event_spec.version}.json"


def render(event_spec: EventSpec) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one event type's payload."""
    schema = event_spec.model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URL + schema_filename(event_spec),
        "x-event-type": event_spec.name,
        "x-schema-version": event_spec.version,
        **schema,
    }


def rendered_files() -> dict[str, str]:
    """Every schema file's name and its exact content."""
    return {
        schema_filename(s): json.dumps(render(s), indent=2, sort_keys=True) + "\n"
        for s in all_specs()
    }


def main() -> int:
    """Rewrite ``schemas/json`` to match the models; remove files of retired versions."""
    JSON_DIR.mkdir(exist_ok=True)
    files = rendered_files()
    for stale in set(p.name for p in JSON_DIR.glob("*.json")) - set(files):
        (JSON_DIR / stale).unlink()
    for name, content in files.items():
        (JSON_DIR / name).write_text(content)
    print(f"wrote {len(files)} schema files to {JSON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
