"""Messages rendered from Jinja2 templates, each with a plain-text and an HTML part.

``hub/mail/templates`` holds them: ``notice`` for every notice of a record, ``digest`` for the
daily summary, ``password_reset``. Links are absolute, from the hub's public address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hub import i18n
from hub.events.envelope import RecordedEvent
from hub.i18n import _
from hub.mail import imip
from hub.mail.notices import Notice
from hub.mail.outbox import Outgoing, message_key
from hub.mail.preferences import unsubscribe_token
from hub.mail.recipients import Recipient

TEMPLATES = Path(__file__).parent / "templates"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
)
# The same catalogue as the pages (hub/i18n.py). Not trimmed: a plain-text part's line breaks
# are its layout, so a {% trans %} block keeps them.
i18n.install(ENV)


@dataclass(frozen=True)
class Rendered:
    """A message's subject and its two parts."""

    subject: str
    text: str
    html: str


def render(template: str, subject: str, **context: Any) -> Rendered:
    """``template``'s ``.txt`` and ``.html`` rendered with ``context``."""
    values = {
        "subject": subject, "unsubscribe_url": "", "preferences_url": "",
        "html_lang": i18n.current_locale(), **context,
    }
    return Rendered(
        subject,
        ENV.get_template(f"{template}.txt").render(values),
        ENV.get_template(f"{template}.html").render(values),
    )


@dataclass(frozen=True)
class Context:
    """What every message of one event needs besides its notice and recipient."""

    base: str
    secret: str
    sender: str
    names: dict[str, str]
    meeting: Any = None
    """The meeting's read model row, for an invitation's calendar part."""


def outgoing(
    event: RecordedEvent, notice: Notice, recipient: Recipient, context: Context
) -> Outgoing:
    """The message of ``notice`` for ``recipient``, keyed by the event, kind and address."""
    organisation = context.names.get(recipient.organisation_id, recipient.organisation_id)
    link = context.base + notice.path
    unsubscribe = preferences = ""
    headers: dict[str, str] = {}
    if recipient.user_id and not notice.statutory:
        token = unsubscribe_token(context.secret, recipient.user_id, notice.kind)
        unsubscribe = f"{context.base}/mail/unsubscribe/{token}"
        preferences = f"{context.base}/mail/preferences"
        # RFC 8058: a mail client may unsubscribe with one POST, without opening a page.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    words = {"organisation": organisation}
    reason = (
        _("You are getting this email because %(organisation)s is named on this record in the "
          "Partnership Hub. It is a statutory notice, so it is sent whatever your email "
          "choices.") if notice.statutory
        else _("You are getting this email because %(organisation)s is named on this record "
               "in the Partnership Hub.")
    ) % words
    rendered = render(
        "notice", notice.subject, heading=notice.heading, paragraphs=notice.paragraphs,
        facts=notice.facts, link=link, link_text=notice.link_text, reason=reason,
        unsubscribe_url=unsubscribe, preferences_url=preferences,
    )
    calendar = None
    if notice.calendar and context.meeting is not None:
        convenor = context.names.get(context.meeting.convenor_id, context.meeting.convenor_id)
        calendar = imip.invitation(
            context.meeting, notice.calendar, convenor=convenor, sender=context.sender,
            recipient=recipient.email, recipient_name=recipient.name or organisation,
            link=link, stamp=event.recorded_at,
        )
    return Outgoing(
        key=message_key(event.event_id, notice.kind, recipient.email), kind=notice.kind,
        recipient=recipient.email, subject=rendered.subject, text_body=rendered.text,
        html_body=rendered.html, user_id=recipient.user_id,
        organisation_id=recipient.organisation_id, calendar=calendar, headers=headers,
        link=link,
    )


def account_message(
    template: str, subject: str, *, about: str, recipient: str, **context: Any
) -> Outgoing:
    """A message about a person's own account (an invitation, a password reset): sent at
    once, whatever their choices, with no unsubscribe."""
    rendered = render(template, subject, **context)
    return Outgoing(
        key=message_key(about, template, recipient), kind=template, recipient=recipient,
        subject=subject, text_body=rendered.text, html_body=rendered.html,
    )
