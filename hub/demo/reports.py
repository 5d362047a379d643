"""Demo report requests: one in every state, in Leicestershire and in Dyfed-Powys.

Each request has a fixed key, so the loader's idempotency keys make loading twice append
nothing. Dates count from ``today`` (a due date must lie ahead when a request is made). Given
an attachment store, submissions carry a small data table stored under a fixed id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from hub.access.policy import SYSTEM, Actor
from hub.attachments import AttachmentStore
from hub.demo.areas import office_id
from hub.demo.partnerships import DEMO_AREAS, Partnership
from hub.domain.record import RecordType
from hub.domain.reports import REPORT_REQUEST
from schemas.commands import reports as cmd
from schemas.events.directory import Country, PolicingBodyKind
from schemas.events.reports import AttachmentRef, ReportKind

Step = tuple[RecordType[Any], str, BaseModel, Actor]

_PARTNERSHIPS = {p.csp_id: (demo, p) for demo in DEMO_AREAS for p in demo.partnerships}

_DATA_TABLE = (
    b"quarter,serious_violence,asb_reports,repeat_victims\n"
    b"2025-Q3,141,1032,230\n2025-Q4,133,958,212\n2026-Q1,128,901,198\n"
)
_NOT_SATISFIED = (
    "The partnership's strategic assessment has not been refreshed since 2023 and the "
    "night-time economy plan lacks measurable outcomes."
)
_PROPORTIONATE = (
    "A short written report drawing on existing partnership data is proportionate to the "
    "concern and to the partnership's capacity."
)


class _Request:
    """Builds the steps of one demo request, acting as its requester or its first authority."""

    def __init__(
        self,
        key: str,
        csp_id: str,
        title: str,
        *,
        formal: bool,
        today: date,
        attachments: AttachmentStore | None,
    ) -> None:
        demo, csp = _PARTNERSHIPS[csp_id]
        self.key, self.csp, self.today = key, csp, today
        self.attachments = attachments
        self.office = office_id(demo.area_id)
        self.authority = csp.authorities[0]
        self.steps: list[Step] = []
        self.due_on = today + timedelta(weeks=8)
        self._add(
            cmd.RequireReport(
                request_id=key, by_organisation=self.office, csp_id=csp_id,
                kind=ReportKind.FORMAL if formal else ReportKind.INFORMAL, title=title,
                matters=_matters(csp), due_on=self.due_on,
                specified_form="No more than ten pages, with the data tables attached."
                if formal else None,
                not_satisfied_reasons=_NOT_SATISFIED if formal else None,
                proportionate_reasons=_PROPORTIONATE if formal else None,
                s6_functions_confirmed=formal,
                devolved_functions_excluded=demo.country == "wales",
                area_id=demo.area_id, country=Country(demo.country), policing_body_id=self.office,
                policing_body_kind=PolicingBodyKind.PCC, addressed=list(csp.authorities),
            )
        )

    def _add(self, command: BaseModel) -> _Request:
        self.steps.append((REPORT_REQUEST, self.key, command, SYSTEM))
        return self

    def _as_authority(self) -> dict[str, Any]:
        return {"request_id": self.key, "by_organisation": self.authority}

    def _as_requester(self) -> dict[str, Any]:
        return {"request_id": self.key, "by_organisation": self.office,
                "policing_body_id": self.office}

    def acknowledge(self) -> _Request:
        return self._add(cmd.AcknowledgeReport(**self._as_authority()))

    def ask_extension(self) -> _Request:
        return self._add(
            cmd.RequestExtension(
                **self._as_authority(), requested_due_on=self.due_on + timedelta(weeks=2),
                reason="Our analyst is on leave until the end of the month.",
            )
        )

    def grant(self) -> _Request:
        self.due_on += timedelta(weeks=2)
        return self._add(cmd.GrantExtension(**self._as_requester()))

    def refuse(self) -> _Request:
        return self._add(
            cmd.RefuseExtension(
                **self._as_requester(), reason="The panel meets on the original date."
            )
        )

    def submit(self) -> _Request:
        text, files = _report(self.csp), self._files()
        return self._add(cmd.SubmitReport(**self._as_authority(), text=text, attachments=files))

    def _files(self) -> list[AttachmentRef]:
        if self.attachments is None:
            return []
        stored = self.attachments.save(
            _DATA_TABLE, name=f"{self.csp.csp_id}-data.csv", media_type="text/csv",
            organisation_id=self.authority,
            attachment_id=hashlib.sha256(self.key.encode()).hexdigest()[:32],
        )
        return [stored.ref]

    def give_back(self) -> _Request:
        return self._add(
            cmd.ReturnReport(
                **self._as_requester(),
                reason="Please add the repeat-victim figures for the last two quarters.",
            )
        )

    def resubmit(self) -> _Request:
        text = _report(self.csp) + "\n\nRepeat victims: 212 (Q1), 198 (Q2)."
        return self._add(cmd.ResubmitReport(**self._as_authority(), text=text))

    def accept(self) -> _Request:
        return self._add(cmd.AcceptReport(**self._as_requester()))

    def publish(self) -> _Request:
        return self._add(
            cmd.PublishReport(
                **self._as_requester(), published_on=self.today,
                location=f"https://www.example.org/opcc/reports/{self.key}",
            )
        )

    def close(self) -> _Request:
        return self._add(cmd.CloseReport(**self._as_requester()))

    def withdraw(self) -> _Request:
        return self._add(
            cmd.WithdrawReport(
                **self._as_requester(), reason="Covered by the joint strategy board review."
            )
        )


def _matters(csp: Partnership) -> str:
    return (
        f"How the {csp.name} is carrying out its strategy to reduce serious violence and "
        "anti-social behaviour, and the outcomes achieved in the last twelve months."
    )


def _report(csp: Partnership) -> str:
    return (
        f"{csp.name}: the partnership refreshed its strategic assessment in the spring. "
        "Serious violence fell by 6% and anti-social behaviour reports by 11% year on year."
    )


def demo_commands(
    today: date | None = None, attachments: AttachmentStore | None = None
) -> Iterator[Step]:
    """The demo's report requests, one in every state, as (record, key, command, actor).

    With ``attachments``, each submission's data table is stored there first.
    """
    on = today or datetime.now(UTC).date()

    def request(key: str, csp_id: str, title: str, formal: bool = False) -> _Request:
        return _Request(key, csp_id, title, formal=formal, today=on, attachments=attachments)

    requests = [
        # Leicestershire (England)
        request("demo-leicester-required", "safer-leicester", "Night-time economy safety"),
        request("demo-charnwood-acknowledged", "charnwood-csp", "Student area ASB", True)
        .acknowledge(),
        request("demo-rutland-extension", "safer-rutland", "Rural crime").acknowledge()
        .ask_extension(),
        request("demo-blaby-extended", "blaby-csp", "Shop theft", True).acknowledge()
        .ask_extension().grant(),
        request("demo-melton-submitted", "melton-csp", "Domestic abuse referrals").submit(),
        request("demo-harborough-returned", "harborough-csp", "Road safety").submit()
        .give_back(),
        request("demo-hinckley-resubmitted", "hinckley-and-bosworth-csp", "Drug markets")
        .submit().give_back().resubmit(),
        request("demo-nwl-accepted", "north-west-leicestershire-csp", "Youth diversion")
        .submit().accept(),
        request("demo-oadby-published", "oadby-and-wigston-csp", "Hate crime", True)
        .acknowledge().submit().accept().publish(),
        request("demo-leicester-closed", "safer-leicester", "Knife crime", True)
        .submit().accept().publish().close(),
        request("demo-rutland-withdrawn", "safer-rutland", "Fly-tipping").withdraw(),
        # Dyfed-Powys (Wales): each request confirms it excludes devolved functions
        request("demo-powys-required", "powys-csp", "County lines", True),
        request("demo-ceredigion-refused", "ceredigion-csp", "Coastal ASB").acknowledge()
        .ask_extension().refuse(),
        request("demo-pembrokeshire-submitted", "pembrokeshire-csp", "Violence in towns")
        .submit(),
        request("demo-carmarthenshire-closed", "carmarthenshire-csp", "Rural thefts")
        .submit().accept().close(),
    ]
    for built in requests:
        yield from built.steps
