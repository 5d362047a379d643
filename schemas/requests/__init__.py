"""Request models: exactly what a caller may send for each command, one module per record type.

A command (``schemas.commands``) is what the decider is given: the caller's request *and* the
facts the hub resolved (marked ``Resolved`` there). A request holds only the first part. API
bodies and page forms are built from these models, and each API route names its own, so that
what a caller may send is declared once, here, and published in ``/openapi.json``.
"""

from schemas.requests.base import ActionRequest, CallerRequest, all_requests

__all__ = ["ActionRequest", "CallerRequest", "all_requests"]
