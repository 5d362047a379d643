"""Webhook settings from the environment, with production defaults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.webhooks.config import DEFAULT_BACKOFF, ConfigError, WebhookConfig


def test_the_defaults_are_the_published_retry_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUB_WEBHOOK_BACKOFF", "HUB_WEBHOOKS_ALLOW_HTTP", "HUB_PUBLIC_URL",
                 "HUB_WEBHOOKS_ALLOW_NETWORKS", "HUB_WEBHOOK_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    config = WebhookConfig.from_env()
    assert config.backoff == DEFAULT_BACKOFF == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    assert config.attempts == 8 and config.timeout == 10
    assert config.allow_http is False and config.allow_networks == ()
    assert config.disable_after == timedelta(days=5)
    assert config.origin == "127.0.0.1"


def test_tests_shorten_the_schedule_and_allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_WEBHOOK_BACKOFF", "0,0.2,0.2,0.2")
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8, ::1/128")
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_HTTP", "1")
    monkeypatch.setenv("HUB_PUBLIC_URL", "https://hub.example.org/")
    config = WebhookConfig.from_env()
    assert config.backoff == (0, 0.2, 0.2, 0.2) and config.attempts == 4
    assert [str(n) for n in config.allow_networks] == ["127.0.0.0/8", "::1/128"]
    assert config.allow_http and config.origin == "hub.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUB_WEBHOOK_BACKOFF", "0,soon"),
        ("HUB_WEBHOOK_BACKOFF", "0,-5"),
        ("HUB_WEBHOOKS_ALLOW_NETWORKS", "localhost"),
        ("HUB_WEBHOOK_TIMEOUT_SECONDS", "0"),
    ],
)
def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        WebhookConfig.from_env()
