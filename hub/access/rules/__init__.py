"""Access rules, one table per record type; :data:`ALL_RULES` combines them."""

from __future__ import annotations

from hub.access.policy import Rule
from hub.access.rules import directory, duties, meetings, mergers, reports
from schemas.commands import Command

ALL_RULES: dict[type[Command], Rule] = {
    **directory.RULES,
    **duties.RULES,
    **reports.RULES,
    **mergers.RULES,
    **meetings.RULES,
}
