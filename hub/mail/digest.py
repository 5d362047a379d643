"""The daily digest: what happened (the messages a user chose to have daily) and what is due.

Once an hour a job (:func:`workers.mail.send_digests`) asks for the digests due: users whose
chosen hour (London time, 07:00 unless they chose another) it is, who have not had today's, and
who have something to read: messages held for them, or reports and actions of their
organisation due in the next seven days while they take some mail daily. Each digest is stored
under a key of the user and the London date, so a repeated run sends none twice, and the
messages it lists are marked as gone out in it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select, update

from hub.access.tables import users_table
from hub.bootstrap import Hub
from hub.domain.meetings import LONDON
from hub.domain.reports import AWAITING_SUBMISSION
from hub.i18n import DEFAULT_LOCALE, _, using_locale
from hub.mail import imip, outbox
from hub.mail.compose import render
from hub.mail.notices import day
from hub.mail.preferences import DAILY, DEFAULT_DIGEST_HOUR
from hub.mail.tables import digest_times_table, messages_table, preferences_table
from hub.projections.meetings import actions, meetings
from hub.projections.reports import report_authorities, report_requests
from hub.settings import public_url

AHEAD = timedelta(days=7)
KIND = "digest"


def compose_due(hub: Hub, at: datetime) -> list[str]:
    """Store the digests due at ``at``; the keys of those stored."""
    local = at.astimezone(LONDON)
    today = local.date()
    base = public_url()
    digests: list[outbox.Outgoing] = []
    with hub.engine.begin() as conn:
        users = _due_users(conn, local.hour, today)
        held = _held(conn, [u.user_id for u in users])
        organisations = {u.organisation_id for u in users}
        # What is due is worded (and its dates written) in each reader's language: listed
        # once per language among the readers, not once per reader.
        due_in: dict[str, dict[str, list[dict[str, str]]]] = {}
        for user in users:
            locale = user.locale or DEFAULT_LOCALE
            with using_locale(locale):
                if locale not in due_in:
                    due_in[locale] = _due_items(conn, organisations, today, base)
                digest = _digest(user, held.get(user.user_id, []),
                                 due_in[locale].get(user.organisation_id, []), today, base, at)
            if digest is None:
                continue
            digests.append(digest)
            if held.get(user.user_id):
                conn.execute(update(messages_table).where(messages_table.c.message_key.in_(
                    [m.message_key for m in held[user.user_id]]
                )).values(status="digested"))
        _mark_sent(conn, [u.user_id for u in users], today)
    return outbox.store(hub.engine, digests, hub.clock())


def _digest(
    user: Any, items: list[Any], upcoming: list[dict[str, str]], today: date, base: str,
    at: datetime,
) -> outbox.Outgoing | None:
    """``user``'s digest in the current locale; None when there is nothing to tell them."""
    if not items and not (upcoming and user.daily):
        return None
    rendered = render(
        "digest", _("Partnership Hub: your summary for %(day)s") % {"day": day(today)},
        heading=_("Your summary for %(day)s") % {"day": day(today)},
        items=[{"subject": m.subject, "link": m.link or base} for m in items],
        due=upcoming, link=base + "/", link_text=_("Open the Partnership Hub"),
        reason=_("You chose to get some Partnership Hub emails as a daily summary."),
        unsubscribe_url=base + "/mail/preferences",
        preferences_url=base + "/mail/preferences",
    )
    return outbox.Outgoing(
        key=outbox.message_key(f"digest:{user.user_id}:{today}", KIND, user.email),
        kind=KIND, recipient=user.email, subject=rendered.subject,
        text_body=rendered.text, html_body=rendered.html, user_id=user.user_id,
        organisation_id=user.organisation_id, link=base + "/",
        # The invitations it holds, as their own messages would have carried them.
        calendar=imip.for_digest([m.calendar for m in items if m.calendar], stamp=at),
    )


def anyone_daily(engine: Engine) -> bool:
    """True while some user takes some mail daily, or has mail held for a digest."""
    with engine.connect() as conn:
        return conn.execute(select(
            select(preferences_table.c.user_id).where(preferences_table.c.choice == DAILY)
            .exists()
            | select(messages_table.c.message_key).where(messages_table.c.status == "held")
            .exists()
        )).scalar() is True


def _due_users(conn: Connection, hour: int, today: date) -> list[Any]:
    """Users whose digest hour it is, who have had none today, and who take some mail daily
    or have mail held; with ``daily`` saying whether they chose any kind daily."""
    hour_of = digest_times_table.c.hour
    # No row: the default hour.
    chosen = hour_of == hour if hour != DEFAULT_DIGEST_HOUR else or_(
        hour_of == hour, hour_of.is_(None)
    )
    daily = select(preferences_table.c.user_id).where(preferences_table.c.choice == DAILY)
    holding = select(messages_table.c.user_id).where(messages_table.c.status == "held")
    rows = conn.execute(
        select(users_table.c.user_id, users_table.c.email, users_table.c.organisation_id,
               users_table.c.locale, users_table.c.user_id.in_(daily).label("daily"))
        .select_from(users_table.outerjoin(
            digest_times_table, digest_times_table.c.user_id == users_table.c.user_id
        ))
        .where(
            ~users_table.c.disabled,
            or_(users_table.c.user_id.in_(daily), users_table.c.user_id.in_(holding)),
            chosen,
            or_(digest_times_table.c.last_sent_on.is_(None),
                digest_times_table.c.last_sent_on < today),
        )
        .order_by(users_table.c.email)
    )
    return list(rows)


def _held(conn: Connection, user_ids: list[str]) -> dict[str, list[Any]]:
    held: dict[str, list[Any]] = defaultdict(list)
    for row in conn.execute(
        select(messages_table).where(messages_table.c.status == "held",
                                     messages_table.c.user_id.in_(user_ids))
        .order_by(messages_table.c.created_at)
    ):
        held[row.user_id].append(row)
    return held


def _due_items(
    conn: Connection, organisation_ids: set[str], today: date, base: str
) -> dict[str, list[dict[str, str]]]:
    """Reports awaiting each organisation's submission, and its open actions, due soon."""
    due: dict[str, list[dict[str, str]]] = defaultdict(list)
    until = today + AHEAD
    for row in conn.execute(
        select(report_authorities.c.organisation_id, report_requests.c.request_id,
               report_requests.c.title, report_requests.c.due_on)
        .join(report_requests, report_requests.c.request_id == report_authorities.c.request_id)
        .where(report_authorities.c.organisation_id.in_(organisation_ids),
               report_requests.c.status.in_(list(AWAITING_SUBMISSION)),
               report_requests.c.due_on >= today, report_requests.c.due_on <= until)
        .order_by(report_requests.c.due_on)
    ):
        due[row.organisation_id].append({
            "title": _("Report: %(title)s") % {"title": row.title}, "when": day(row.due_on),
            "link": f"{base}/reports/{row.request_id}",
        })
    for row in conn.execute(
        select(actions.c.owner_organisation_id, actions.c.meeting_id, actions.c.action_id,
               actions.c.description, actions.c.due_on, meetings.c.title)
        .join(meetings, meetings.c.meeting_id == actions.c.meeting_id)
        .where(actions.c.owner_organisation_id.in_(organisation_ids),
               actions.c.status != "done",
               actions.c.due_on >= today, actions.c.due_on <= until)
        .order_by(actions.c.due_on)
    ):
        first_line = row.description.split("\n", 1)[0][:120]
        due[row.owner_organisation_id].append({
            "title": _("Action from %(meeting)s: %(action)s")
            % {"meeting": row.title, "action": first_line}, "when": day(row.due_on),
            "link": f"{base}/meetings/{row.meeting_id}#action-{row.action_id}",
        })
    return due


def _mark_sent(conn: Connection, user_ids: list[str], today: date) -> None:
    if not user_ids:
        return
    known = set(conn.execute(select(digest_times_table.c.user_id).where(
        digest_times_table.c.user_id.in_(user_ids)
    )).scalars())
    conn.execute(update(digest_times_table).where(
        digest_times_table.c.user_id.in_(list(known))
    ).values(last_sent_on=today))
    fresh = [u for u in user_ids if u not in known]
    if fresh:
        conn.execute(insert(digest_times_table), [
            {"user_id": u, "hour": DEFAULT_DIGEST_HOUR, "last_sent_on": today} for u in fresh
        ])
