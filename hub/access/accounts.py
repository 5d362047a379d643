"""Accounts: users, sign-in with throttling and lock-out, sessions, invitations and API clients.

Accounts are not partnership records, so they live in plain tables rather than the event log;
every secret is stored hashed (see :mod:`hub.access.secrets`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from hub.access.secrets import digest, hash_password, new_token, password_matches
from hub.access.tables import (
    api_clients_table,
    invitations_table,
    sessions_table,
    users_table,
)
from hub.db import aware
from hub.domain.errors import N_, DomainError
from hub.projections.directory import organisations


class Role(StrEnum):
    """A user's role within their organisation."""

    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class Permission(StrEnum):
    """What an API client's token may do."""

    READ_EVENTS = "read_events"
    MANAGE_WEBHOOKS = "manage_webhooks"
    ACT = "act"


class InvalidCredentials(DomainError):
    """Unknown email or wrong password (deliberately not saying which)."""

    code = "auth.invalid_credentials"
    status = 401


class InvitationInvalid(DomainError):
    """The invitation link is unknown, used already, or expired."""

    code = "invitation.invalid"
    status = 404


class EmailTaken(DomainError):
    """A user with this email already exists."""

    code = "user.email_taken"
    status = 409


class OwnAccount(DomainError):
    """An admin tried to disable their own account or give up their own admin role, which
    could leave the organisation with no admin."""

    code = "user.own_account"
    status = 409


class ClientNotFound(DomainError):
    """No such API client in the caller's organisation."""

    code = "api_client.not_found"
    status = 404


class UnknownUser(DomainError):
    """No user has this email address."""

    code = "user.not_found"
    status = 404


ERRORS = (
    InvalidCredentials, InvitationInvalid, EmailTaken, ClientNotFound, UnknownUser,
    OwnAccount,
)


@dataclass(frozen=True)
class Policy:
    """Session and invitation lifetimes (sign-in throttling is :mod:`hub.access.throttle`)."""

    session_for: timedelta = timedelta(hours=12)
    invitation_for: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class SessionInfo:
    """A live session: who it belongs to and its CSRF token."""

    user: Any
    csrf_token: str


class Accounts:
    """Users, sessions, invitations and API clients on one database."""

    def __init__(
        self, engine: Engine, clock: Callable[[], datetime], policy: Policy | None = None,
        *, revoked: Callable[[str], None] | None = None,
    ) -> None:
        self.engine, self.clock = engine, clock
        self.policy = policy or Policy()
        # Told the actor id (a user's, or "client:<id>") whose credentials just stopped
        # working, after the change commits, so that open live sockets can be closed at once.
        self._revoked = revoked or (lambda _actor_id: None)

    # -- users and sign-in -------------------------------------------------------------------

    def create_user(
        self, *, email: str, name: str, organisation_id: str, role: Role, password: str
    ) -> str:
        """Create a user; :class:`EmailTaken` when the email is in use."""
        email = email.strip().lower()
        with self.engine.begin() as conn:
            _require_unused_email(conn, email)
            user_id = str(uuid.uuid4())
            conn.execute(
                insert(users_table).values(
                    user_id=user_id, email=email, name=name, organisation_id=organisation_id,
                    role=Role(role).value, password_hash=hash_password(password),
                    created_at=self.clock(),
                )
            )
        return user_id

    def user(self, user_id: str) -> Any:
        """The user row, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(users_table).where(users_table.c.user_id == user_id)).first()

    def user_by_email(self, email: str) -> Any:
        """The user with this email address, or None."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(users_table).where(users_table.c.email == email.strip().lower())
            ).first()

    def users_of(self, organisation_id: str) -> list[Any]:
        """The users of one organisation, by name."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(users_table)
                    .where(users_table.c.organisation_id == organisation_id)
                    .order_by(users_table.c.name)
                )
            )

    def sign_in(self, email: str, password: str) -> Any:
        """The user whose credentials these are, or :class:`InvalidCredentials`.

        One refusal for an unknown email, a disabled account and a wrong password, in the
        same time, so that no answer tells which accounts exist. Repeated failures are
        slowed down by address and account together (:mod:`hub.access.throttle`), never by
        locking the account, which would let anyone lock its owner out.
        """
        with self.engine.connect() as conn:
            user = conn.execute(
                select(users_table).where(users_table.c.email == email.strip().lower())
            ).first()
        if user is None or user.disabled:
            # Hash anyway so that timing does not reveal which emails exist.
            password_matches(_dummy_hash(), password)
        elif password_matches(user.password_hash, password):
            return user
        raise InvalidCredentials(N_("the email address or password is not right"))

    # -- sessions ----------------------------------------------------------------------------

    def start_session(self, user_id: str) -> str:
        """Open a session; returns the cookie value (stored only as a digest)."""
        token, now = new_token(), self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions_table).values(
                    session_hash=digest(token), user_id=user_id, csrf_token=new_token(),
                    created_at=now, expires_at=now + self.policy.session_for,
                )
            )
        return token

    def session(self, token: str) -> SessionInfo | None:
        """The live session a cookie names, or None (unknown, expired, or user disabled)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sessions_table, users_table)
                .join(users_table, users_table.c.user_id == sessions_table.c.user_id)
                .where(sessions_table.c.session_hash == digest(token))
            ).first()
        if row is None or row.disabled or aware(row.expires_at) <= self.clock():
            return None
        return SessionInfo(row, row.csrf_token)

    def end_session(self, token: str) -> None:
        """Sign out: the cookie's session stops working at once, open live sockets too."""
        with self.engine.begin() as conn:
            ended = conn.execute(
                delete(sessions_table)
                .where(sessions_table.c.session_hash == digest(token))
                .returning(sessions_table.c.user_id)
            ).scalar()
        if ended is not None:
            self._revoked(ended)

    def disable_user(self, email: str) -> None:
        """Disable a user: sign-in, sessions and open live sockets stop working at once."""
        with self.engine.begin() as conn:
            user_id = conn.execute(
                update(users_table)
                .where(users_table.c.email == email.strip().lower())
                .values(disabled=True)
                .returning(users_table.c.user_id)
            ).scalar()
        if user_id is None:
            raise UnknownUser(N_("no user has the email address %(email)s"), email=email)
        self._revoked(user_id)

    def set_disabled(
        self, user_id: str, organisation_id: str, disabled: bool, *, by_user: str
    ) -> None:
        """Disable a user of ``organisation_id`` (or enable them again).

        Disabling ends their sessions, their open live sockets and those of the API clients
        they created, and revokes those clients, at once; their calendar feeds stop answering
        while they are disabled (see :mod:`hub.feeds.scope`). Re-enabling lets them sign in
        again; revoked clients stay revoked.
        """
        if user_id == by_user and disabled:
            raise OwnAccount(N_("you cannot disable your own account"))
        clients: list[str] = []
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users_table)
                .where((users_table.c.user_id == user_id)
                       & (users_table.c.organisation_id == organisation_id))
                .values(disabled=disabled)
            ).rowcount
            if not changed:
                raise UnknownUser(N_("no such user in your organisation"))
            if disabled:
                conn.execute(delete(sessions_table).where(sessions_table.c.user_id == user_id))
                clients = list(conn.execute(
                    update(api_clients_table)
                    .where((api_clients_table.c.created_by == user_id)
                           & api_clients_table.c.revoked_at.is_(None))
                    .values(revoked_at=self.clock())
                    .returning(api_clients_table.c.client_id)
                ).scalars())
        if disabled:
            self._revoked(user_id)
            for client_id in clients:
                self._revoked(f"client:{client_id}")

    def set_role(self, user_id: str, organisation_id: str, role: Role, *, by_user: str) -> None:
        """Change the role of a user of ``organisation_id`` (their sessions keep going, with
        the new role from their next request)."""
        if user_id == by_user and Role(role) != Role.ADMIN:
            raise OwnAccount(N_("you cannot give up your own admin role: ask another admin"))
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users_table)
                .where((users_table.c.user_id == user_id)
                       & (users_table.c.organisation_id == organisation_id))
                .values(role=Role(role).value)
            ).rowcount
        if not changed:
            raise UnknownUser(N_("no such user in your organisation"))

    def set_locale(self, user_id: str, locale: str | None) -> None:
        """Record the language the user chose for their pages and mail (None: follow the
        browser); from their next request on."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users_table).where(users_table.c.user_id == user_id)
                .values(locale=locale)
            ).rowcount
        if not changed:
            raise UnknownUser(N_("no such user"))

    # -- invitations -------------------------------------------------------------------------

    def invite(
        self, *, email: str, organisation_id: str, role: Role, invited_by: str,
        within_areas: Collection[str] | None = None,
    ) -> str:
        """Invite someone to an organisation; returns the single-use token for the link.

        With ``within_areas`` (the inviter's police areas), an email already in use is
        refused only when its account belongs to an organisation of those areas: one of
        another area is invited as an unknown email is, so the answer reveals nothing, and
        the invitation can never be accepted (the email stays taken).
        """
        email = email.strip().lower()
        token, now = new_token(), self.clock()
        with self.engine.begin() as conn:
            if within_areas is None or _email_taken_within(conn, email, within_areas):
                _require_unused_email(conn, email)
            conn.execute(
                insert(invitations_table).values(
                    token_hash=digest(token), email=email, organisation_id=organisation_id,
                    role=Role(role).value, invited_by=invited_by, created_at=now,
                    expires_at=now + self.policy.invitation_for,
                )
            )
        return token

    def invitation(self, token: str) -> Any:
        """The open invitation a token names; :class:`InvitationInvalid` otherwise."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(invitations_table).where(invitations_table.c.token_hash == digest(token))
            ).first()
        if row is None or row.used_at is not None or aware(row.expires_at) <= self.clock():
            raise InvitationInvalid(N_("this invitation link has expired or has already been used"))
        return row

    def pending_invitations(self, organisation_id: str) -> list[Any]:
        """Unused, unexpired invitations of an organisation."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(invitations_table)
                .where(
                    (invitations_table.c.organisation_id == organisation_id)
                    & invitations_table.c.used_at.is_(None)
                )
                .order_by(invitations_table.c.created_at)
            )
            return [r for r in rows if aware(r.expires_at) > self.clock()]

    def revoke_invitation(self, token_hash: str, organisation_id: str) -> None:
        """Revoke an open invitation of ``organisation_id``: its link stops working at once."""
        with self.engine.begin() as conn:
            revoked = conn.execute(
                update(invitations_table)
                .where((invitations_table.c.token_hash == token_hash)
                       & (invitations_table.c.organisation_id == organisation_id)
                       & invitations_table.c.used_at.is_(None))
                .values(used_at=self.clock(), expires_at=self.clock())
            ).rowcount
        if not revoked:
            raise InvitationInvalid(N_("no such open invitation in your organisation"))

    def accept_invitation(self, token: str, *, name: str, password: str) -> str:
        """Create the invited user and spend the invitation; returns the new user id."""
        invitation = self.invitation(token)
        with self.engine.begin() as conn:
            spent = conn.execute(
                update(invitations_table)
                .where(
                    (invitations_table.c.token_hash == invitation.token_hash)
                    & invitations_table.c.used_at.is_(None)
                )
                .values(used_at=self.clock())
            ).rowcount
        if not spent:
            raise InvitationInvalid(N_("this invitation link has already been used"))
        return self.create_user(
            email=invitation.email, name=name, organisation_id=invitation.organisation_id,
            role=Role(invitation.role), password=password,
        )

    # -- API clients -------------------------------------------------------------------------

    def create_client(
        self, *, name: str, organisation_id: str, permissions: Iterable[Permission],
        created_by: str,
    ) -> tuple[str, str]:
        """Register a partner system; returns its id and its token, which is shown only once."""
        client_id, token = str(uuid.uuid4()), new_token("hub_")
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_clients_table).values(
                    client_id=client_id, token_hash=digest(token), name=name,
                    organisation_id=organisation_id,
                    permissions=sorted(Permission(p).value for p in permissions),
                    created_by=created_by, created_at=self.clock(),
                )
            )
        return client_id, token

    def clients_of(self, organisation_id: str) -> list[Any]:
        """An organisation's API clients, newest first (never their tokens)."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(api_clients_table)
                    .where(api_clients_table.c.organisation_id == organisation_id)
                    .order_by(api_clients_table.c.created_at.desc())
                )
            )

    def revoke_client(self, client_id: str, organisation_id: str) -> None:
        """Revoke a client's token at once."""
        with self.engine.begin() as conn:
            revoked = conn.execute(
                update(api_clients_table)
                .where(
                    (api_clients_table.c.client_id == client_id)
                    & (api_clients_table.c.organisation_id == organisation_id)
                )
                .values(revoked_at=self.clock())
            ).rowcount
        if not revoked:
            raise ClientNotFound(N_("no such API client in your organisation"))
        self._revoked(f"client:{client_id}")

    def client_for_token(self, token: str) -> Any:
        """The live client a bearer token names, or None (unknown or revoked)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(api_clients_table).where(api_clients_table.c.token_hash == digest(token))
            ).first()
            if row is None or row.revoked_at is not None:
                return None
            conn.execute(
                update(api_clients_table)
                .where(api_clients_table.c.client_id == row.client_id)
                .values(last_used_at=self.clock())
            )
        return row


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown emails against, made on first use: hashing costs about half a
    second, which every process (and every test's server) would otherwise pay as it starts."""
    return hash_password("not-a-real-password")


def _email_taken_within(conn: Connection, email: str, area_ids: Collection[str]) -> bool:
    row = conn.execute(
        select(organisations.c.area_ids)
        .join(users_table, users_table.c.organisation_id == organisations.c.organisation_id)
        .where(users_table.c.email == email)
    ).first()
    return row is not None and bool(set(row.area_ids) & set(area_ids))


def _require_unused_email(conn: Connection, email: str) -> None:
    taken = conn.execute(select(users_table.c.user_id).where(users_table.c.email == email))
    if taken.first() is not None:
        raise EmailTaken(N_("a user with email %(email)s already exists"), email=email)


