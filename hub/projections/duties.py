"""Read models of the Section 10 duty register: relevant priorities, regard decisions, plan objectives, reciprocal regard and criminal justice arrangements."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
