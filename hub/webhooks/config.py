"""The operator's webhook settings, read from the environment on each use (tests change them).

Each variable, its default, and what it means:

- ``HUB_PUBLIC_URL`` (where ``hub serve`` listens: :func:`hub.settings.public_url`): the hub's
  address as partners see it; makes ``dataschema`` URLs absolute, and its host name is the
  handshake's origin.
- ``HUB_WEBHOOKS_ALLOW_HTTP`` (off): ``1`` lets endpoints use plain ``http://``.
- ``HUB_WEBHOOKS_ALLOW_NETWORKS`` (none): comma-separated networks the SSRF guard lets
  through, e.g. ``127.0.0.0/8,::1/128``.
- ``HUB_WEBHOOK_BACKOFF`` (``0,5,300,1800,7200,18000,36000,36000``): seconds to wait before
  each attempt; how many there are is how many attempts a message gets.
- ``HUB_WEBHOOK_TIMEOUT_SECONDS`` (``10``): how long one attempt may take, all told.
- ``HUB_WEBHOOK_DISABLE_AFTER_SECONDS`` (``432000``, 5 days): an endpoint failing this long
  with no success in between is disabled.
- ``HUB_WEBHOOK_SWEEP_SECONDS`` (``15``): how often the sweep looks for attempts whose worker
  died, or whose job was lost; it bounds how long such a message waits (see the README).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from hub.settings import public_url

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_BACKOFF = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
ROTATION_OVERLAP = timedelta(hours=24)
"""How long a rotated secret keeps signing beside its successor."""
LEASE_GRACE = timedelta(seconds=5)
"""How long past its timeout an attempt may still be running before the sweep takes it over."""


class ConfigError(ValueError):
    """An environment variable holds something the hub cannot use."""


@dataclass(frozen=True)
class WebhookConfig:
    """Every webhook setting, with the defaults production should run with."""

    public_url: str = ""
    allow_http: bool = False
    allow_networks: tuple[Network, ...] = ()
    backoff: tuple[float, ...] = DEFAULT_BACKOFF
    timeout: float = 10.0
    disable_after: timedelta = timedelta(days=5)
    sweep_every: float = 15.0

    @classmethod
    def from_env(cls) -> WebhookConfig:
        """Read the settings from ``os.environ``; :class:`ConfigError` names a bad value."""
        return cls(
            public_url=public_url(),
            allow_http=_env("HUB_WEBHOOKS_ALLOW_HTTP").lower() in {"1", "true", "yes"},
            allow_networks=_networks(_env("HUB_WEBHOOKS_ALLOW_NETWORKS")),
            backoff=_backoff(_env("HUB_WEBHOOK_BACKOFF")) or DEFAULT_BACKOFF,
            timeout=_positive("HUB_WEBHOOK_TIMEOUT_SECONDS", cls.timeout),
            disable_after=timedelta(
                seconds=_positive("HUB_WEBHOOK_DISABLE_AFTER_SECONDS", 5 * 86400)
            ),
            sweep_every=_positive("HUB_WEBHOOK_SWEEP_SECONDS", cls.sweep_every),
        )

    @property
    def origin(self) -> str:
        """The ``WebHook-Request-Origin``: the DNS name partners know the hub by."""
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def lease(self) -> timedelta:
        """How long a claimed attempt may run before the sweep presumes its worker dead."""
        return timedelta(seconds=self.timeout) + LEASE_GRACE

    @property
    def attempts(self) -> int:
        """How many attempts a message gets before it is marked failed."""
        return len(self.backoff)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _networks(raw: str) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in raw.split(",") if part.strip())
    except ValueError as error:
        raise ConfigError(f"HUB_WEBHOOKS_ALLOW_NETWORKS: {error}") from None


def _backoff(raw: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError("HUB_WEBHOOK_BACKOFF must be seconds separated by commas") from None
    if any(d < 0 for d in delays):
        raise ConfigError("HUB_WEBHOOK_BACKOFF delays cannot be negative")
    return delays


def _positive(name: str, default: float) -> float:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than zero")
    return value
