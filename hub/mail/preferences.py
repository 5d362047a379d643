"""How each user wants each kind of message, and the signed one-click unsubscribe.

A user picks, per kind of message (:data:`hub.mail.notices.KINDS`), ``now``, ``daily`` (in a
digest, at an hour they pick) or ``off``. Statutory notices go at once whatever the choice:
the law asks the authority to act, and the hub must tell it.

An unsubscribe link carries the user and the kind, signed with the hub's secret key
(HMAC-SHA256), so following it needs no sign-in (RFC 8058's one-click ``POST`` comes from a
mail client, not a browser with a session) and cannot be forged for anyone else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection

from sqlalchemy import Connection, Engine, delete, insert, select

from hub.i18n import N_
from hub.mail.tables import digest_times_table, preferences_table

NOW, DAILY, OFF = "now", "daily", "off"
CHOICES = {NOW: N_("Straight away"), DAILY: N_("In a daily summary"), OFF: N_("Never")}
DEFAULT_DIGEST_HOUR = 7


def choices(conn: Connection, user_ids: Collection[str], kind: str) -> dict[str, str]:
    """Each user's choice for ``kind`` (``now`` unless they chose otherwise)."""
    chosen: dict[str, str] = dict(conn.execute(
        select(preferences_table.c.user_id, preferences_table.c.choice).where(
            preferences_table.c.user_id.in_(list(user_ids)),
            preferences_table.c.kind == kind,
        )
    ).all())
    return {u: chosen.get(u, NOW) for u in user_ids}


def choices_of(engine: Engine, user_id: str) -> dict[str, str]:
    """One user's choices by kind (kinds not chosen are left out: ``now``)."""
    with engine.connect() as conn:
        return dict(conn.execute(
            select(preferences_table.c.kind, preferences_table.c.choice)
            .where(preferences_table.c.user_id == user_id)
        ).all())


def choose(engine: Engine, user_id: str, kind: str, choice: str) -> None:
    """Record a user's choice for one kind."""
    if choice not in CHOICES:
        raise ValueError(f"no such choice: {choice}")
    with engine.begin() as conn:
        conn.execute(delete(preferences_table).where(
            preferences_table.c.user_id == user_id, preferences_table.c.kind == kind
        ))
        conn.execute(insert(preferences_table).values(user_id=user_id, kind=kind, choice=choice))


def digest_hour(engine: Engine, user_id: str) -> int:
    """The hour (London time) of a user's daily digest."""
    with engine.connect() as conn:
        hour = conn.execute(select(digest_times_table.c.hour).where(
            digest_times_table.c.user_id == user_id
        )).scalar()
    return DEFAULT_DIGEST_HOUR if hour is None else int(hour)


def set_digest_hour(engine: Engine, user_id: str, hour: int) -> None:
    """Set the hour of a user's daily digest (0 to 23, London time)."""
    if not 0 <= hour <= 23:
        raise ValueError("the hour is 0 to 23")
    with engine.begin() as conn:
        last = conn.execute(select(digest_times_table.c.last_sent_on).where(
            digest_times_table.c.user_id == user_id
        )).scalar()
        conn.execute(delete(digest_times_table).where(digest_times_table.c.user_id == user_id))
        conn.execute(insert(digest_times_table).values(
            user_id=user_id, hour=hour, last_sent_on=last
        ))


def unsubscribe_token(secret: str, user_id: str, kind: str) -> str:
    """The signed token of "``user_id`` wants no more ``kind`` messages"."""
    payload = base64.urlsafe_b64encode(f"{user_id}\n{kind}".encode()).decode().rstrip("=")
    return f"{payload}.{_signature(secret, payload)}"


def read_unsubscribe_token(secret: str, token: str) -> tuple[str, str] | None:
    """The user and kind a token names, or ``None`` when it is not one the hub signed."""
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    try:
        user_id, _, kind = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)) \
            .decode().partition("\n")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user_id, kind) if user_id and kind else None


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), b"unsubscribe\n" + payload.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")
