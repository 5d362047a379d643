"""Leicestershire and Dyfed-Powys in full: organisations, CSPs and their responsible authorities.

Names are public facts (DOMAIN.md, "Demo areas"). Responsible authorities follow CDA s.5: the
council(s) for the area, the police, fire and rescue, the ICB (England) or local health board
(Wales), and probation; in two-tier Leicestershire the county council sits on every district CSP.
"""

from __future__ import annotations

from typing import NamedTuple


class Org(NamedTuple):
    """An organisation of the demo."""

    organisation_id: str
    name: str
    kind: str


class Partnership(NamedTuple):
    """A CSP of the demo: its council(s) and the other authorities named for it."""

    csp_id: str
    name: str
    local_government_areas: tuple[str, ...]
    authorities: tuple[str, ...]


class AreaDemo(NamedTuple):
    """One area's organisations, CSPs and strategy board."""

    area_id: str
    country: str
    organisations: tuple[Org, ...]
    partnerships: tuple[Partnership, ...]
    board: tuple[str, str] | None


_LEICS_DISTRICTS = (
    ("blaby", "Blaby"),
    ("charnwood", "Charnwood"),
    ("harborough", "Harborough"),
    ("hinckley-and-bosworth", "Hinckley & Bosworth"),
    ("melton", "Melton"),
    ("north-west-leicestershire", "North West Leicestershire"),
    ("oadby-and-wigston", "Oadby & Wigston"),
)
_LEICS_COMMON = (
    "leicestershire-police",
    "llr-combined-fire-authority",
    "llr-icb",
    "probation-east-midlands",
)

LEICESTERSHIRE = AreaDemo(
    area_id="leicestershire",
    country="england",
    organisations=(
        Org("leicestershire-police", "Leicestershire Police", "police_force"),
        Org("leicestershire-county-council", "Leicestershire County Council", "county_council"),
        Org("leicester-city-council", "Leicester City Council", "unitary_council"),
        Org("rutland-county-council", "Rutland County Council", "unitary_council"),
        *(
            Org(f"{key}-council", f"{name} District Council", "district_council")
            for key, name in _LEICS_DISTRICTS
        ),
        Org(
            "llr-combined-fire-authority",
            "Leicester, Leicestershire & Rutland Combined Fire Authority",
            "fire_and_rescue_authority",
        ),
        Org("llr-icb", "NHS Leicester, Leicestershire and Rutland ICB", "integrated_care_board"),
        Org("probation-east-midlands", "Probation Service (East Midlands)", "probation_provider"),
        # Two youth justice services: Leicester City's and Leicestershire County's (Rutland's
        # is Leicestershire County's).
        Org("leicestershire-yot", "Leicester City Youth Justice Service", "youth_offending_team"),
        Org("leicestershire-county-yjs", "Leicestershire County Youth Justice Service",
            "youth_offending_team"),
        Org("cps-east-midlands", "Crown Prosecution Service East Midlands", "cps"),
        Org("hmcts-midlands", "HM Courts & Tribunals Service (Midlands)", "courts"),
        Org("hmpps-leicester", "HMP Leicester (HM Prison and Probation Service)", "prisons"),
        Org("leicestershire-police-and-crime-panel", "Leicestershire Police and Crime Panel",
            "other"),
        # An invented voluntary sector body: the demo needs one of each kind.
        Org("safer-communities-network", "Safer Communities Voluntary Network", "voluntary"),
    ),
    partnerships=(
        Partnership(
            "safer-leicester", "Safer Leicester Partnership", ("Leicester",),
            ("leicester-city-council", *_LEICS_COMMON),
        ),
        Partnership(
            "safer-rutland", "Safer Rutland Partnership", ("Rutland",),
            ("rutland-county-council", *_LEICS_COMMON),
        ),
        *(
            Partnership(
                f"{key}-csp", f"{name} Community Safety Partnership", (name,),
                (f"{key}-council", "leicestershire-county-council", *_LEICS_COMMON),
            )
            for key, name in _LEICS_DISTRICTS
        ),
    ),
    board=(
        "leicestershire-rutland-strategy-board",
        "Leicestershire and Rutland Safer Communities Strategy Board",
    ),
)

_DP_COUNTIES = (
    ("carmarthenshire", "Carmarthenshire", "hywel-dda-uhb"),
    ("ceredigion", "Ceredigion", "hywel-dda-uhb"),
    ("pembrokeshire", "Pembrokeshire", "hywel-dda-uhb"),
    ("powys", "Powys", "powys-teaching-hb"),
)

DYFED_POWYS = AreaDemo(
    area_id="dyfed-powys",
    country="wales",
    organisations=(
        Org("dyfed-powys-police", "Dyfed-Powys Police", "police_force"),
        *(
            Org(f"{key}-council", f"{name} County Council", "unitary_council")
            for key, name, _ in _DP_COUNTIES
        ),
        Org(
            "mid-west-wales-fire", "Mid and West Wales Fire and Rescue Authority",
            "fire_and_rescue_authority",
        ),
        Org("hywel-dda-uhb", "Hywel Dda University Health Board", "local_health_board"),
        Org("powys-teaching-hb", "Powys Teaching Health Board", "local_health_board"),
        Org("probation-wales", "Probation Service (Wales)", "probation_provider"),
    ),
    partnerships=tuple(
        Partnership(
            f"{key}-csp", f"{name} Community Safety Partnership", (name,),
            (f"{key}-council", "dyfed-powys-police", "mid-west-wales-fire", health,
             "probation-wales"),
        )
        for key, name, health in _DP_COUNTIES
    ),
    board=None,
)

DEMO_AREAS = (LEICESTERSHIRE, DYFED_POWYS)
