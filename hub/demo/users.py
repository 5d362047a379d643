"""Demo users: one per organisation kind, all with one printed password. People are invented."""

from __future__ import annotations

from typing import NamedTuple

from hub.access.accounts import EmailTaken, Role
from hub.bootstrap import Hub

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
