"""Mail jobs: an event's notices stored per recipient, then sent in groups, retried alone.

The reaction to an event that gives notices (:func:`mail_event`) works out every recipient
(:mod:`hub.mail.recipients`: only people who may see the record), renders each message once,
in its reader's language (the one they chose, else English), and stores them under keys of
the event, kind and address: run again, it stores nothing new. It then queues jobs of up to
:data:`GROUP` messages (:func:`send_messages`); each claims its messages, sends them over one
provider connection, and records every attempt. A message that fails is retried alone, by
the backoff schedule (``HUB_MAIL_BACKOFF``), in a job of its own.
A worker starting queues every message still waiting (its job may be lost with Redis).

Nothing here runs inside a command: a provider that is down delays mail, never the work.
Messages a user wants in a daily digest are held, and an hourly job (:func:`send_digests`)
sends each user's digest at the hour they chose.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from hub.access import password_reset
from hub.access.secrets import digest
from hub.bootstrap import Hub
from hub.events.envelope import RecordedEvent
from hub.i18n import DEFAULT_LOCALE, _, current_locale, using_locale
from hub.mail import digest as digests
from hub.mail import outbox
from hub.mail.compose import Context, account_message, outgoing
from hub.mail.config import MailConfig
from hub.mail.notices import Notice, event_types, names, notices_for
from hub.mail.preferences import DAILY, NOW, OFF, choices
from hub.mail.recipients import recipients
from hub.mail.transport import SendFailed, open_sender
from hub.projections.meetings import meetings
from hub.settings import public_url
from workers.reactions import on, on_start
from workers.runtime import current_hub
from workers.scheduling import schedule_at

log = logging.getLogger("hub.jobs.mail")

GROUP = 100
"""Messages one job sends over one connection."""
SECRET_KINDS = frozenset({"password_reset", "invitation"})
"""Messages holding a single-use link: their text is removed once sent (the outbox keeps it,
as the only way to read it where no provider is configured)."""
STALE_CLAIM = timedelta(minutes=10)
"""A message a job took this long ago and never finished: its worker died."""


@on(*event_types())
def mail_event(hub: Hub, event: RecordedEvent) -> None:
    """Store the messages ``event`` gives, one per notice and recipient, and queue them."""
    config = MailConfig.from_env()
    messages = []
    with hub.engine.connect() as conn:
        # A notice's words are written when it is built, so it is built once per language
        # among its readers; the notices are the same in every language, in the same order.
        worded: dict[str, list[Notice]] = {}

        def notices_in(locale: str) -> list[Notice]:
            if locale not in worded:
                with using_locale(locale):
                    worded[locale] = notices_for(conn, event)
            return worded[locale]

        for index, notice in enumerate(notices_in(DEFAULT_LOCALE)):
            people = recipients(conn, event, notice.organisation_ids)
            if not people:
                continue
            chosen = {} if notice.statutory else choices(
                conn, [p.user_id for p in people if p.user_id], notice.kind
            )
            meeting = None
            if notice.meeting_id:
                meeting = conn.execute(
                    select(meetings).where(meetings.c.meeting_id == notice.meeting_id)
                ).one()
            context = Context(
                base=public_url(), secret=hub.settings.secret_key, sender=config.sender,
                names=names(conn, sorted({p.organisation_id for p in people}
                                         | ({meeting.convenor_id} if meeting else set()))),
                meeting=meeting,
            )
            for person in people:
                choice = chosen.get(person.user_id or "", NOW)
                if choice == OFF:
                    continue
                locale = person.locale or DEFAULT_LOCALE
                with using_locale(locale):
                    message = outgoing(event, notices_in(locale)[index], person, context)
                if choice == DAILY:
                    message = replace(message, held=True)
                messages.append(message)
    outbox.store(hub.engine, messages, hub.clock())
    queue_sending(hub, [m.key for m in messages if not m.held])
    if any(m.held for m in messages):
        arm_digests(hub, hub.clock() + timedelta(hours=1))
    log.info("event=mail_stored type=%s position=%d messages=%d", event.type, event.position,
             len(messages))


def queue_sending(hub: Hub, keys: Sequence[str]) -> int:
    """Queue jobs sending ``keys`` in groups; how many jobs."""
    groups = [list(keys[i:i + GROUP]) for i in range(0, len(keys), GROUP)]
    for group in groups:
        hub.queue.enqueue(send_messages, kwargs={"keys": group})
    return len(groups)


def send_messages(keys: list[str]) -> int:
    """Send the messages of ``keys`` still waiting; how many went (or were kept)."""
    return send(current_hub(), keys)


def send(hub: Hub, keys: Sequence[str]) -> int:
    """Claim, send and record the messages of ``keys``; retry each failure by the backoff.

    The group's attempts are recorded together once it is sent. A worker killed before that
    leaves its messages taken; a worker starting later sends them again
    (:func:`resume_mail`): at least once, as the provider may have had them.
    """
    config = MailConfig.from_env()
    claimed = outbox.claim(hub.engine, keys, hub.clock())
    if not claimed:
        return 0
    attempts: list[outbox.Attempt] = []
    provider = config.provider
    try:
        with open_sender(config) as (provider, sender):
            for message in claimed:
                try:
                    reference = sender(message)
                except SendFailed as error:
                    attempts.append(_failure(config, message, str(error)))
                    continue
                outcome = "kept" if provider == "outbox" else "sent"
                attempts.append(outbox.Attempt(
                    message, outcome, reference=reference,
                    scrub=outcome == "sent" and message.kind in SECRET_KINDS,
                ))
    except SendFailed as error:
        # The provider could not be reached at all: every message not yet tried failed.
        attempts += [_failure(config, m, str(error)) for m in claimed[len(attempts):]]
    now = hub.clock()
    outbox.record(hub.engine, attempts, provider=provider, at=now)
    for attempt in attempts:
        if attempt.outcome == "failed" and not attempt.final:
            key, number = attempt.message.message_key, attempt.message.attempts + 1
            when = now + timedelta(seconds=config.backoff[number])
            schedule_at(hub, when, send_messages, f"mail-{key}-{number}", keys=[key])
    done = sum(1 for a in attempts if a.outcome != "failed")
    log.info("event=mail_sent provider=%s claimed=%d sent=%d", provider, len(claimed), done)
    return done


def _failure(config: MailConfig, message: Any, why: str) -> outbox.Attempt:
    final = message.attempts + 1 >= config.attempts
    log.warning("event=mail_failed key=%s attempt=%d final=%s why=%s",
                message.message_key, message.attempts + 1, final, why)
    return outbox.Attempt(message, "failed", detail=why, final=final)


@on_start
def resume_mail(hub: Hub) -> int:
    """Queue every message still waiting (and those a dead worker had taken); how many jobs."""
    return queue_sending(hub, outbox.unfinished(hub.engine, hub.clock() - STALE_CLAIM))


def send_password_reset(email: str) -> int:
    """Mail a password reset link to the account using ``email``, if there is one (the web
    request that asked says the same either way); how many messages went."""
    hub = current_hub()
    issued = password_reset.issue(hub.engine, email, hub.clock())
    if issued is None:
        return 0
    user, token = issued
    with using_locale(user.locale or DEFAULT_LOCALE):
        message = _password_reset(user.email, token)
    return send(hub, outbox.store(hub.engine, [message], hub.clock()))


def _password_reset(email: str, token: str) -> outbox.Outgoing:
    """The password reset message, in the current locale."""
    return account_message(
        "password_reset", _("Reset your Partnership Hub password"), about=digest(token),
        recipient=email, email=email, link=f"{public_url()}/password-reset/{token}",
        reason=_("You are getting this email because someone asked to reset the password of "
                 "this Partnership Hub account."),
    )


def send_invitation(
    email: str, token: str, organisation_id: str, invited_by: str,
    locale: str = DEFAULT_LOCALE,
) -> int:
    """Mail an account invitation's single-use link, in ``locale``; how many messages went."""
    hub = current_hub()
    with hub.engine.connect() as conn:
        organisation = names(conn, [organisation_id])[organisation_id]
    inviter = hub.accounts.user(invited_by)
    with using_locale(locale):
        message = _invitation(email, token, organisation, inviter)
    return send(hub, outbox.store(hub.engine, [message], hub.clock()))


def _invitation(email: str, token: str, organisation: str, inviter: Any) -> outbox.Outgoing:
    """The invitation message, in the current locale."""
    return account_message(
        "invitation",
        _("You are invited to join %(organisation)s on the Partnership Hub")
        % {"organisation": organisation},
        about=digest(token), recipient=email, organisation=organisation,
        inviter=inviter.name if inviter is not None else organisation,
        link=f"{public_url()}/invitations/{token}",
        reason=_("You are getting this email because someone invited this address to the "
                 "Partnership Hub."),
    )


def queue_invitation(
    hub: Hub, *, email: str, token: str, organisation_id: str, invited_by: str
) -> None:
    """Have a worker mail a new invitation (the page and the API also show its link).

    The invitee has no account, so no language of their own yet: it is written in the
    language the inviter reads the hub in now (their own choice, else their browser's).
    """
    hub.queue.enqueue(send_invitation, kwargs={
        "email": email, "token": token, "organisation_id": organisation_id,
        "invited_by": invited_by, "locale": current_locale(),
    })


def send_digests(hour: str) -> int:
    """Send the daily digests due at ``hour`` (an ISO instant, on the hour); schedule the next
    hour's run while anyone takes mail daily; how many digests went."""
    hub = current_hub()
    at = datetime.fromisoformat(hour)
    keys = digests.compose_due(hub, at)
    queue_sending(hub, keys)
    if digests.anyone_daily(hub.engine):
        arm_digests(hub, at + timedelta(hours=1))
    return len(keys)


def arm_digests(hub: Hub, at: datetime) -> int:
    """Schedule the digest run of the hour ``at`` falls in, unless it is armed."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    return schedule_at(hub, hour, send_digests, f"mail-digests-{hour:%Y%m%dT%H}",
                       unless_armed=True, hour=hour.isoformat())


@on_start
def resume_digests(hub: Hub) -> int:
    """Arm the digest run of the coming hour if anyone takes mail daily (the chain lapses
    when Redis loses it)."""
    if not digests.anyone_daily(hub.engine):
        return 0
    return arm_digests(hub, hub.clock() + timedelta(hours=1))
