"""Two-step sign-in: a time-based one-time code (RFC 6238, with ``pyotp``) after the password,
and single-use recovery codes for a lost device.

A user enrols by adding the secret to an authenticator app and typing a first code, which
confirms it and gives them ten recovery codes, shown once and stored as digests. Each code is
accepted once: the time step of the last one accepted is kept (RFC 6238 section 5.2). The
secret itself must be read back to check codes, so it cannot be hashed: it is stored sealed
(:class:`~hub.access.secrets.Sealer`, keyed by ``HUB_TWO_STEP_KEY``).

Who must use it is a rule of its own (:func:`required`): organisation admins in production,
since they invite users and mint API tokens; everyone else may choose to.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import Engine, delete, insert, select, update

from hub.access.secrets import Sealer, digest
from hub.access.tables import two_step_table
from hub.domain.errors import N_, DomainError

ISSUER = "Partnership Hub"
RECOVERY_CODES = 10


class CodeNotRight(DomainError):
    """The code is not right, or has been used already."""

    code = "auth.two_step_failed"
    status = 401


def required(role: str, *, admins_must: bool) -> bool:
    """Whether a user of this organisation role must use two-step sign-in.

    Admins, where the deployment says they must (by default in production, not in embedded
    mode, so the demo stays a password away): they invite people and make API tokens.
    """
    return role == "admin" and admins_must


class TwoStep:
    """Each user's TOTP secret and recovery codes, on one database."""

    def __init__(
        self, engine: Engine, clock: Callable[[], datetime], sealer: Sealer
    ) -> None:
        self.engine, self.clock, self.sealer = engine, clock, sealer

    def enabled(self, user_id: str) -> bool:
        """True once the user has confirmed a code."""
        row = self._row(user_id)
        return row is not None and row.confirmed_at is not None

    def secret_to_enrol(self, user_id: str) -> str:
        """The secret the user is adding to an app: a new one, or the one not yet confirmed.

        Refused once enabled (turning it off or resetting it is the operator's job).
        """
        row = self._row(user_id)
        if row is not None:
            if row.confirmed_at is not None:
                raise CodeNotRight(N_("two-step sign-in is already set up"))
            return self.sealer.open(row.secret, user_id)
        secret = pyotp.random_base32()
        with self.engine.begin() as conn:
            conn.execute(insert(two_step_table).values(
                user_id=user_id, secret=self.sealer.seal(secret, user_id), last_step=0,
                recovery_hashes=[],
            ))
        return secret

    @staticmethod
    def app_link(secret: str, email: str) -> str:
        """The ``otpauth://`` link an authenticator app reads (RFC 6238 parameters)."""
        return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)

    def confirm(self, user_id: str, code: str) -> list[str]:
        """Confirm enrolment with a first right code; the recovery codes, to show once."""
        row = self._row(user_id)
        if row is None or row.confirmed_at is not None:
            raise CodeNotRight(N_("start setting up two-step sign-in again"))
        step = self._step_of(self.sealer.open(row.secret, user_id), code, row.last_step)
        codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
        with self.engine.begin() as conn:
            conn.execute(
                update(two_step_table).where(two_step_table.c.user_id == user_id).values(
                    confirmed_at=self.clock(), last_step=step,
                    recovery_hashes=[digest(c) for c in codes],
                )
            )
        return codes

    def verify(self, user_id: str, code: str) -> None:
        """Accept a current code, or spend a recovery code; :class:`CodeNotRight` otherwise."""
        typed = code.strip().replace(" ", "").lower()
        with self.engine.begin() as conn:
            # The row stays locked until the spend commits (FOR UPDATE on PostgreSQL; on
            # SQLite every writer begins IMMEDIATE), so two requests at once cannot both
            # spend one recovery code or one time code: the second reads the first's spend.
            row = conn.execute(
                select(two_step_table).where(two_step_table.c.user_id == user_id)
                .with_for_update()
            ).first()
            if row is None or row.confirmed_at is None:
                raise CodeNotRight(N_("two-step sign-in is not set up"))
            hashes = list(row.recovery_hashes)
            if digest(typed) in hashes:
                hashes.remove(digest(typed))
                changes: dict[str, object] = {"recovery_hashes": hashes}
            else:
                secret = self.sealer.open(row.secret, user_id)
                changes = {"last_step": self._step_of(secret, typed, row.last_step)}
            conn.execute(
                update(two_step_table).where(two_step_table.c.user_id == user_id)
                .values(**changes)
            )

    def reset(self, user_id: str) -> None:
        """Forget a user's second step (the operator's way back for a user who lost both)."""
        with self.engine.begin() as conn:
            conn.execute(delete(two_step_table).where(two_step_table.c.user_id == user_id))

    def _step_of(self, secret: str, code: str, last_step: int) -> int:
        """The time step ``code`` belongs to, within one step either side of now."""
        totp = pyotp.TOTP(secret)
        now = self.clock()
        for drift in (0, -1, 1):
            at = now.timestamp() + drift * totp.interval
            step = totp.timecode(datetime.fromtimestamp(at, now.tzinfo))
            if step > last_step and secrets.compare_digest(totp.at(at), code.strip()):
                return step
        raise CodeNotRight(N_("the code is not right, or has been used already"))

    def _row(self, user_id: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(two_step_table).where(two_step_table.c.user_id == user_id)
            ).first()
