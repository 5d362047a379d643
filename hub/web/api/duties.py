"""The Section 10 duty register API: priorities, regard decisions, the police and crime plan,
reciprocal regard and criminal justice arrangements (PRSRA s.10, CDA s.6(1A))."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.access.accounts import Permission
from hub.domain import duties as domain
from hub.handlers import duties as handlers
from hub.projections import duties as tables
from hub.queries.records import Child, RecordQueries
from hub.web.api.openapi import Query, api
from hub.web.api.records import Action, Create, RecordApi, jsonable, row_model
from hub.web.auth import hub_of, require_caller
from schemas import answers
from schemas.requests import duties as requests

PRIORITIES = RecordQueries(tables.priorities, "priority_id", "priority", "priority")
DECISIONS = RecordQueries(
    tables.decisions, "decision_id", "regard_decision", "decision",
    children=[Child("priorities", tables.decision_priorities, "decision_id")],
)
PLANS = RecordQueries(tables.plans, "plan_id", "police_crime_plan", "plan")
RECIPROCAL = RecordQueries(
    tables.strategy_regards, "regard_id", "reciprocal_regard", "reciprocal regard",
    children=[Child("objectives", tables.strategy_objectives, "regard_id")],
)
ARRANGEMENTS = RecordQueries(
    tables.arrangements, "arrangement_id", "cj_arrangement", "arrangement",
    children=[Child("parties", tables.arrangement_parties, "arrangement_id")],
)
AREA = Query("area_id", "records of this police area")


def _api(
    collection: str, queries: RecordQueries, create: Create, actions: list[Action],
    filters: list[Query],
) -> RecordApi:
    return RecordApi(
        collection=collection, id_parameter=queries.key, create=create,
        actions=actions, get=queries.get, history=queries.history, list=queries.list,
        record=row_model(
            "".join(p.capitalize() for p in queries.stream_type.split("_")), queries.table,
            [c.name for c in queries.children],
        ),
        filters=filters, errors=domain.ERRORS, tag="duty register",
    )


APIS = [
    _api("priorities", PRIORITIES,
         Create(handlers.register_priority, requests.RegisterPriorityRequest), [
             Action("revise", handlers.revise_priority, requests.RevisePriorityRequest),
             Action("retire", handlers.retire_priority, requests.RetirePriorityRequest),
         ], [AREA, Query("organisation_id", "priorities of this authority"),
             Query("theme", "priorities of this theme")]),
    _api("regard-decisions", DECISIONS,
         Create(handlers.record_decision, requests.RecordDecisionRequest), [
             Action("regard-notes", handlers.note_regard, requests.NoteRegardRequest),
             Action("finalise", handlers.finalise_decision, requests.FinaliseDecisionRequest),
         ], [AREA]),
    _api("police-crime-plans", PLANS,
         Create(handlers.record_plan, requests.RecordPlanRequest), [
             Action("revise", handlers.revise_plan, requests.RevisePlanRequest),
             Action("retire", handlers.retire_plan, requests.RetirePlanRequest),
         ], [AREA]),
    _api("reciprocal-regards", RECIPROCAL,
         Create(handlers.record_strategy_regard, requests.RecordStrategyRegardRequest), [
             Action("objective-notes", handlers.note_objective_regard,
                    requests.NoteObjectiveRegardRequest),
             Action("devolved-objectives", handlers.mark_objective_devolved,
                    requests.MarkObjectiveDevolvedRequest),
             Action("finalise", handlers.finalise_strategy_regard,
                    requests.FinaliseStrategyRegardRequest),
         ], [AREA, Query("organisation_id", "regard recorded by this authority")]),
    _api("cj-arrangements", ARRANGEMENTS,
         Create(handlers.draft_arrangement, requests.DraftArrangementRequest), [
             Action("agree", handlers.agree_arrangement, requests.AgreeArrangementRequest),
             Action("review", handlers.review_arrangement, requests.ReviewArrangementRequest),
             Action("vary", handlers.vary_arrangement, requests.VaryArrangementRequest),
             Action("end", handlers.end_arrangement, requests.EndArrangementRequest),
         ], [AREA, Query("status", "any of these statuses (repeat the parameter)", "array")]),
]


@api(errors=domain.ERRORS, tag="duty register", response=answers.Object)
async def decision_register(request: Request) -> JSONResponse:
    """A decision with each priority's outcome: considered, a gap, outside the duty, reasoned."""
    actor = require_caller(request, Permission.READ_EVENTS).actor
    found = handlers.decision_register(
        hub_of(request), request.path_params["record_id"], area_ids=actor.area_ids
    )
    return JSONResponse(jsonable(found))


ROUTES = [
    Route("/api/regard-decisions/{record_id}/register", decision_register, methods=["GET"]),
    *(route for record_api in APIS for route in record_api.routes()),
]
