"""The HTTP client webhooks go out on: checked addresses only, no redirects, a hard deadline.

Its network backend resolves each host itself, refuses the connection when the SSRF guard
refuses any address, and connects to an address it has just checked; TLS still verifies the
certificate against the URL's host name. Connections are kept alive per host, so a busy
endpoint costs one handshake, not one per delivery.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from hub.webhooks import guard
from hub.webhooks.config import Network, WebhookConfig
from hub.webhooks.errors import UrlNotAllowed, UrlUnresolvable

RESPONSE_KEPT = 2048
"""How much of a response body the message log keeps."""
USER_AGENT = "PartnershipHub-Webhooks/1.0"


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the SSRF guard accepts."""

    def __init__(self, config: WebhookConfig) -> None:
        self.config = config

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve ``host``, check every address, then connect to the first that answers."""
        addresses = guard.resolve(host, port, self.config)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded backend underneath (no proxies, ever)."""

    def __init__(self, config: WebhookConfig) -> None:
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend, so the pool is rebuilt with one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=30.0,
            network_backend=GuardedBackend(config),
        )


@dataclass(frozen=True)
class Answer:
    """What one request got: a status and the start of the body, or an error."""

    status_code: int | None
    latency_ms: int
    body: str | None = None
    error: str | None = None
    headers: Mapping[str, str] | None = None

    @property
    def ok(self) -> bool:
        """Any 2xx is success."""
        return self.status_code is not None and 200 <= self.status_code < 300


def request(
    config: WebhookConfig, method: str, url: str, headers: Mapping[str, str],
    body: bytes | None = None,
) -> Answer:
    """Send one request within ``config.timeout`` all told; never raises for network trouble."""
    client = _client(config.allow_networks, config.timeout)
    started = time.monotonic()
    deadline = started + config.timeout
    try:
        with client.stream(method, url, headers=headers, content=body) as response:
            kept = bytearray()
            for chunk in response.iter_bytes():
                kept += chunk
                if len(kept) >= RESPONSE_KEPT:
                    break
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the response took too long")
            return Answer(
                response.status_code, _ms(started),
                bytes(kept[:RESPONSE_KEPT]).decode("utf-8", errors="replace"),
                headers=response.headers,
            )
    except UrlNotAllowed as refused:
        return Answer(None, _ms(started), error=f"refused: {refused.message}")
    except UrlUnresolvable as unresolved:
        return Answer(None, _ms(started), error=unresolved.message)
    except httpx.TimeoutException:
        return Answer(None, _ms(started), error=f"no answer within {config.timeout:g} seconds")
    except httpx.HTTPError as error:
        return Answer(None, _ms(started), error=f"{type(error).__name__}: {error}"[:500])


@lru_cache(maxsize=8)
def _client(allowed: tuple[Network, ...], timeout: float) -> httpx.Client:
    config = WebhookConfig(allow_networks=allowed, timeout=timeout, allow_http=True)
    return httpx.Client(
        transport=GuardedTransport(config),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT},
    )


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
