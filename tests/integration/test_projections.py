"""Read models are projections of the log: a rebuild gives exactly the live tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.demo.load import load_demo
from hub.demo.users import load_demo_roles, load_demo_users
from hub.projections.directory import areas, members, workspaces


def _snapshot(hub: Hub) -> dict[str, list[tuple[Any, ...]]]:
    with hub.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in hub.projections.tables
        }


def test_a_rebuild_equals_the_live_projections(hub: Hub) -> None:
    assert load_demo(hub, progress=False) > 0
    load_demo_users(hub)
    assert load_demo_roles(hub) > 0
    live = _snapshot(hub)
    assert len(live["police_areas"]) == 43
    assert all(rows for rows in live.values()), "every read table should hold demo rows"

    replayed = hub.projections.rebuild(hub.store, progress=False)

    assert replayed == len(list(hub.store.iter_all()))
    assert _snapshot(hub) == live


def test_projections_follow_appends_in_the_same_transaction(hub: Hub) -> None:
    load_demo(hub, progress=False)
    with hub.engine.connect() as conn:
        leics = conn.execute(select(areas).where(areas.c.area_id == "leicestershire")).one()
        rutland = conn.execute(
            select(members.c.organisation_id).where(members.c.workspace_id == "csp-safer-rutland")
        ).scalars().all()
        kinds = conn.execute(select(workspaces.c.kind).distinct()).scalars().all()
    assert (leics.country, leics.policing_body_kind) == ("england", "pcc")
    assert "rutland-county-council" in rutland and "leicestershire-opcc" in rutland
    assert set(kinds) == {"area", "csp", "adhoc"}


def test_loading_the_demo_twice_changes_nothing(hub: Hub) -> None:
    first = load_demo(hub, progress=False)
    head = hub.store.head_position()
    assert load_demo(hub, progress=False) == 0
    assert hub.store.head_position() == head
    assert first == len(list(hub.store.iter_all()))
