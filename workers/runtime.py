"""The Hub a worker process's jobs run against, set once when the worker starts."""

from __future__ import annotations

from hub.bootstrap import Hub
from hub.settings import Settings

_current: Hub | None = None


def use_hub(hub: Hub) -> None:
    """Make ``hub`` the one jobs in this process use."""
    global _current
    _current = hub


def current_hub() -> Hub:
    """The hub set by :func:`use_hub`, or one built from the environment on first use."""
    global _current
    if _current is None:
        _current = Hub(Settings.from_env())
    return _current
