"""The SSRF guard: the hub posts only to public addresses, checked after DNS resolution.

An endpoint URL is checked when it is registered, and every connection the hub opens is checked
again at connect time by :mod:`hub.webhooks.transport`'s network backend, which resolves the
name, refuses the connection if *any* address is refused, and connects to an address it has
just checked, so a DNS answer that changes between the check and the connection (DNS
rebinding) gains nothing.

Refused: every address that is not globally routable (loopback, private, link-local, CGNAT,
unique-local, documentation, ...), multicast, reserved or unspecified, and the cloud metadata
services; IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by the
address they embed too. The operator may let networks through with
``HUB_WEBHOOKS_ALLOW_NETWORKS`` (e.g. for a receiver on the same private network).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from hub.domain.errors import N_
from hub.webhooks.config import Network, WebhookConfig
from hub.webhooks.errors import InsecureUrl, UrlInvalid, UrlNotAllowed, UrlUnresolvable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200",
              "168.63.129.16")
)
"""Cloud metadata and host services (AWS, ECS, AWS IPv6, Alibaba, Azure)."""
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
MAX_URL = 2000


def refusal(address: IPAddress, allowed: tuple[Network, ...] = ()) -> str | None:
    """Why the hub must not connect to ``address`` (None when it may)."""
    forms = _forms(address)
    if any(form in network for form in forms for network in allowed):
        return None
    # The embedded IPv4 address, when there is one, says best what the address really is.
    for form in reversed(forms):
        if form in METADATA:
            return "a cloud metadata address"
        if form.is_loopback:
            return "a loopback address"
        if form.is_link_local:
            return "a link-local address"
        if form.is_multicast or form.is_unspecified or form.is_reserved:
            return "an address that is not a host on the internet"
        if not form.is_global:
            return "a private address"
    return None


def check_url(url: str, config: WebhookConfig) -> SplitResult:
    """The parsed URL if its form is acceptable (scheme, host, no credentials)."""
    if len(url) > MAX_URL:
        raise UrlInvalid(N_("the URL must be %(MAX_URL)s characters or fewer"), MAX_URL=MAX_URL)
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise UrlInvalid(N_("enter a full URL, like https://partner.example.org/hooks")) from None
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise UrlInvalid(N_("enter a full URL, like https://partner.example.org/hooks"))
    if parts.scheme == "http" and not config.allow_http:
        raise InsecureUrl(N_("the URL must start with https://"))
    if parts.username is not None or parts.password is not None:
        raise UrlInvalid(N_("put no user name or password in the URL"))
    return parts


def resolve(host: str, port: int, config: WebhookConfig) -> list[str]:
    """Every address ``host`` resolves to, all of them checked; refused if any is refused."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UrlUnresolvable(N_("the host name %(host)r does not resolve"), host=host) from None
    addresses = list(dict.fromkeys(str(a[4][0]) for a in answers))
    if not addresses:
        raise UrlUnresolvable(N_("the host name %(host)r does not resolve"), host=host)
    for text in addresses:
        why = refusal(ipaddress.ip_address(text), config.allow_networks)
        if why is not None:
            raise UrlNotAllowed(
                N_("%(host)s resolves to %(why)s: the hub sends webhooks only to public internet "
                   "addresses"),
                host=host, why=why
            )
    return addresses


def check_endpoint(url: str, config: WebhookConfig) -> str:
    """The URL, normalised, once its form and every address it resolves to are acceptable."""
    parts = check_url(url, config)
    assert parts.hostname is not None
    resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), config)
    return parts.geturl()


def _forms(address: IPAddress) -> list[IPAddress]:
    forms: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            forms.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            forms.append(address.sixtofour)
        if address.teredo is not None:
            forms.append(address.teredo[1])
        if address in _NAT64:
            forms.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return forms
