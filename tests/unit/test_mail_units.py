"""Mail's pure parts: settings from the environment, signed unsubscribe tokens, message keys,
dates as people write them, and the MIME of a stored message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from hub.mail.config import DEFAULT_BACKOFF, MailConfig, MailConfigError, Provider
from hub.mail.notices import day, london
from hub.mail.outbox import message_key
from hub.mail.preferences import read_unsubscribe_token, unsubscribe_token
from hub.mail.transport import mime

MAIL_VARIABLES = ("HUB_MAIL_FROM", "HUB_NOTIFY_API_KEY", "HUB_NOTIFY_TEMPLATE_ID",
                  "HUB_SMTP_HOST", "HUB_SMTP_PORT", "HUB_MAIL_BACKOFF", "HUB_SMTP_STARTTLS")


@pytest.fixture(autouse=True)
def no_mail_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in MAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_nothing_configured_keeps_mail_in_the_outbox() -> None:
    config = MailConfig.from_env()
    assert config.provider is Provider.OUTBOX
    assert config.backoff == DEFAULT_BACKOFF and config.attempts == 6
    assert config.smtp_port == 587 and config.smtp_starttls


def test_notify_wins_over_smtp_and_needs_its_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SMTP_HOST", "smtp.example.org")
    assert MailConfig.from_env().provider is Provider.SMTP
    monkeypatch.setenv("HUB_NOTIFY_API_KEY", "key")
    with pytest.raises(MailConfigError, match="HUB_NOTIFY_TEMPLATE_ID"):
        MailConfig.from_env()
    monkeypatch.setenv("HUB_NOTIFY_TEMPLATE_ID", "template")
    assert MailConfig.from_env().provider is Provider.NOTIFY


@pytest.mark.parametrize(("name", "value"), [
    ("HUB_SMTP_PORT", "twenty-five"), ("HUB_SMTP_PORT", "0"),
    ("HUB_MAIL_BACKOFF", "0,soon"), ("HUB_MAIL_BACKOFF", "0,-1"),
])
def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(MailConfigError, match=name):
        MailConfig.from_env()


def test_an_unsubscribe_token_names_its_user_and_kind_and_cannot_be_forged() -> None:
    token = unsubscribe_token("secret", "user-1", "merger")
    assert read_unsubscribe_token("secret", token) == ("user-1", "merger")
    assert read_unsubscribe_token("another secret", token) is None
    payload, signature = token.split(".")
    other = unsubscribe_token("secret", "user-2", "merger").split(".")[0]
    assert read_unsubscribe_token("secret", f"{other}.{signature}") is None
    assert read_unsubscribe_token("secret", payload) is None
    assert read_unsubscribe_token("secret", "") is None


def test_a_message_key_ignores_the_case_of_the_address_only() -> None:
    assert message_key("e1", "merger", "A@Example.org") == message_key("e1", "merger",
                                                                        "a@example.org")
    assert len({message_key("e1", "merger", "a@x.org"), message_key("e2", "merger", "a@x.org"),
                message_key("e1", "meeting_papers", "a@x.org")}) == 3


def test_dates_and_times_read_as_people_write_them_in_london() -> None:
    assert day(date(2027, 2, 1)) == day("2027-02-01") == "1 February 2027"
    assert london(datetime(2027, 7, 12, 9, tzinfo=UTC)) == "Monday 12 July 2027, 10:00"
    assert london("2027-01-12T10:00:00+00:00") == "Tuesday 12 January 2027, 10:00"


def test_the_mime_carries_both_parts_the_headers_and_the_calendar_method() -> None:
    stored = SimpleNamespace(
        message_key="k" * 64, recipient="a@example.org", subject="Invitation: Ŵyr, 10:00",
        text_body="Plain", html_body="<p>Rich</p>",
        calendar="BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n",
        headers={"List-Unsubscribe": "<https://hub.example.org/mail/unsubscribe/t>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    email = mime(stored, "Partnership Hub <hub@hub.example.org>")
    assert email["Subject"] == "Invitation: Ŵyr, 10:00"
    assert email["Message-ID"].endswith("@hub.example.org>")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    types = [p.get_content_type() for p in email.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    assert list(email.iter_parts())[2].get_param("method") == "CANCEL"
