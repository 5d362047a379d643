"""Every write endpoint answers through one function (``hub.web.api.common.appended``): a
create, a command on a record, a command that creates a part of a record, and a replay."""

from __future__ import annotations

import json

import pytest

from hub.events import AppendResult
from hub.handlers.common import Created
from hub.web.api.common import appended


def body_of(response: object) -> dict[str, object]:
    return json.loads(response.body)  # type: ignore[attr-defined, no-any-return]


def test_a_create_answers_201_with_the_new_records_id() -> None:
    response = appended(Created("m-1", AppendResult([], 1)))
    assert response.status_code == 201
    assert body_of(response) == {"version": 1, "replayed": False, "events": [], "id": "m-1"}


def test_a_command_on_a_record_answers_with_the_records_id() -> None:
    response = appended(AppendResult([], 4), status=200, id="m-1")
    assert response.status_code == 200
    assert body_of(response)["id"] == "m-1" and "created_id" not in body_of(response)


def test_a_command_creating_part_of_a_record_answers_both_ids() -> None:
    """Assigning a meeting's action: the meeting's id, and the new action's (issue 18,
    finding 7: this answer used to fail after the action was recorded)."""
    response = appended(Created("a-1", AppendResult([], 5)), status=200, id="m-1")
    assert response.status_code == 200
    assert (body_of(response)["id"], body_of(response)["created_id"]) == ("m-1", "a-1")


@pytest.mark.parametrize("outcome", [Created("m-1", AppendResult([], 1, replayed=True)),
                                     AppendResult([], 1, replayed=True)])
def test_a_replay_answers_200(outcome: Created | AppendResult) -> None:
    response = appended(outcome)
    assert response.status_code == 200 and body_of(response)["replayed"] is True
