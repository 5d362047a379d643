"""Prometheus metrics, one registry for the whole app, served at ``/metrics``.

In production the metrics need a bearer token (``HUB_METRICS_TOKEN``), and without one set
they are not served at all: counts of deliveries and failures are for the operator, not for
anyone who can reach the web process. Embedded mode, on a laptop's loopback, serves them
openly unless a token is set.
"""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub.web.auth import hub_of

REGISTRY = CollectorRegistry()
"""Every metric of the hub registers here (not the global default, so tests stay isolated)."""


async def metrics(request: Request) -> Response:
    """The metrics in Prometheus' text format, to the operator's scraper."""
    settings = hub_of(request).settings
    token = settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return Response(
                "send the metrics token as 'Authorization: Bearer …'\n", status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'}, media_type="text/plain",
            )
    elif not settings.embedded:
        raise HTTPException(404, "Not Found")  # the same answer as any unknown path
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
