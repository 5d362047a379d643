"""Clocks for the hub (``Hub.clock``) that tests control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
"""Where a hand-moved clock starts unless told: a Tuesday morning, London time = UTC."""


class HandClock:
    """A clock the test moves by hand: it reads ``now`` until the test changes it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock on by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)


class ShiftedClock:
    """Real time shifted to a chosen moment: it runs on as real time does."""

    def __init__(self, moment: datetime) -> None:
        self.set(moment)

    def set(self, moment: datetime) -> None:
        """Make the clock read ``moment`` now."""
        self.offset = moment - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset
