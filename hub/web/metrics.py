"""Prometheus metrics, one registry for the whole app, served at ``/metrics``."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.requests import Request
from starlette.responses import Response

REGISTRY = CollectorRegistry()
"""Every metric of the hub registers here (not the global default, so tests stay isolated)."""


async def metrics(_request: Request) -> Response:
    """The metrics in Prometheus' text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
