"""Liveness and readiness probes for operators and load balancers."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.bootstrap import Hub
from workers.dispatcher import Dispatcher


async def healthz(_request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database and Redis answer; reports the dispatcher's lag in events."""
    hub: Hub = request.app.state.hub
    checks: dict[str, object] = {}
    ready = True
    try:
        with hub.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["dispatcher_lag"] = Dispatcher(hub).lag()
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        ready = False
    try:
        hub.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
        ready = False
    checks["status"] = "ready" if ready else "unready"
    return JSONResponse(checks, status_code=200 if ready else 503)
