"""Sign-in throttling as the NCSC advises: by client address and account together.

Failed sign-ins are counted in two moving windows: one per (address, email) pair, and one per
address across every email. An attacker hammering an account from their address is slowed
down there, while the account's owner, signing in from elsewhere, is not: nobody can lock a
real user out, which a per-account lock-out allowed. The per-address window catches one
address trying many accounts. Both count the email as typed, whether or not an account has it,
so the answers say nothing about which accounts exist.

The windows live in Redis (the ``limits`` library's moving windows), so every web process
shares them; embedded mode, one process, keeps them in memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from hub.domain.errors import DomainError


class SignInThrottled(DomainError):
    """Too many failed sign-ins from this address: wait before trying again."""

    code = "auth.throttled"
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        # English for the API; a page words it again in the reader's language, with that
        # language's plural for the minutes (:attr:`minutes`).
        super().__init__(
            f"too many failed attempts: wait {minutes} minute{'s' if minutes > 1 else ''} "
            "and try again"
        )
        self.retry_after = retry_after
        self.minutes = minutes


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failed sign-ins each window allows, over how many minutes."""

    per_account: int = 5
    per_address: int = 30
    minutes: int = 15


class SignInThrottle:
    """The two windows, checked before a sign-in and fed by its failures."""

    def __init__(
        self, storage_uri: str, options: Mapping[str, Any] | None = None,
        policy: ThrottlePolicy | None = None,
    ) -> None:
        """``options``: the storage's connection options (the hub's Redis time limits)."""
        self.policy = policy or ThrottlePolicy()
        self._limiter = MovingWindowRateLimiter(
            storage_from_string(storage_uri, key_prefix="hub:sign-in", **(options or {}))
        )
        self._pair = RateLimitItemPerMinute(self.policy.per_account, self.policy.minutes)
        self._address = RateLimitItemPerMinute(self.policy.per_address, self.policy.minutes)

    def check(self, address: str, email: str) -> None:
        """Raise :class:`SignInThrottled` (with the seconds to wait) when either window is full."""
        waits = [
            self._wait(item, *keys)
            for item, keys in self._windows(address, email)
            if not self._limiter.test(item, *keys)
        ]
        if waits:
            raise SignInThrottled(max(waits))

    def failed(self, address: str, email: str) -> None:
        """Count a failed attempt in both windows."""
        for item, keys in self._windows(address, email):
            self._limiter.hit(item, *keys)

    def succeeded(self, address: str, email: str) -> None:
        """Forget the pair's failures (the address's stay: it may be trying other accounts)."""
        self._limiter.clear(self._pair, address, _normal(email))

    def _windows(self, address: str, email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [(self._pair, (address, _normal(email))), (self._address, (address,))]

    def _wait(self, item: RateLimitItem, *keys: str) -> int:
        reset_at = self._limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset_at - time.time()))


def _normal(email: str) -> str:
    return email.strip().lower()
