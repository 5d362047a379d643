"""Read models of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
