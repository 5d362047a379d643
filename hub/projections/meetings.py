"""Read models of joint meetings (reg 14A and voluntary), their responses, papers, minutes and actions."""

from __future__ import annotations

from hub.projections.registry import Projections

projections = Projections()
