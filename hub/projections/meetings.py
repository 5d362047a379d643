"""Read models of joint meetings (reg 14A and voluntary)."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
