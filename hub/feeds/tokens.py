"""Calendar feed tokens: created, listed, rotated and revoked; only their digests are stored.

A feed's URL carries a 256-bit token, shown once when the feed is created or rotated; the hub
keeps its SHA-256 digest, so a leaked database cannot be turned into working links. Rotating
gives the feed a new token (the old URL stops at once, the feed keeps its name and settings);
revoking stops it for good. Both answer 404 on the old URL, as for a token that never existed.

Who manages a feed: the person who created it; an organisation feed, any admin of the
organisation (it belongs to the organisation, not to a person).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, update

from hub.access.accounts import Role
from hub.access.policy import Actor
from hub.access.secrets import digest, new_token
from hub.domain.errors import N_, DomainError
from hub.feeds.db import reader
from hub.feeds.tables import calendar_feeds
from hub.projections.directory import organisations
from hub.queries.directory import workspace

TOKEN_PREFIX = "cal_"
"""Marks a calendar feed token (secret scanners and people can tell it from an API token)."""


class FeedKind(StrEnum):
    """What a feed shows."""

    USER = "user"
    """The meetings a person's organisation is invited to or convenes, and the deadlines it
    owns; it stops when the person's account is disabled or moves to another organisation."""

    WORKSPACE = "workspace"
    """Every meeting and deadline of one workspace, while the organisation is a member."""

    ORGANISATION = "organisation"
    """Every meeting and deadline in all the organisation's workspaces (its admins manage it)."""


class FeedNotFound(DomainError):
    """No live calendar feed with this id is yours to manage."""

    code = "calendar_feed.not_found"
    status = 404


class PersonRequired(DomainError):
    """Calendar feeds are managed by signed-in people, not by API tokens."""

    code = "calendar_feed.person_required"
    status = 403


class AdminOnly(DomainError):
    """Only an admin of the organisation manages its organisation-wide feeds."""

    code = "calendar_feed.admin_only"
    status = 403


ERRORS: tuple[type[DomainError], ...] = (FeedNotFound, PersonRequired, AdminOnly)


@dataclass(frozen=True)
class Issued:
    """A feed and its token, which is never shown again."""

    feed: Any
    token: str


class CalendarFeeds:
    """The calendar feeds of one database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine, self.clock = engine, clock

    def create(
        self, actor: Actor, kind: FeedKind, *, workspace_id: str | None = None,
        name: str | None = None,
    ) -> Issued:
        """A new feed of ``kind`` owned by the actor (a signed-in person) and its token.

        A workspace feed needs a workspace the actor's organisation belongs to (else
        ``record.not_found``); an organisation feed needs an admin.
        """
        organisation_id, user_id = _person(actor)
        kind = FeedKind(kind)
        if kind == FeedKind.ORGANISATION and actor.role != Role.ADMIN:
            raise AdminOnly(N_("only an admin of your organisation can add an organisation feed"))
        if kind == FeedKind.WORKSPACE:
            assert workspace_id is not None
            label = workspace(self.engine, actor, workspace_id)["name"]
        else:
            workspace_id = None
            label = self._organisation_name(organisation_id)
            if kind == FeedKind.ORGANISATION:
                label += " (all workspaces)"
        token, feed_id = new_token(TOKEN_PREFIX), str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(calendar_feeds.insert().values(
                feed_id=feed_id, token_hash=digest(token), kind=kind.value,
                name=name or f"Partnership Hub: {label}", organisation_id=organisation_id,
                workspace_id=workspace_id, created_by=user_id, created_at=self._now(),
            ))
        return Issued(self._row(feed_id), token)

    def feeds_of(self, actor: Actor) -> list[Any]:
        """The feeds the actor manages (revoked ones too, marked), newest first."""
        with reader(self.engine) as conn:
            return list(conn.execute(
                select(calendar_feeds).where(_manageable(actor))
                .order_by(calendar_feeds.c.created_at.desc(), calendar_feeds.c.feed_id)
            ))

    def rotate(self, actor: Actor, feed_id: str) -> Issued:
        """Give a live feed a new token: the old URL stops at once."""
        token = new_token(TOKEN_PREFIX)
        self._change(actor, feed_id, token_hash=digest(token), rotated_at=self._now())
        return Issued(self._row(feed_id), token)

    def revoke(self, actor: Actor, feed_id: str) -> None:
        """Stop a live feed for good."""
        self._change(actor, feed_id, revoked_at=self._now())

    def _now(self) -> datetime:
        # Stored in UTC: SQLite keeps the wall-clock time of whatever zone it is given.
        return self.clock().astimezone(UTC)

    def _change(self, actor: Actor, feed_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(calendar_feeds)
                .where(
                    (calendar_feeds.c.feed_id == feed_id)
                    & calendar_feeds.c.revoked_at.is_(None)
                    & _manageable(actor)
                )
                .values(**values)
            ).rowcount
        if not changed:
            raise FeedNotFound(N_("no such calendar feed of yours"))

    def _row(self, feed_id: str) -> Any:
        with reader(self.engine) as conn:
            return conn.execute(
                select(calendar_feeds).where(calendar_feeds.c.feed_id == feed_id)
            ).one()

    def _organisation_name(self, organisation_id: str) -> str:
        with reader(self.engine) as conn:
            name = conn.execute(
                select(organisations.c.name).where(
                    organisations.c.organisation_id == organisation_id
                )
            ).scalar()
        return str(name or organisation_id)


def _person(actor: Actor) -> tuple[str, str]:
    if actor.system or actor.organisation_id is None or actor.user_id is None or (
        actor.permissions
    ):
        raise PersonRequired(N_("calendar feeds are managed by signed-in people"))
    return actor.organisation_id, actor.user_id


def _manageable(actor: Actor) -> Any:
    """The feeds the actor created, and (for an admin) its organisation's own feeds."""
    _organisation_id, user_id = _person(actor)
    own = calendar_feeds.c.created_by == user_id
    if actor.role != Role.ADMIN:
        return own
    return or_(own, (calendar_feeds.c.kind == FeedKind.ORGANISATION.value)
               & (calendar_feeds.c.organisation_id == actor.organisation_id))


def follow_successors(
    conn: Connection, successors: Mapping[str, str], workspaces: Mapping[str, str]
) -> None:
    """Calendar feeds follow a directory change: an ended organisation's feed becomes its
    successor's, and a feed of a workspace closed into a new CSP's shows that one. A person's
    feed follows the person, so it is left as it is."""
    for old, new in successors.items():
        conn.execute(update(calendar_feeds).where(
            (calendar_feeds.c.kind == FeedKind.ORGANISATION.value)
            & (calendar_feeds.c.organisation_id == old)
        ).values(organisation_id=new))
    for old, new in workspaces.items():
        conn.execute(update(calendar_feeds).where(
            (calendar_feeds.c.kind == FeedKind.WORKSPACE.value)
            & (calendar_feeds.c.workspace_id == old)
        ).values(workspace_id=new))
