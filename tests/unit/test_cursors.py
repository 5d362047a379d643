"""Opaque positions (issue 18, item 9): a cursor opens only with the deployment's key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.events.cursors import START, BadCursor, Cursors

CURSORS = Cursors("one deployment's secret")


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_a_cursor_opens_to_its_position(position: int) -> None:
    assert CURSORS.position(CURSORS.of(position)) == position


def test_one_position_has_one_cursor_and_the_start_is_zero() -> None:
    assert CURSORS.of(41) == Cursors("one deployment's secret").of(41)
    assert CURSORS.of(0) == START == "0" and CURSORS.position("0") == 0


def test_neighbouring_positions_give_unrelated_cursors_of_one_length() -> None:
    # Nothing of the number shows: no digits carried over, no length that grows with it.
    cursors = [CURSORS.of(p) for p in (1, 2, 3, 1000, 2**40)]
    assert len(set(cursors)) == 5 and len({len(c) for c in cursors}) == 1
    assert not any(c.isdigit() for c in cursors)
    assert len({c[:4] for c in cursors}) == 5


@pytest.mark.parametrize("made_up", ["5", "-1", "", "x" * 32, "AAAA", "é" * 32])
def test_anything_the_hub_did_not_make_is_refused(made_up: str) -> None:
    with pytest.raises(BadCursor):
        CURSORS.position(made_up)


def test_a_cursor_altered_or_from_another_deployment_is_refused() -> None:
    cursor = CURSORS.of(7)
    altered = ("B" if cursor[0] == "A" else "A") + cursor[1:]
    with pytest.raises(BadCursor):
        CURSORS.position(altered)
    with pytest.raises(BadCursor):
        Cursors("another deployment's secret").position(cursor)
