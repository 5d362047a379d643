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


def operator_may_read(request: Request) -> bool:
    """Whether ``request`` comes from the operator, who may read what the hub measures of the
    whole deployment: it carries ``Bearer $HUB_METRICS_TOKEN``, or no token is set and the hub
    runs embedded (a laptop's loopback)."""
    settings = hub_of(request).settings
    token = settings.metrics_token
    if not token:
        return settings.embedded
    sent = request.headers.get("authorization", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


async def metrics(request: Request) -> Response:
    """The metrics in Prometheus' text format, to the operator's scraper."""
    if not operator_may_read(request):
        if not hub_of(request).settings.metrics_token:
            raise HTTPException(404, "Not Found")  # the same answer as any unknown path
        return Response(
            "send the metrics token as 'Authorization: Bearer …'\n", status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'}, media_type="text/plain",
        )
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
