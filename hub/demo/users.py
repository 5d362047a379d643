"""Demo users: one per organisation kind, all with one printed password. People are invented.

Two of them hold a role within the Leicestershire strategy board's workspace: the county
council's officer leads it (and so may set others' roles there), and the voluntary network
observes it (it sees the board's records but changes none).
"""

from __future__ import annotations

from typing import NamedTuple

from hub.access.accounts import EmailTaken, Role
from hub.access.policy import SYSTEM
from hub.bootstrap import Hub
from hub.handlers.workspaces import assign_role
from schemas.events.directory import WorkspaceRole

DEMO_PASSWORD = "partnership-demo-2026"


class DemoUser(NamedTuple):
    """A demo account."""

    email: str
    name: str
    organisation_id: str
    role: Role


DEMO_USERS = (
    DemoUser("opcc@leicestershire.example.org", "Priya Shah", "leicestershire-opcc", Role.ADMIN),
    DemoUser("police@leicestershire.example.org", "Tom Ellis", "leicestershire-police",
             Role.MEMBER),
    DemoUser("city@leicester.example.org", "Amira Patel", "leicester-city-council", Role.ADMIN),
    DemoUser("county@leicestershire.example.org", "Gareth Lowe",
             "leicestershire-county-council", Role.MEMBER),
    DemoUser("district@blaby.example.org", "Nina Brooks", "blaby-council", Role.MEMBER),
    DemoUser("fire@llr.example.org", "Sam Okafor", "llr-combined-fire-authority", Role.MEMBER),
    DemoUser("icb@llr.example.org", "Helen Ward", "llr-icb", Role.MEMBER),
    DemoUser("probation@eastmidlands.example.org", "Owen Price", "probation-east-midlands",
             Role.MEMBER),
    DemoUser("yjs@leicester.example.org", "Chloe Grant", "leicestershire-yot", Role.MEMBER),
    DemoUser("cps@eastmidlands.example.org", "Ravi Kumar", "cps-east-midlands", Role.MEMBER),
    DemoUser("courts@midlands.example.org", "Joanne Hale", "hmcts-midlands", Role.MEMBER),
    DemoUser("prison@leicester.example.org", "Daniel Moss", "hmpps-leicester", Role.MEMBER),
    DemoUser("panel@leicestershire.example.org", "Ruth Kemp",
             "leicestershire-police-and-crime-panel", Role.VIEWER),
    DemoUser("network@voluntary.example.org", "Lee Fraser", "safer-communities-network",
             Role.MEMBER),
    DemoUser("opcc@dyfed-powys.example.org", "Carys Morgan", "dyfed-powys-opcc", Role.ADMIN),
    DemoUser("council@carmarthenshire.example.org", "Rhys Evans", "carmarthenshire-council",
             Role.MEMBER),
    DemoUser("health@hyweldda.example.org", "Ffion Jones", "hywel-dda-uhb", Role.MEMBER),
)


STRATEGY_BOARD = "leicestershire-rutland-strategy-board"
DEMO_WORKSPACE_ROLES = (
    (STRATEGY_BOARD, "county@leicestershire.example.org", WorkspaceRole.LEAD),
    (STRATEGY_BOARD, "network@voluntary.example.org", WorkspaceRole.OBSERVER),
)
"""(workspace, demo user's email, role) for the demo users whose role is not ``member``."""


def load_demo_users(hub: Hub) -> list[DemoUser]:
    """Create the demo users that do not exist yet; returns those created."""
    created = []
    for user in DEMO_USERS:
        try:
            hub.accounts.create_user(
                email=user.email, name=user.name, organisation_id=user.organisation_id,
                role=user.role, password=DEMO_PASSWORD,
            )
        except EmailTaken:
            continue
        created.append(user)
    return created


def load_demo_roles(hub: Hub) -> int:
    """Give demo users their roles within workspaces, after :func:`load_demo_users` and the
    directory; returns how many events were appended (0 when they were given already)."""
    appended = 0
    for workspace_id, email, role in DEMO_WORKSPACE_ROLES:
        user = hub.accounts.user_by_email(email)
        result = assign_role(
            hub, SYSTEM, workspace_id, user.user_id, role,
            idempotency_key=f"demo:workspace-role:{workspace_id}:{email}",
        )
        if not result.replayed:
            appended += len(result.events)
    return appended
