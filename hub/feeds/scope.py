"""What a feed token may show, resolved at every request from its owner's standing today.

Nothing about visibility is frozen into a feed when it is created: a person's feed follows
their organisation's workspaces (and stops if their account is disabled or moves to another
organisation); a workspace feed stops once its creator's organisation leaves the workspace; an
organisation feed follows the organisation's workspaces. A feed that may show nothing any more
answers like an unknown token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, or_, select, update

from hub.access.secrets import digest
from hub.access.tables import users_table
from hub.db import aware
from hub.events.tables import event_workspaces_table
from hub.feeds.db import reader
from hub.feeds.tables import calendar_feeds
from hub.feeds.tokens import FeedKind
from hub.projections.directory import members

TOUCH_EVERY = timedelta(hours=1)
"""How stale a feed's "last used" time may get: recording every poll would make each one a
write, and an hour is precise enough to tell a feed nobody polls any more."""


@dataclass(frozen=True)
class Scope:
    """A live feed as it stands now: what it shows, and how far its workspaces' logs reach."""

    feed_id: str
    kind: FeedKind
    name: str
    organisation_id: str
    positions: tuple[tuple[str, int], ...]
    """Each workspace the feed may show, with the newest event position visible in it."""

    @property
    def own_only(self) -> bool:
        """True when the feed shows only its organisation's own meetings and deadlines."""
        return self.kind == FeedKind.USER

    @property
    def workspace_ids(self) -> frozenset[str]:
        """The workspaces the feed may show."""
        return frozenset(workspace_id for workspace_id, _ in self.positions)


def open_feed(engine: Engine, token: str, now: datetime) -> Scope | None:
    """The scope of the live feed ``token`` names, or None when there is none to show."""
    # One statement (one round trip, on every poll): the feed, its owner, and each workspace
    # it may show with the newest position there (an index lookup per workspace).
    newest = (
        select(func.max(event_workspaces_table.c.position))
        .where(event_workspaces_table.c.workspace_id == members.c.workspace_id)
        .scalar_subquery()
    )
    membership = (members.c.organisation_id == calendar_feeds.c.organisation_id) & or_(
        calendar_feeds.c.kind != FeedKind.WORKSPACE.value,
        members.c.workspace_id == calendar_feeds.c.workspace_id,
    )
    with reader(engine) as conn:
        rows = conn.execute(
            select(
                calendar_feeds, users_table.c.organisation_id.label("owner_organisation"),
                users_table.c.disabled.label("owner_disabled"),
                members.c.workspace_id.label("member_of"), newest.label("newest"),
            )
            .select_from(
                calendar_feeds
                .outerjoin(users_table, users_table.c.user_id == calendar_feeds.c.created_by)
                .outerjoin(members, membership)
            )
            .where(calendar_feeds.c.token_hash == digest(token))
        ).all()
    if not rows:
        return None
    feed = rows[0]
    if feed.revoked_at is not None or not _owner_stands(feed):
        return None
    positions = tuple(sorted(
        (row.member_of, int(row.newest or 0)) for row in rows if row.member_of is not None
    ))
    if feed.kind == FeedKind.WORKSPACE and not positions:
        return None
    _touch(engine, feed, now)
    return Scope(feed.feed_id, FeedKind(feed.kind), feed.name, feed.organisation_id, positions)


def _owner_stands(feed: Any) -> bool:
    # An organisation's feed outlives the admin who made it; a person's feeds do not.
    if feed.kind == FeedKind.ORGANISATION:
        return True
    return feed.owner_organisation == feed.organisation_id and not feed.owner_disabled


def _touch(engine: Engine, feed: Any, now: datetime) -> None:
    now = now.astimezone(UTC)
    last = aware(feed.last_used_at)
    if last is not None and now - last < TOUCH_EVERY:
        return
    with engine.begin() as conn:
        conn.execute(
            update(calendar_feeds)
            .where(calendar_feeds.c.feed_id == feed.feed_id)
            .values(last_used_at=now)
        )
