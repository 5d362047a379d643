"""Demo mergers: the real North Yorkshire merger of 2014 replayed, and Leicestershire examples.

North Yorkshire (history). On 9 September 2014 the North Yorkshire PCC approved merging the six
district CSPs (Craven, Hambleton & Richmondshire, Harrogate, Ryedale, Scarborough, Selby) into
one; York stayed separate. The replay registers the organisations and CSPs of the time, then
runs the proposal, every party's consent and the effect, and then what happened since, in
order, so that today's combined CSP lists today's bodies:

- 15 November 2018: the PCC became the Police, Fire and Crime Commissioner, and the fire and
  rescue authority passed to the commissioner (a transfer of governance);
- 26 June 2021: the National Probation Service and the CRC were unified in the Probation
  Service;
- 1 July 2022: the clinical commissioning groups were replaced by integrated care boards
  (Humber and North Yorkshire; Craven by West Yorkshire);
- 1 April 2023: the districts and the county council were replaced by North Yorkshire Council;
- 7 May 2024: the York and North Yorkshire mayor took the police and fire functions.

Each change of bodies is a directory change, recorded in the order it happened: the bodies
replaced end, with their successors. The CSPs' authorities and workspaces follow, and on 1 April
2023 the CSP for the North Yorkshire Council area arises by law (CDA s.5, s.6) and the combined
CSP of 2014 ends. Simplifications, all assumptions:

- the effective date is 1 April 2015 (the start of the financial year after the approval);
- the health bodies of 2014 are the clinical commissioning groups, one or two per district,
  registered with the directory's kind for health bodies (``integrated_care_board``, the kind
  that replaced CCGs in 2022);
- probation in 2014 is the National Probation Service (North East) and the Humberside,
  Lincolnshire and North Yorkshire CRC, the providers after June 2014;
- the CSPs are registered from 22 November 2012, as every demo CSP is;
- signatories are invented (names are public facts, people are not), and every signature
  but the PCC's (9 September 2014) is dated in the weeks after it;
- the offices of the PCC and of the PFCC end when the functions pass (the PCC's office is
  recorded as succeeded by the PFCC's, and that by the mayor's), so that the workspaces
  follow the body holding the functions.

Leicestershire (invented for the demo: no such proposals exist). One merger in each state a
proposal can be in: consents being gathered, blocked by a refusal, withdrawn, and made
awaiting its effective date. Dyfed-Powys has none: combination agreements are England only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from hub.access.policy import SYSTEM, Actor
from hub.demo.partnerships import LEICESTERSHIRE, Partnership
from hub.domain import directory
from hub.domain.mergers import MERGER
from hub.domain.record import RecordType
from hub.domain.reorganisation import DIRECTORY_CHANGE
from hub.handlers.mergers import ConstituentNow, effect_plan
from schemas.commands import Command
from schemas.commands import directory as dcmd
from schemas.commands import mergers as cmd
from schemas.events.directory import (
    Country,
    OrganisationKind,
    PolicingBodyKind,
    Succession,
    WorkspaceKind,
)
from schemas.events.mergers import Purpose, SignedDocument

Step = tuple[RecordType[Any], str, Command, Actor]

NY = "north-yorkshire"
NY_OFFICE = "north-yorkshire-opcc"
"""Today's office: the York and North Yorkshire mayor's, holding the PCC functions."""
NY_PCC_2014 = "north-yorkshire-pcc-2012"
"""The office of the PCC of the day, who approved the merger in 2014 (hub/demo/areas.py)."""
NY_MERGER = "north-yorkshire-2014"
NY_COMBINED = "north-yorkshire-csp"
NY_EFFECTIVE = date(2015, 4, 1)
REGISTERED_FROM = date(2012, 11, 22)


_NY_ORGANISATIONS = (
    ("craven-district-council", "Craven District Council", "district_council"),
    ("hambleton-district-council", "Hambleton District Council", "district_council"),
    ("richmondshire-district-council", "Richmondshire District Council", "district_council"),
    ("harrogate-borough-council", "Harrogate Borough Council", "district_council"),
    ("ryedale-district-council", "Ryedale District Council", "district_council"),
    ("scarborough-borough-council", "Scarborough Borough Council", "district_council"),
    ("selby-district-council", "Selby District Council", "district_council"),
    ("north-yorkshire-county-council", "North Yorkshire County Council", "county_council"),
    ("city-of-york-council", "City of York Council", "unitary_council"),
    ("north-yorkshire-police", "North Yorkshire Police", "police_force"),
    ("north-yorkshire-fire-authority", "North Yorkshire Fire and Rescue Authority",
     "fire_and_rescue_authority"),
    ("airedale-wharfedale-craven-ccg", "NHS Airedale, Wharfedale and Craven CCG",
     "integrated_care_board"),
    ("hambleton-richmondshire-whitby-ccg", "NHS Hambleton, Richmondshire and Whitby CCG",
     "integrated_care_board"),
    ("harrogate-rural-district-ccg", "NHS Harrogate and Rural District CCG",
     "integrated_care_board"),
    ("scarborough-ryedale-ccg", "NHS Scarborough and Ryedale CCG", "integrated_care_board"),
    ("vale-of-york-ccg", "NHS Vale of York CCG", "integrated_care_board"),
    ("nps-north-east", "National Probation Service (North East)", "probation_provider"),
    ("hlny-crc", "Humberside, Lincolnshire and North Yorkshire CRC", "probation_provider"),
)
_NY_COMMON = ("north-yorkshire-police", "north-yorkshire-fire-authority", "nps-north-east",
              "hlny-crc")


def _district(csp_id: str, name: str, areas: tuple[str, ...], councils: tuple[str, ...],
              health: tuple[str, ...]) -> Partnership:
    return Partnership(csp_id, name, areas,
                 (*councils, "north-yorkshire-county-council", *_NY_COMMON, *health))


NY_DISTRICTS = (
    _district("craven-csp", "Craven Community Safety Partnership", ("Craven",),
              ("craven-district-council",), ("airedale-wharfedale-craven-ccg",)),
    _district("hambleton-richmondshire-csp",
              "Hambleton and Richmondshire Community Safety Partnership",
              ("Hambleton", "Richmondshire"),
              ("hambleton-district-council", "richmondshire-district-council"),
              ("hambleton-richmondshire-whitby-ccg",)),
    _district("harrogate-csp", "Harrogate District Community Safety Partnership",
              ("Harrogate",), ("harrogate-borough-council",),
              ("harrogate-rural-district-ccg",)),
    _district("ryedale-csp", "Ryedale Community Safety Partnership", ("Ryedale",),
              ("ryedale-district-council",), ("scarborough-ryedale-ccg",)),
    _district("scarborough-csp", "Scarborough Community Safety Partnership", ("Scarborough",),
              ("scarborough-borough-council",),
              ("scarborough-ryedale-ccg", "hambleton-richmondshire-whitby-ccg")),
    _district("selby-csp", "Selby District Community Safety Partnership", ("Selby",),
              ("selby-district-council",), ("vale-of-york-ccg",)),
)
SAFER_YORK = Partnership(
    "safer-york-partnership", "Safer York Partnership", ("York",),
    ("city-of-york-council", *_NY_COMMON, "vale-of-york-ccg"),
)

_SIGNATORIES = (
    ("Chief Executive", "Morgan Hale"), ("Director of Public Health", "Priya Raman"),
    ("Chief Constable", "Daniel Okafor"), ("Chief Fire Officer", "Helen Marsh"),
    ("Accountable Officer", "Tom Ridley"), ("Head of Service", "Grace Whitfield"),
)


def _org_actor(organisation_id: str, area_id: str) -> Actor:
    return Actor(user_id=f"demo-{organisation_id}", organisation_id=organisation_id,
                 area_ids=frozenset({area_id}))


def _directory(area_id: str, partnerships: Sequence[Partnership], office: str) -> Iterator[Step]:
    for csp in partnerships:
        yield directory.CSP, csp.csp_id, dcmd.RegisterCsp(
            csp_id=csp.csp_id, name=csp.name, area_id=area_id,
            local_government_areas=list(csp.local_government_areas),
            responsible_authorities=list(csp.authorities), valid_from=REGISTERED_FROM,
        ), SYSTEM
        space = directory.csp_workspace(csp.csp_id)
        yield directory.WORKSPACE, space, dcmd.CreateWorkspace(
            workspace_id=space, name=csp.name, kind=WorkspaceKind.CSP, area_id=area_id,
            csp_id=csp.csp_id, members=[office, *csp.authorities],
        ), SYSTEM


def _facts(area_id: str, partnerships: Sequence[Partnership]) -> list[cmd.CspFacts]:
    return [
        cmd.CspFacts(
            csp_id=c.csp_id, name=c.name, area_id=area_id, country=Country.ENGLAND,
            local_government_areas=list(c.local_government_areas),
            responsible_authorities=list(c.authorities),
        )
        for c in partnerships
    ]


def _authorities(partnerships: Sequence[Partnership]) -> list[str]:
    return list(dict.fromkeys(a for c in partnerships for a in c.authorities))


def _consent(merger_id: str, organisation_id: str, area_id: str, signed_on: date, n: int,
             document: str, *, policing_body: bool = False) -> Step:
    role, name = _SIGNATORIES[n % len(_SIGNATORIES)]
    if policing_body:
        role = "Police and Crime Commissioner"
    command = cmd.ConsentToMerger(
        merger_id=merger_id, by_organisation=organisation_id, revision=1,
        policing_body_of=[area_id] if policing_body else [],
        signatory=name, signatory_role=role, signed_on=signed_on,
        document=SignedDocument(title=document, reference=f"demo:{merger_id}:agreement"),
    )
    return MERGER, merger_id, command, _org_actor(organisation_id, area_id)


def north_yorkshire_commands() -> Iterator[Step]:
    """North Yorkshire from 2014 to today: the directory of 2014, the merger's proposal,
    consents and effect, then each change of bodies since, in order."""
    for organisation_id, name, kind in (*_NY_ORGANISATIONS, *_NY_SUCCESSORS):
        yield directory.ORGANISATION, organisation_id, dcmd.RegisterOrganisation(
            organisation_id=organisation_id, name=name, kind=OrganisationKind(kind),
            area_ids=[NY], country=Country.ENGLAND,
        ), SYSTEM
    yield from _directory(NY, (*NY_DISTRICTS, SAFER_YORK), NY_PCC_2014)
    yield MERGER, NY_MERGER, cmd.ProposeMerger(
        merger_id=NY_MERGER, by_organisation=NY_PCC_2014, area_id=NY,
        constituents=_facts(NY, NY_DISTRICTS),
        purposes=list(Purpose),
        proposed_name="North Yorkshire Community Safety Partnership",
        combined_csp_id=NY_COMBINED, effective_date=NY_EFFECTIVE,
        policing_bodies=[cmd.PolicingBodyFact(area_id=NY, organisation_id=NY_PCC_2014)],
    ), _org_actor(NY_PCC_2014, NY)
    document = "North Yorkshire community safety combination agreement"
    yield _consent(NY_MERGER, NY_PCC_2014, NY, date(2014, 9, 9), 0, document,
                   policing_body=True)
    for n, authority in enumerate(_authorities(NY_DISTRICTS)):
        yield _consent(NY_MERGER, authority, NY, date(2014, 9, 15) + timedelta(days=2 * n),
                       n, document)
    for step in effect_plan(
        merger_id=NY_MERGER, area_id=NY, area_ids=(NY,),
        name="North Yorkshire Community Safety Partnership",
        combined_csp_id=NY_COMBINED, effective_date=NY_EFFECTIVE,
        constituents=[
            ConstituentNow(c.csp_id, c.local_government_areas, c.authorities,
                           workspace_members=(NY_PCC_2014, *c.authorities))
            for c in NY_DISTRICTS
        ],
    ):
        yield step.record, step.key, step.command, SYSTEM
    yield from _since_2015()


_NY_SUCCESSORS = (
    ("north-yorkshire-pfcc-fire", "North Yorkshire Police, Fire and Crime Commissioner Fire and "
     "Rescue Authority", "fire_and_rescue_authority"),
    ("probation-yorkshire-humber", "Probation Service (Yorkshire and the Humber)",
     "probation_provider"),
    ("humber-north-yorkshire-icb", "NHS Humber and North Yorkshire ICB", "integrated_care_board"),
    ("west-yorkshire-icb", "NHS West Yorkshire ICB", "integrated_care_board"),
    ("north-yorkshire-council", "North Yorkshire Council", "unitary_council"),
    ("york-north-yorkshire-fire", "York and North Yorkshire Combined Authority (fire and rescue "
     "authority)", "fire_and_rescue_authority"),
)
"""The bodies that replaced those of 2014, registered with them so the history can name them."""

_NY_SINCE_2015: tuple[tuple[date, dict[str, str]], ...] = (
    (date(2018, 11, 15), {"north-yorkshire-fire-authority": "north-yorkshire-pfcc-fire"}),
    (date(2021, 6, 26), {"nps-north-east": "probation-yorkshire-humber",
                         "hlny-crc": "probation-yorkshire-humber"}),
    (date(2022, 7, 1), {"airedale-wharfedale-craven-ccg": "west-yorkshire-icb",
                        "hambleton-richmondshire-whitby-ccg": "humber-north-yorkshire-icb",
                        "harrogate-rural-district-ccg": "humber-north-yorkshire-icb",
                        "scarborough-ryedale-ccg": "humber-north-yorkshire-icb",
                        "vale-of-york-ccg": "humber-north-yorkshire-icb"}),
    (date(2023, 4, 1), {council: "north-yorkshire-council" for council in (
        "craven-district-council", "hambleton-district-council",
        "richmondshire-district-council", "harrogate-borough-council",
        "ryedale-district-council", "scarborough-borough-council", "selby-district-council",
        "north-yorkshire-county-council")}),
    (date(2024, 5, 7), {"north-yorkshire-pfcc-fire": "york-north-yorkshire-fire"}),
)
"""Each reorganisation since the merger: on its date, which body replaced which."""

_NY_GOVERNANCE = {
    date(2018, 11, 15): ("north-yorkshire-pfcc", PolicingBodyKind.PFCC),
    date(2024, 5, 7): (NY_OFFICE, PolicingBodyKind.MAYOR),
}
"""The transfers of the PCC functions on those dates (hub/demo/areas.py has the bodies)."""


def _since_2015() -> Iterator[Step]:
    """Each change of bodies since the merger, in date order: the transfer of the PCC
    functions where there was one, then a directory change ending the bodies replaced, each
    with its successor. The hub carries each out as it records it (its date has passed): the
    CSPs' authorities and workspaces follow, and on 1 April 2023 the CSP for the new North
    Yorkshire Council area arises by law and the combined CSP of 2014 ends."""
    office = NY_PCC_2014
    for on, replaced in _NY_SINCE_2015:
        if on in _NY_GOVERNANCE:
            successor, kind = _NY_GOVERNANCE[on]
            yield directory.POLICE_AREA, NY, dcmd.TransferGovernance(
                area_id=NY, to_organisation_id=successor, kind=kind, on_date=on,
            ), SYSTEM
            replaced = {**replaced, office: successor}
            office = successor
        change_id = f"{NY}-{on.isoformat()}"
        yield DIRECTORY_CHANGE, change_id, dcmd.RecordDirectoryChange(
            change_id=change_id, area_id=NY, on_date=on,
            ends=[Succession(organisation_id=old, successor_ids=[new])
                  for old, new in replaced.items()],
            known=sorted({*replaced, *replaced.values()}),
        ), SYSTEM


LEICS = "leicestershire"
LEICS_OFFICE = "leicestershire-opcc"


def _leics(csp_id: str) -> Partnership:
    return next(p for p in LEICESTERSHIRE.partnerships if p.csp_id == csp_id)


def _leics_proposal(merger_id: str, a: Partnership, b: Partnership, name: str, combined: str,
                    effective: date) -> Step:
    return MERGER, merger_id, cmd.ProposeMerger(
        merger_id=merger_id, by_organisation=LEICS_OFFICE, area_id=LEICS,
        constituents=_facts(LEICS, (a, b)), purposes=[Purpose.REDUCING_CRIME_AND_DISORDER],
        proposed_name=name, combined_csp_id=combined, effective_date=effective,
        policing_bodies=[cmd.PolicingBodyFact(area_id=LEICS, organisation_id=LEICS_OFFICE)],
    ), _org_actor(LEICS_OFFICE, LEICS)


HARBOROUGH, CHARNWOOD = _leics("harborough-csp"), _leics("charnwood-csp")
BLABY, OADBY = _leics("blaby-csp"), _leics("oadby-and-wigston-csp")
HINCKLEY, NWL = _leics("hinckley-and-bosworth-csp"), _leics("north-west-leicestershire-csp")
RUTLAND, MELTON = _leics("safer-rutland"), _leics("melton-csp")


def leicestershire_commands() -> Iterator[Step]:
    """Invented Leicestershire proposals, one in each state."""
    # Signed early in 2025: the decider refuses a signature dated after today, and the demo
    # must load under any clock from then on (tests run the hub on fake clocks).
    signed = date(2025, 1, 15)
    gathering = "leicestershire-harborough-charnwood"
    yield _leics_proposal(gathering, HARBOROUGH, CHARNWOOD,
                          "Harborough and Charnwood Community Safety Partnership",
                          "harborough-charnwood-csp", date(2027, 10, 1))
    for n, authority in enumerate(_authorities((HARBOROUGH, CHARNWOOD))[:3]):
        yield _consent(gathering, authority, LEICS, signed, n, "Draft combination agreement")

    blocked = "leicestershire-blaby-oadby"
    yield _leics_proposal(blocked, BLABY, OADBY, "Blaby and Oadby & Wigston CSP",
                          "blaby-oadby-wigston-csp", date(2027, 10, 1))
    yield _consent(blocked, "blaby-council", LEICS, signed, 0, "Draft combination agreement")
    yield MERGER, blocked, cmd.RefuseMerger(
        merger_id=blocked, by_organisation="oadby-and-wigston-council", revision=1,
        reason="The borough wants to keep a partnership of its own for its town centre work.",
    ), _org_actor("oadby-and-wigston-council", LEICS)

    withdrawn = "leicestershire-hinckley-nwl"
    yield _leics_proposal(withdrawn, HINCKLEY, NWL, "West Leicestershire CSP",
                          "west-leicestershire-csp", date(2027, 4, 1))
    yield MERGER, withdrawn, cmd.WithdrawMergerProposal(
        merger_id=withdrawn, by_organisation=LEICS_OFFICE,
        reason="The districts chose a joint tasking group instead.",
    ), _org_actor(LEICS_OFFICE, LEICS)

    # Made, awaiting its date: the hub's schedule carries it out on 1 April 2028.
    made = "leicestershire-rutland-melton"
    yield _leics_proposal(made, RUTLAND, MELTON, "Rutland and Melton Community Safety Partnership",
                          "rutland-melton-csp", date(2028, 4, 1))
    yield _consent(made, LEICS_OFFICE, LEICS, signed, 0, "Combination agreement",
                   policing_body=True)
    for n, authority in enumerate(_authorities((RUTLAND, MELTON))):
        yield _consent(made, authority, LEICS, signed, n, "Combination agreement")


def demo_commands() -> Iterator[Step]:
    """Every merger demo step, in an order that respects references."""
    yield from north_yorkshire_commands()
    yield from leicestershire_commands()
