"""Search across meetings, report requests and mergers, by title and text.

Only records the caller's organisation may see come back: the same rule the record lists and
pages use (:func:`hub.queries.records.visible_in`), so another area's record is never found.
Each word of the query must appear (as a word or the start of one, after English stemming);
the best matches come first. SQLite answers from its FTS5 table, PostgreSQL from its GIN
index (see :mod:`hub.projections.search`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, column, select, table, text

from hub.db import is_sqlite
from hub.projections.search import search_entries
from hub.queries.records import visible_in

MAX_QUERY_LENGTH = 200
"""The longest query accepted, in characters."""

LIMIT = 50
"""At most this many results, best first."""

# Letters and digits only: every other character separates words. Nothing the caller types
# reaches either database's query syntax except these words.
_WORD = re.compile(r"[^\W_]+")
WORD_PATTERN = _WORD.pattern
"""A word, as a JSON Schema pattern: a query must hold one."""

# The PostgreSQL index is on exactly this expression (migration 0015).
_DOCUMENT = "to_tsvector('english', search_entries.title || ' ' || search_entries.body)"

_fts = table("search_text", column("rowid"))


@dataclass(frozen=True)
class Found:
    """A record that matched."""

    record_type: str
    record_id: str
    title: str
    dated: date


def words_of(query: str) -> list[str]:
    """The words of a query, lower case, duplicates dropped, in the order typed."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))


def search(
    engine: Engine, query: str, *, workspace_ids: Collection[str] | None, limit: int = LIMIT
) -> list[Found]:
    """The visible records matching every word of ``query``, best first (none for no words)."""
    words = words_of(query)
    if not words:
        return []
    visible = visible_in(search_entries, workspace_ids)
    picked = select(
        search_entries.c.record_type, search_entries.c.record_id, search_entries.c.title,
        search_entries.c.dated,
    )
    if visible is not None:
        picked = picked.where(visible)
    if is_sqlite(engine):
        statement = (
            picked.join(_fts, _fts.c.rowid == search_entries.c.entry_id)
            .where(text("search_text MATCH :match"))
            .order_by(text("bm25(search_text)"), search_entries.c.title)
            .params(match=" ".join(f'"{w}"*' for w in words))
        )
    else:
        statement = (
            picked.where(text(f"{_DOCUMENT} @@ to_tsquery('english', :match)"))
            .order_by(
                text(f"ts_rank({_DOCUMENT}, to_tsquery('english', :match)) DESC"),
                search_entries.c.title,
            )
            .params(match=" & ".join(f"{w}:*" for w in words))
        )
    with engine.connect() as conn:
        rows = conn.execute(statement.limit(limit))
        return [Found(r.record_type, r.record_id, r.title, r.dated) for r in rows]
