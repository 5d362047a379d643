"""Read models of report requests under CDA s.7."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
