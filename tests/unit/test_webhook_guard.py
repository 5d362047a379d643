"""The SSRF guard: only public internet addresses, unless the operator allows a network."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.webhooks.config import WebhookConfig
from hub.webhooks.errors import InsecureUrl, UrlInvalid, UrlNotAllowed
from hub.webhooks.guard import check_endpoint, check_url, refusal, resolve

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("168.63.129.16", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("0.0.0.0", "not a host"),
        ("224.0.0.1", "not a host"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),
        ("2002:7f00:1::1", "loopback"),
    ],
)
def test_internal_addresses_are_refused(address: str, why: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_the_operator_can_allow_a_network() -> None:
    assert refusal(ipaddress.ip_address("127.0.0.1"), LOOPBACK) is None
    assert refusal(ipaddress.ip_address("::1"), LOOPBACK) is None
    assert refusal(ipaddress.ip_address("10.0.0.1"), LOOPBACK) is not None


@given(st.ip_addresses(network="10.0.0.0/8") | st.ip_addresses(network="192.168.0.0/16")
       | st.ip_addresses(network="fc00::/7") | st.ip_addresses(network="127.0.0.0/8"))
def test_every_address_of_a_private_network_is_refused(address: ipaddress._BaseAddress) -> None:
    assert refusal(address) is not None  # type: ignore[arg-type]


def test_every_resolved_address_is_checked() -> None:
    config = WebhookConfig(allow_http=True)
    with pytest.raises(UrlNotAllowed):
        resolve("127.0.0.1", 80, config)
    with pytest.raises(UrlNotAllowed):
        check_endpoint("http://169.254.169.254/latest/meta-data/", config)
    allowed = WebhookConfig(allow_http=True, allow_networks=LOOPBACK)
    assert resolve("127.0.0.1", 80, allowed) == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://partner.example.org/", InsecureUrl),
        ("ftp://partner.example.org/", UrlInvalid),
        ("https://", UrlInvalid),
        ("partner.example.org/hooks", UrlInvalid),
        ("https://user:secret@partner.example.org/", UrlInvalid),
        ("https://partner.example.org:99999/", UrlInvalid),
        ("https://partner.example.org/" + "x" * 2000, UrlInvalid),
    ],
)
def test_urls_must_be_https_without_credentials(url: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_url(url, WebhookConfig())


def test_plain_http_only_when_the_operator_allows_it() -> None:
    assert check_url("http://partner.example.org/", WebhookConfig(allow_http=True)).scheme == "http"
