"""The event catalogue: every event type has an example its model and its schema accept."""

from __future__ import annotations

import json

import jsonschema
import pytest

from hub.webhooks import catalogue
from schemas.generate import JSON_DIR
from schemas.registry import all_specs, spec


def test_every_published_event_type_is_in_the_catalogue() -> None:
    assert [e.name for e in catalogue.entries()] == [s.name for s in all_specs()]


@pytest.mark.parametrize("name", [s.name for s in all_specs()])
def test_each_example_validates_against_the_model_and_the_committed_schema(name: str) -> None:
    entry = catalogue.entry(name)
    assert entry is not None
    spec(name).model.model_validate(entry.example)
    committed = json.loads((JSON_DIR / entry.schema_file).read_text())
    jsonschema.validate(entry.example, committed)
    assert entry.schema == committed


@pytest.mark.parametrize(
    "name", ["../pyproject.toml", "..", "report_request.submitted.v1.json/..", "x.json",
             "report_request.submitted.v99.json", "REPORT_REQUEST.SUBMITTED.V1.JSON"]
)
def test_only_published_schema_files_are_served(name: str) -> None:
    assert catalogue.schema_file(name) is None


def test_a_published_schema_file_is_served_as_committed() -> None:
    name = "report_request.submitted.v1.json"
    assert catalogue.schema_file(name) == (JSON_DIR / name).read_bytes()
