"""Password reset: a single-use link, mailed, that expires within the hour.

Asking for a reset answers the same whether or not an account uses the address: the web
request only queues a job with the address (:func:`workers.mail.send_password_reset`), and the
job looks the account up. So neither the page nor its timing says who has an account. At most
:data:`PER_HOUR` links go to one account in an hour; asking more often sends nothing more.

A link's token (256 bits) is stored only as its SHA-256 digest. Setting a new password spends
it and every other open link of the account, ends the account's sessions (someone who knew the
old password is signed out) and lifts a lock from failed sign-ins.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from hub.access.reset_tables import password_resets_table
from hub.access.secrets import digest, hash_password, new_token
from hub.access.tables import sessions_table, users_table
from hub.db import aware

LIFETIME = timedelta(hours=1)
PER_HOUR = 3
TOKEN_PREFIX = "pwr_"


def issue(engine: Engine, email: str, now: datetime) -> tuple[Any, str] | None:
    """A new reset token for the active account using ``email``, with the account; ``None``
    when there is no such account or it had :data:`PER_HOUR` links this past hour."""
    with engine.begin() as conn:
        user = conn.execute(select(users_table).where(
            users_table.c.email == email.strip().lower(), ~users_table.c.disabled
        )).first()
        if user is None:
            return None
        recent = conn.execute(select(func.count()).select_from(password_resets_table).where(
            password_resets_table.c.user_id == user.user_id,
            password_resets_table.c.created_at > now - timedelta(hours=1),
        )).scalar_one()
        if recent >= PER_HOUR:
            return None
        token = new_token(TOKEN_PREFIX)
        conn.execute(insert(password_resets_table).values(
            token_hash=digest(token), user_id=user.user_id, created_at=now,
            expires_at=now + LIFETIME,
        ))
    return user, token


def open_reset(engine: Engine, token: str, now: datetime) -> Any:
    """The account an unused, unexpired token resets, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(password_resets_table).where(
            password_resets_table.c.token_hash == digest(token)
        )).first()
        if row is None or row.used_at is not None or aware(row.expires_at) <= now:
            return None
        return conn.execute(select(users_table).where(
            users_table.c.user_id == row.user_id, ~users_table.c.disabled
        )).first()


def reset(engine: Engine, token: str, password: str, now: datetime) -> bool:
    """Set the password of the account ``token`` resets; False when the token is not open.

    Spending the token is a conditional update, so two requests with one link set the
    password once."""
    user = open_reset(engine, token, now)
    if user is None:
        return False
    with engine.begin() as conn:
        spent = conn.execute(update(password_resets_table).where(
            password_resets_table.c.token_hash == digest(token),
            password_resets_table.c.used_at.is_(None),
        ).values(used_at=now)).rowcount
        if not spent:
            return False
        conn.execute(update(password_resets_table).where(
            password_resets_table.c.user_id == user.user_id,
            password_resets_table.c.used_at.is_(None),
        ).values(used_at=now))
        conn.execute(update(users_table).where(users_table.c.user_id == user.user_id).values(
            password_hash=hash_password(password), failed_sign_ins=0, locked_until=None,
        ))
        conn.execute(delete(sessions_table).where(sessions_table.c.user_id == user.user_id))
    return True

