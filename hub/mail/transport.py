"""Sending stored messages: by SMTP, through GOV.UK Notify, or into the outbox.

A job opens one :class:`Sender` for all the messages it sends (one SMTP connection, one
Notify client) and sends them one after another. A sender raises :class:`SendFailed` for a
message the provider did not take; the job records it and retries that message alone.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from hub.mail.config import MailConfig, Provider

_METHOD = re.compile(r"^METHOD:(\w+)\r?$", re.MULTILINE)


class SendFailed(Exception):
    """The provider did not take a message; the text says why."""


class Sender(Protocol):
    """Sends one stored message; returns the provider's reference for it, if any."""

    def __call__(self, message: Any) -> str | None: ...


def mime(message: Any, sender: str) -> EmailMessage:
    """A stored message as MIME: plain text and HTML alternatives, and for a meeting its iMIP
    ``text/calendar`` part (RFC 6047: its ``method`` parameter says what the part's
    ``METHOD`` says), last, the part calendar clients act on."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=message.message_key[:16], domain=domain)
    # RFC 3834: mail a program sent; out-of-office replies are not to answer it.
    email["Auto-Submitted"] = "auto-generated"
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    if message.calendar:
        found = _METHOD.search(message.calendar)
        email.add_alternative(
            message.calendar, subtype="calendar",
            params={"method": found.group(1) if found else "PUBLISH"},
        )
    return email


@contextmanager
def open_sender(config: MailConfig) -> Iterator[tuple[Provider, Sender]]:
    """The configured provider and a sender for it, open for as long as the block runs."""
    if config.provider is Provider.NOTIFY:
        yield Provider.NOTIFY, _notify_sender(config)
    elif config.provider is Provider.SMTP:
        with _smtp(config) as connection:
            yield Provider.SMTP, _smtp_sender(connection, config)
    else:
        yield Provider.OUTBOX, lambda _message: None


@contextmanager
def _smtp(config: MailConfig) -> Iterator[smtplib.SMTP]:
    context = ssl.create_default_context(cafile=config.smtp_ca_file or None)
    try:
        connection: smtplib.SMTP
        if config.smtp_tls:
            connection = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port,
                                          timeout=config.timeout, context=context)
        else:
            connection = smtplib.SMTP(config.smtp_host, config.smtp_port,
                                      timeout=config.timeout)
            if config.smtp_starttls:
                connection.starttls(context=context)
        if config.smtp_username:
            connection.login(config.smtp_username, config.smtp_password)
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(f"could not reach the SMTP server: {error}") from error
    try:
        yield connection
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def _smtp_sender(connection: smtplib.SMTP, config: MailConfig) -> Sender:
    def send(message: Any) -> str | None:
        email = mime(message, config.sender)
        try:
            refused = connection.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(f"SMTP: {error}") from error
        if refused:
            raise SendFailed(f"SMTP refused the recipient: {refused}")
        return str(email["Message-ID"])

    return send


def _notify_sender(config: MailConfig) -> Sender:
    client = NotificationsAPIClient(
        config.notify_api_key, base_url=config.notify_base_url, timeout=config.timeout
    )

    def send(message: Any) -> str | None:
        # Notify sends from its own templates: the hub's has ((subject)) and ((body)); it
        # carries no attachments, so a meeting's calendar part goes by SMTP only.
        try:
            answer = client.send_email_notification(
                email_address=message.recipient, template_id=config.notify_template_id,
                personalisation={"subject": message.subject, "body": message.text_body},
                reference=message.message_key,
                one_click_unsubscribe_url=_unsubscribe_url(message.headers),
            )
        except (APIError, OSError) as error:
            raise SendFailed(f"Notify: {error}") from error
        return str(answer.get("id")) if isinstance(answer, dict) else None

    return send


def _unsubscribe_url(headers: dict[str, str]) -> str | None:
    """The one-click unsubscribe URL of a message's ``List-Unsubscribe`` header, if any."""
    value = headers.get("List-Unsubscribe", "")
    return value.strip("<>") or None
