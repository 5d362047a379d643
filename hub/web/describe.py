"""Events in words, for activity feeds: "Leicester City Council: report request acknowledged".

One describer serves the pages and the live sockets, so a feed reads the same whether it was
rendered by the server or pushed to the browser.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, select

from hub.access.tables import users_table
from hub.projections.directory import organisations

# Fields that name what an event is about, in order of preference.
_SUBJECT_FIELDS = ("title", "name", "proposed_name", "reason", "organisation_id")


class _NamesById:
    """Names from one table, by id: loaded whole, again once a minute old or asked for an id
    it does not hold."""

    def __init__(self, engine: Engine, id_column: Any, name_column: Any, ttl: float) -> None:
        self.engine, self.ttl = engine, ttl
        self._query = select(id_column, name_column)
        self._names: dict[str, str] = {}
        self._loaded = 0.0

    def get(self, key: str) -> str | None:
        if time.monotonic() - self._loaded > self.ttl or key not in self._names:
            with self.engine.connect() as conn:
                self._names = {key: name for key, name in conn.execute(self._query)}
            self._loaded = time.monotonic()
        return self._names.get(key)


class OrganisationNames:
    """Organisation names by id, and people's by user id, each cached for a minute (names
    rarely change)."""

    def __init__(self, engine: Engine, ttl: float = 60.0) -> None:
        self._organisations = _NamesById(
            engine, organisations.c.organisation_id, organisations.c.name, ttl
        )
        self._people = _NamesById(engine, users_table.c.user_id, users_table.c.name, ttl)

    def __call__(self, organisation_id: str) -> str:
        return self._organisations.get(organisation_id) or organisation_id

    def person(self, user_id: str) -> str:
        """The name of the person with ``user_id`` ("a person" if there is none)."""
        return self._people.get(user_id) or "a person"


def describe(envelope: dict[str, Any], names: OrganisationNames) -> str:
    """One line saying who did what to which record."""
    record, _, happened = envelope["type"].partition(".")
    organisation = (envelope.get("meta") or {}).get("organisation")
    who = names(organisation) if organisation else "The hub"
    what = f"{record.replace('_', ' ')} {happened.replace('_', ' ')}"
    data = envelope.get("data") or {}
    if data.get("user_id"):
        # An event about a person (a workspace role) names them, not their organisation's id.
        subject = names.person(str(data["user_id"]))
        subject += f", {data['role']}" if data.get("role") else ""
    else:
        field = next((f for f in _SUBJECT_FIELDS if data.get(f)), None)
        # An organisation is named, never shown by its id (a record passed to a successor).
        subject = "" if field is None else (
            names(str(data[field])) if field == "organisation_id" else str(data[field]))
    if subject and len(subject) > 80:
        subject = subject[:79] + "…"
    return f"{who}: {what}" + (f" ({subject})" if subject else "")
