"""Read models of the Section 10 duty register."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
