"""The operator's mail settings, read from the environment on each use (tests change them).

- ``HUB_MAIL_FROM`` (``Partnership Hub <hub@localhost>``): the sender of every message.
- ``HUB_NOTIFY_API_KEY``: a GOV.UK Notify API key; when set, mail goes through Notify.
  ``HUB_NOTIFY_TEMPLATE_ID`` names the Notify email template, whose subject is ``((subject))``
  and whose body is ``((body))``; ``HUB_NOTIFY_BASE_URL`` changes the API's address.
- ``HUB_SMTP_HOST`` (with ``HUB_SMTP_PORT``, ``587``): an SMTP server; when set (and Notify is
  not), mail goes there. ``HUB_SMTP_USERNAME`` and ``HUB_SMTP_PASSWORD`` authenticate;
  ``HUB_SMTP_STARTTLS`` (``1``) upgrades the connection with STARTTLS before that, and
  ``HUB_SMTP_TLS`` (off) speaks TLS from the start (port 465). ``HUB_SMTP_CA_FILE`` names
  certificates to verify a private relay's certificate with (the system's are used otherwise).
- Neither set: nothing leaves the machine. Messages stay in the outbox, which an operator
  reads at ``/admin/outbox`` (embedded mode and the demo work so).
- ``HUB_MAIL_BACKOFF`` (``0,60,300,1800,7200,21600``): seconds to wait before each attempt;
  how many there are is how many attempts a message gets.
- ``HUB_MAIL_TIMEOUT_SECONDS`` (``30``): how long a connection to the provider may take.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_BACKOFF = (0.0, 60.0, 300.0, 1800.0, 7200.0, 21600.0)
NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"


class Provider(StrEnum):
    """Where messages go."""

    NOTIFY = "notify"
    SMTP = "smtp"
    OUTBOX = "outbox"


class MailConfigError(ValueError):
    """A mail setting holds something the hub cannot use."""


@dataclass(frozen=True)
class MailConfig:
    """Every mail setting."""

    sender: str = "Partnership Hub <hub@localhost>"
    notify_api_key: str = ""
    notify_template_id: str = ""
    notify_base_url: str = NOTIFY_BASE_URL
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_ca_file: str = ""
    backoff: tuple[float, ...] = DEFAULT_BACKOFF
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> MailConfig:
        """Read the settings from ``os.environ``; :class:`MailConfigError` names a bad one."""
        config = cls(
            sender=_env("HUB_MAIL_FROM") or cls.sender,
            notify_api_key=_env("HUB_NOTIFY_API_KEY"),
            notify_template_id=_env("HUB_NOTIFY_TEMPLATE_ID"),
            notify_base_url=_env("HUB_NOTIFY_BASE_URL") or NOTIFY_BASE_URL,
            smtp_host=_env("HUB_SMTP_HOST"),
            smtp_port=_number("HUB_SMTP_PORT", cls.smtp_port),
            smtp_username=_env("HUB_SMTP_USERNAME"),
            smtp_password=_env("HUB_SMTP_PASSWORD"),
            smtp_starttls=_flag("HUB_SMTP_STARTTLS", default=True),
            smtp_tls=_flag("HUB_SMTP_TLS", default=False),
            smtp_ca_file=_env("HUB_SMTP_CA_FILE"),
            backoff=_backoff(_env("HUB_MAIL_BACKOFF")) or DEFAULT_BACKOFF,
            timeout=float(_number("HUB_MAIL_TIMEOUT_SECONDS", 30)),
        )
        if config.notify_api_key and not config.notify_template_id:
            raise MailConfigError("HUB_NOTIFY_TEMPLATE_ID must be set with HUB_NOTIFY_API_KEY")
        return config

    @property
    def provider(self) -> Provider:
        """Notify when its key is set, else SMTP when a server is named, else the outbox."""
        if self.notify_api_key:
            return Provider.NOTIFY
        if self.smtp_host:
            return Provider.SMTP
        return Provider.OUTBOX

    @property
    def attempts(self) -> int:
        """How many attempts a message gets before it is marked failed."""
        return len(self.backoff)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _flag(name: str, *, default: bool) -> bool:
    raw = _env(name).lower()
    return default if not raw else raw in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise MailConfigError(f"{name} must be a whole number") from None
    if value <= 0:
        raise MailConfigError(f"{name} must be more than zero")
    return value


def _backoff(raw: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise MailConfigError("HUB_MAIL_BACKOFF must be seconds separated by commas") from None
    if any(d < 0 for d in delays):
        raise MailConfigError("HUB_MAIL_BACKOFF delays cannot be negative")
    return delays
