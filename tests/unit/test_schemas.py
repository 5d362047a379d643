"""The published contracts: schema files current, upcasting, registration rules."""

from __future__ import annotations

import pytest

from schemas.generate import JSON_DIR, rendered_files
from schemas.registry import UnknownEventType, spec


def test_committed_json_schemas_match_the_models() -> None:
    on_disk = {p.name: p.read_text() for p in JSON_DIR.glob("*.json")}
    expected = rendered_files()
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    extra = sorted(set(on_disk) - set(expected))
    assert not stale and not extra, (
        f"schema files are stale {stale} or retired {extra}: run `python -m schemas.generate`"
    )


def test_version_1_police_area_upcasts_to_the_current_shape() -> None:
    area = spec("police_area.registered")
    upcast = area.upcast(1, {"area_id": "gwent", "name": "Gwent", "nation": "W"})
    assert upcast == {"area_id": "gwent", "name": "Gwent", "country": "wales"}
    area.model.model_validate(upcast)


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventType):
        spec("nothing.happened")


def test_every_event_type_is_named_record_dot_happened() -> None:
    for name in rendered_files():
        record, happened = name.rsplit(".v", 1)[0].split(".", 1)
        assert record and happened and record == record.lower()
