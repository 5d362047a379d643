"""Liveness and readiness probes for operators and load balancers."""

from __future__ import annotations

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.bootstrap import Hub
from hub.web.metrics import operator_may_read
from workers.dispatcher import Dispatcher


async def healthz(_request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database and Redis answer, and live sockets are subscribed; names under ``down``
    each dependency that is not there, and reports the dispatcher's lag in events to the
    operator (the metrics token): a count of the whole log's undispatched events would tell
    anyone how busy other areas are.

    503 while anything is down: a load balancer then sends new requests elsewhere, though
    the process keeps serving what it can (reads without Redis, sockets catching up).
    """
    # The probes block (up to Redis's socket timeout when its host drops packets): off the
    # event loop, so that the process's sockets and requests go on meanwhile.
    checks, down = await run_in_threadpool(
        _probe, request.app.state.hub, operator_may_read(request)
    )
    broker = getattr(request.app.state, "live_broker", None)
    if broker is not None and not broker.subscribed:
        checks["live"] = "resubscribing to Redis"
        down.append("live")
    checks["status"] = "unready" if down else "ready"
    if down:
        checks["down"] = down
    return JSONResponse(checks, status_code=503 if down else 200)


def _probe(hub: Hub, with_lag: bool) -> tuple[dict[str, object], list[str]]:
    """Ask the database and Redis; what each answered, and which are down. The dispatcher's
    lag only ``with_lag`` (for the operator)."""
    checks: dict[str, object] = {}
    down: list[str] = []
    try:
        with hub.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        if with_lag:
            checks["dispatcher_lag"] = Dispatcher(hub).lag()
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        down.append("database")
    try:
        hub.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
        down.append("redis")
    return checks, down
