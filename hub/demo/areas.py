"""The 43 police areas of England and Wales with the body holding PCC functions today.

Start dates are when the current kind of body took the functions (DOMAIN.md, "Policing body").
Where the demo tells the history (Cumbria, North Yorkshire), the earlier bodies are
``former`` terms, replayed as transfers of governance on their real dates.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Former(NamedTuple):
    """A body that held an area's PCC functions before today's, from ``since``."""

    organisation_id: str
    name: str
    kind: str
    since: date | None
    """None for a term with no start date of true meaning (the City of London's)."""


class Area(NamedTuple):
    """One police area, the body holding its PCC functions today, and those before it."""

    area_id: str
    name: str
    country: str
    body_kind: str
    body_name: str
    since: date | None
    """None where no date has a true meaning (the City of London)."""
    former: tuple[Former, ...] = ()
    """Earlier terms, oldest first: the demo replays them as transfers of governance."""


FIRST_PCCS = date(2012, 11, 22)


def _pcc(area_id: str, name: str, country: str = "england") -> Area:
    return Area(
        area_id, name, country, "pcc", f"Office of the Police and Crime Commissioner for {name}",
        FIRST_PCCS,
    )


def _pfcc(area_id: str, name: str, since: date, former: tuple[Former, ...] = ()) -> Area:
    return Area(
        area_id, name, "england", "pfcc",
        f"Office of the Police, Fire and Crime Commissioner for {name}", since, former,
    )


def _first_pcc(area_id: str, name: str) -> Former:
    """The area's first PCC, elected in November 2012, as a body of its own in the history."""
    return Former(f"{area_id}-pcc-2012", f"Office of the Police and Crime Commissioner for {name}",
                  "pcc", FIRST_PCCS)


# The City of London's term has no start date. Its Common Council is the police authority of
# the City's police area under the City of London Police Act 1839, not an elected local
# policing body (DOMAIN.md, "Policing body"), and s.10 does not bind it: no date says truly
# when it "took" the functions the hub records for the other areas. 22 November 2012 (the
# first PCCs) never applied to it, and 22 August 1996 (the Police Act 1996's commencement)
# only consolidated what it already was. So the hub records and shows none.


AREAS: tuple[Area, ...] = (
    _pcc("avon-and-somerset", "Avon and Somerset"),
    _pcc("bedfordshire", "Bedfordshire"),
    _pcc("cambridgeshire", "Cambridgeshire"),
    _pcc("cheshire", "Cheshire"),
    Area("city-of-london", "City of London", "england", "city_of_london",
         "City of London Corporation (Police Authority Board)", None),
    _pcc("cleveland", "Cleveland"),
    # Fire and rescue functions passed to the Cumbria commissioner on 1 April 2023.
    _pfcc("cumbria", "Cumbria", date(2023, 4, 1), (_first_pcc("cumbria", "Cumbria"),)),
    _pcc("derbyshire", "Derbyshire"),
    _pcc("devon-and-cornwall", "Devon and Cornwall"),
    _pcc("dorset", "Dorset"),
    _pcc("durham", "Durham"),
    _pfcc("essex", "Essex", date(2017, 10, 1)),
    _pcc("gloucestershire", "Gloucestershire"),
    Area("greater-manchester", "Greater Manchester", "england", "mayor",
         "Greater Manchester Combined Authority (Mayor's Office)", date(2017, 5, 8)),
    _pcc("hampshire", "Hampshire and Isle of Wight"),
    _pcc("hertfordshire", "Hertfordshire"),
    _pcc("humberside", "Humberside"),
    _pcc("kent", "Kent"),
    _pcc("lancashire", "Lancashire"),
    _pcc("leicestershire", "Leicestershire"),
    _pcc("lincolnshire", "Lincolnshire"),
    _pcc("merseyside", "Merseyside"),
    Area("metropolitan", "Metropolitan Police District", "england", "mopac",
         "Mayor's Office for Policing and Crime (MOPAC)", date(2012, 1, 16)),
    _pcc("norfolk", "Norfolk"),
    # PCC from 2012, PFCC from 15 November 2018 (fire and rescue functions), the York and
    # North Yorkshire mayor from 7 May 2024 (police and fire).
    Area("north-yorkshire", "North Yorkshire", "england", "mayor",
         "York and North Yorkshire Combined Authority (Mayor's Office)", date(2024, 5, 7),
         (_first_pcc("north-yorkshire", "North Yorkshire"),
          Former("north-yorkshire-pfcc",
                 "Office of the Police, Fire and Crime Commissioner for North Yorkshire",
                 "pfcc", date(2018, 11, 15)))),
    _pfcc("northamptonshire", "Northamptonshire", date(2019, 1, 1)),
    _pcc("northumbria", "Northumbria"),
    _pcc("nottinghamshire", "Nottinghamshire"),
    Area("south-yorkshire", "South Yorkshire", "england", "mayor",
         "South Yorkshire Mayoral Combined Authority (Mayor's Office)", date(2024, 5, 7)),
    _pfcc("staffordshire", "Staffordshire", date(2018, 8, 1)),
    _pcc("suffolk", "Suffolk"),
    _pcc("surrey", "Surrey"),
    _pcc("sussex", "Sussex"),
    _pcc("thames-valley", "Thames Valley"),
    _pcc("warwickshire", "Warwickshire"),
    _pcc("west-mercia", "West Mercia"),
    _pcc("west-midlands", "West Midlands"),
    Area("west-yorkshire", "West Yorkshire", "england", "mayor",
         "West Yorkshire Combined Authority (Mayor's Office)", date(2021, 5, 10)),
    _pcc("wiltshire", "Wiltshire"),
    _pcc("dyfed-powys", "Dyfed-Powys", "wales"),
    _pcc("gwent", "Gwent", "wales"),
    _pcc("north-wales", "North Wales", "wales"),
    _pcc("south-wales", "South Wales", "wales"),
)


def office_id(area_id: str) -> str:
    """The organisation id of an area's policing body office."""
    return f"{area_id}-opcc"
