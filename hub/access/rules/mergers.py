"""Who may issue the commands of mergers (DOMAIN.md)."""

from __future__ import annotations

from hub.access.policy import Rule
from schemas.commands import Command

RULES: dict[type[Command], Rule] = {}
