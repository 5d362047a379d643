"""Which statutory powers the body holding an area's PCC functions has (DOMAIN.md, "The
bodies" and section 4).

The powers follow the kind of body, not the office's name:

- PCCs, PFCCs and mayors exercising PCC functions hold them all;
- MOPAC holds all but reg 14A, which speaks of commissioners: it holds that one only once the
  operator records that the power applies;
- the City of London's Common Council is not an elected local policing body: s.10 does not
  bind it, the Home Secretary holds the s.7 report power there, and it cannot require
  attendance under reg 14A; it may still agree combinations (s.5A);
- a Police and Crime Board does not exist in law yet: it holds nothing until a commencement
  date is recorded for it, and from that date what a commissioner holds.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from schemas.events.directory import PolicingBodyKind


class Power(StrEnum):
    """A statutory power of the policing body the hub's records rest on."""

    S7 = "s7"
    """Require reports from the responsible authorities (CDA s.7)."""
    S5A = "s5a"
    """Agree combination agreements (CDA s.5A)."""
    REG_14A = "reg_14a"
    """Require attendance at a meeting (reg 14A, SI 2007/1830; CDA s.6(4A))."""
    S10 = "s10"
    """Have regard and co-operate (PRSRA s.10): the duty the register records."""


ALL = frozenset(Power)

POWER_NAMES = {
    Power.S7: "the s.7 report power",
    Power.S5A: "the s.5A power to agree combinations",
    Power.REG_14A: "the reg 14A power to require attendance",
    Power.S10: "the s.10 duties",
}


def powers_held(
    kind: str | None, *, today: date, commenced_on: date | None = None,
    reg14a_recorded: bool = False,
) -> frozenset[Power]:
    """The powers a body of ``kind`` holds on ``today``.

    ``commenced_on`` is the commencement date recorded for a Police and Crime Board;
    ``reg14a_recorded`` whether the operator recorded that reg 14A applies to MOPAC.
    """
    match kind:
        case PolicingBodyKind.PCC | PolicingBodyKind.PFCC | PolicingBodyKind.MAYOR:
            return ALL
        case PolicingBodyKind.MOPAC:
            return ALL if reg14a_recorded else ALL - {Power.REG_14A}
        case PolicingBodyKind.CITY_OF_LONDON:
            return frozenset({Power.S5A})
        case PolicingBodyKind.POLICE_AND_CRIME_BOARD:
            return ALL if commenced_on is not None and commenced_on <= today else frozenset()
    return frozenset()
