"""Shared by the deciders' tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from hub.domain.errors import DomainError
from hub.domain.record import RecordType


def accepts(record: RecordType[Any], state: Any, command: BaseModel, now: datetime) -> bool:
    """True when ``record`` would accept ``command`` in ``state`` at ``now``."""
    try:
        record.decide(state, command, now)
    except DomainError:
        return False
    return True
