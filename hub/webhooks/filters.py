"""Event-type filters: exact names, ``<record>.*`` for every event of a record, ``*`` for all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from hub.domain.errors import N_
from hub.webhooks.errors import UnknownEventType
from schemas.registry import all_specs

ALL = "*"
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$")


def matches(filters: Iterable[str], event_type: str) -> bool:
    """True when any filter selects ``event_type``."""
    record = event_type.split(".", 1)[0]
    return any(f in (ALL, event_type, f"{record}.*") for f in filters)


def published_filters() -> list[str]:
    """Every filter that selects something: ``*``, each record's ``<record>.*`` and each event
    type's name (what the API's document offers)."""
    names = [s.name for s in all_specs()]
    records = sorted({f"{name.split('.', 1)[0]}.*" for name in names})
    return [ALL, *records, *names]


def check_filters(filters: Sequence[str]) -> list[str]:
    """The filters, de-duplicated and sorted; each must select at least one published type.

    A filter that selects nothing is almost always a typo, and would silently deliver nothing,
    so it is refused with :class:`UnknownEventType`.
    """
    known = [s.name for s in all_specs()]
    cleaned = sorted({f.strip() for f in filters if f.strip()})
    if not cleaned:
        raise UnknownEventType(N_("choose at least one event type, or * for all"))
    for name in cleaned:
        if not _PATTERN.match(name) or not any(matches([name], t) for t in known):
            raise UnknownEventType(
                N_("%(name)r matches no event type: see the event catalogue for the names"),
                name=name
            )
    return cleaned
