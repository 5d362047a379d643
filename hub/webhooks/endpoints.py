"""An organisation's webhook endpoints: add, change, disable and enable, rotate, remove.

Every method takes the acting organisation and finds endpoints only within it, so one
organisation can never see or touch another's (a 404, as if it did not exist).

States: ``pending`` until the receiver passes the validation handshake (skipped when the
endpoint was added without it), then ``active``; ``disabled`` by an admin or automatically,
with the reason kept for the organisation's admins to read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from hub.access.actors import visible_workspaces
from hub.access.policy import Actor
from hub.bootstrap import Hub
from hub.domain.errors import N_
from hub.webhooks import delivery, handshake
from hub.webhooks.config import ROTATION_OVERLAP, WebhookConfig
from hub.webhooks.errors import EndpointNotFound, EndpointNotValidated, WorkspaceNotVisible
from hub.webhooks.filters import check_filters
from hub.webhooks.guard import check_endpoint
from hub.webhooks.signing import new_secret
from hub.webhooks.tables import (
    attempts_table,
    endpoints_table,
    messages_table,
    secrets_table,
)

PENDING, ACTIVE, DISABLED = "pending", "active", "disabled"


@dataclass(frozen=True)
class EndpointSpec:
    """What an admin says about a new endpoint."""

    url: str
    description: str
    event_types: Sequence[str]
    workspace_ids: Sequence[str] | None = None
    handshake: bool = True


class Endpoints:
    """The webhook endpoints of every organisation, on one hub."""

    def __init__(self, hub: Hub, config: WebhookConfig | None = None) -> None:
        self.hub = hub
        self.config = config or WebhookConfig.from_env()

    def add(self, organisation_id: str, created_by: str, spec: EndpointSpec) -> tuple[Any, str]:
        """Register an endpoint; returns its row and its secret, which is shown only this once.

        The filters, the scope, the URL and every address it resolves to are checked first;
        with the handshake on, the endpoint stays pending until the receiver consents.
        """
        event_types = check_filters(spec.event_types)
        scope = self._check_scope(organisation_id, spec.workspace_ids)
        url = check_endpoint(spec.url, self.config)
        endpoint_id, secret, now = str(uuid.uuid4()), new_secret(), self.hub.clock()
        with self.hub.engine.begin() as conn:
            conn.execute(
                insert(endpoints_table).values(
                    endpoint_id=endpoint_id, organisation_id=organisation_id, url=url,
                    description=spec.description.strip(), event_types=event_types,
                    workspace_ids=scope, state=PENDING if spec.handshake else ACTIVE,
                    handshake_required=spec.handshake, created_by=created_by, created_at=now,
                )
            )
            conn.execute(
                insert(secrets_table).values(
                    secret_id=str(uuid.uuid4()), endpoint_id=endpoint_id, secret=secret,
                    created_at=now,
                )
            )
        if spec.handshake:
            return self.retry_handshake(organisation_id, endpoint_id), secret
        return self.get(organisation_id, endpoint_id), secret

    def of(self, organisation_id: str) -> list[Any]:
        """The organisation's endpoints, oldest first."""
        with self.hub.engine.connect() as conn:
            return list(
                conn.execute(
                    select(endpoints_table)
                    .where(endpoints_table.c.organisation_id == organisation_id)
                    .order_by(endpoints_table.c.created_at, endpoints_table.c.endpoint_id)
                )
            )

    def get(self, organisation_id: str, endpoint_id: str) -> Any:
        """One endpoint of the organisation; :class:`EndpointNotFound` otherwise."""
        with self.hub.engine.connect() as conn:
            return _find(conn, organisation_id, endpoint_id)

    def change(
        self, organisation_id: str, endpoint_id: str, *, description: str | None = None,
        event_types: Sequence[str] | None = None,
        workspace_ids: Sequence[str] | bool | None = False,
    ) -> Any:
        """Change the description, the filters or the scope (``workspace_ids=None`` clears it).

        New filters and scope apply to events fanned out from now on.
        """
        values: dict[str, Any] = {}
        if description is not None:
            values["description"] = description.strip()
        if event_types is not None:
            values["event_types"] = check_filters(event_types)
        if workspace_ids is not False:
            assert not isinstance(workspace_ids, bool)
            values["workspace_ids"] = self._check_scope(organisation_id, workspace_ids)
        self._update(organisation_id, endpoint_id, **values)
        return self.get(organisation_id, endpoint_id)

    def disable(self, organisation_id: str, endpoint_id: str, reason: str) -> Any:
        """Stop deliveries; messages wait, and resume if the endpoint is enabled again."""
        self._update(organisation_id, endpoint_id, state=DISABLED, disabled_at=self.hub.clock(),
                     disabled_reason=reason[:500])
        return self.get(organisation_id, endpoint_id)

    def enable(self, organisation_id: str, endpoint_id: str) -> Any:
        """Resume deliveries, starting with the messages that waited meanwhile."""
        row = self.get(organisation_id, endpoint_id)
        if row.handshake_required and row.validated_at is None:
            raise EndpointNotValidated(
                N_("the receiver has not passed the validation handshake: retry it first")
            )
        self._update(organisation_id, endpoint_id, state=ACTIVE, disabled_at=None,
                     disabled_reason=None, failing_since=None)
        delivery.resume(self.hub, self.config, endpoint_id)
        return self.get(organisation_id, endpoint_id)

    def retry_handshake(self, organisation_id: str, endpoint_id: str) -> Any:
        """Run the validation handshake again; a pending endpoint that passes becomes active."""
        row = self.get(organisation_id, endpoint_id)
        refused = handshake.validate(row.url, self.config)
        values: dict[str, Any] = {"handshake_error": refused}
        if refused is None:
            values["validated_at"] = self.hub.clock()
            if row.state == PENDING:
                values["state"] = ACTIVE
        self._update(organisation_id, endpoint_id, **values)
        return self.get(organisation_id, endpoint_id)

    def rotate_secret(self, organisation_id: str, endpoint_id: str) -> tuple[str, datetime]:
        """A new secret, shown once; the old ones keep signing too until the returned time."""
        self.get(organisation_id, endpoint_id)
        now = self.hub.clock()
        overlap_ends = now + ROTATION_OVERLAP
        secret = new_secret()
        with self.hub.engine.begin() as conn:
            conn.execute(
                delete(secrets_table).where(
                    (secrets_table.c.endpoint_id == endpoint_id)
                    & (secrets_table.c.expires_at <= now)
                )
            )
            conn.execute(
                update(secrets_table)
                .where((secrets_table.c.endpoint_id == endpoint_id)
                       & secrets_table.c.expires_at.is_(None))
                .values(expires_at=overlap_ends)
            )
            conn.execute(
                insert(secrets_table).values(
                    secret_id=str(uuid.uuid4()), endpoint_id=endpoint_id, secret=secret,
                    created_at=now,
                )
            )
        return secret, overlap_ends

    def remove(self, organisation_id: str, endpoint_id: str) -> None:
        """Delete the endpoint, its secrets and its message log."""
        self.get(organisation_id, endpoint_id)
        with self.hub.engine.begin() as conn:
            for table in (attempts_table, messages_table, secrets_table, endpoints_table):
                conn.execute(delete(table).where(table.c.endpoint_id == endpoint_id))

    def _check_scope(
        self, organisation_id: str, workspace_ids: Sequence[str] | None
    ) -> list[str] | None:
        if not workspace_ids:
            return None
        visible = visible_workspaces(self.hub.engine, Actor(organisation_id=organisation_id))
        unknown = sorted(set(workspace_ids) - visible)
        if unknown:
            raise WorkspaceNotVisible(
                N_("your organisation is not a member of %(workspaces)s"),
                workspaces=', '.join(unknown)
            )
        return sorted(set(workspace_ids))

    def _update(self, organisation_id: str, endpoint_id: str, **values: Any) -> None:
        if not values:
            return
        with self.hub.engine.begin() as conn:
            _find(conn, organisation_id, endpoint_id)
            conn.execute(
                update(endpoints_table)
                .where(endpoints_table.c.endpoint_id == endpoint_id)
                .values(**values)
            )


def _find(conn: Connection, organisation_id: str, endpoint_id: str) -> Any:
    row = conn.execute(
        select(endpoints_table).where(
            (endpoints_table.c.endpoint_id == endpoint_id)
            & (endpoints_table.c.organisation_id == organisation_id)
        )
    ).first()
    if row is None:
        raise EndpointNotFound(N_("no such webhook endpoint in your organisation"))
    return row
