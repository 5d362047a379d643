"""The Section 10 duty register of an area: each decision and its regard to every priority,
with the gaps (priorities not yet considered) highlighted and devolved ones shown as outside
the duty, not as gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, true
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.domain.directory import london_today
from hub.domain.errors import NotFound
from hub.domain.powers import Power, powers_held
from hub.i18n import N_, _
from hub.projections.directory import areas, organisations, terms
from hub.projections.duties import decision_priorities, decisions, priorities
from hub.queries.directory import csp_ids_of_area
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render


async def duty_register(request: Request) -> Response:
    """``/areas/{area_id}/duty-register``: for members of the area only (404 otherwise)."""
    caller = page_caller(request)
    area_id = request.path_params["area_id"]
    if area_id not in caller.actor.area_ids:
        raise NotFound(N_("no such area"))
    hub = hub_of(request)
    with hub.engine.connect() as conn:
        area = conn.execute(select(areas).where(areas.c.area_id == area_id)).one()
        # A holder with no start date (the City of London) has no dated term: any term
        # recorded for the area is a transfer to come.
        later = (terms.c.starts_on > area.policing_body_since
                 if area.policing_body_since is not None else true())
        coming = conn.execute(
            select(terms).where((terms.c.area_id == area_id) & later)
        ).first()
        # A combined CSP spanning police areas is on each area's register.
        of_area = (priorities.c.area_id == area_id) | priorities.c.csp_id.in_(
            csp_ids_of_area(conn, area_id))
        current = [dict(r._mapping) for r in conn.execute(
            select(priorities).where(of_area, priorities.c.retired.is_(False))
            .order_by(priorities.c.theme, priorities.c.title))]
        rows = [dict(r._mapping) for r in conn.execute(
            select(decisions).where(decisions.c.area_id == area_id)
            .order_by(decisions.c.decided_on.desc()))]
        outcomes: dict[str, list[dict[str, Any]]] = {}
        for row in conn.execute(
            select(decision_priorities).where(
                decision_priorities.c.decision_id.in_([d["decision_id"] for d in rows]))
            .order_by(decision_priorities.c.title)
        ):
            outcomes.setdefault(row.decision_id, []).append(dict(row._mapping))
        # Organisations that have ended stay on the register's history, shown as ended.
        named = {p["organisation_id"] for p in current} | {
            o["organisation_id"] for found in outcomes.values() for o in found}
        ended: dict[str, date] = {
            r.organisation_id: r.valid_to for r in conn.execute(
                select(organisations.c.organisation_id, organisations.c.valid_to).where(
                    organisations.c.organisation_id.in_(sorted(named))
                    & organisations.c.valid_to.is_not(None))
            )
        }
    names = request.app.state.organisation_names
    # The City of London is not bound by s.10, and a Police and Crime Board pending
    # legislation holds no statutory power: the register shows no gaps, only why.
    bound = Power.S10 in powers_held(
        area.policing_body_kind, today=london_today(hub.clock()),
        commenced_on=area.commenced_on, reg14a_recorded=area.reg14a_recorded,
    )
    return render(
        request, "register.html", title=_("Duty register: %(area)s") % {"area": area.name},
        area=area,
        bound=bound, coming=coming,
        priorities=current, decisions=rows, outcomes=outcomes, names=names, ended=ended,
        gaps=sum(d["unconsidered"] for d in rows if not d["finalised"]) if bound else 0,
        live_workspaces=f"area-{area_id}",
        live_after=hub.cursors.of(hub.store.head_position([f"area-{area_id}"])),
    )


ROUTES = [Route("/areas/{area_id}/duty-register", duty_register)]
