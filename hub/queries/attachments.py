"""Which stored files the records still refer to (what the upload expiry must keep)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from hub.attachments import PAPER_REFERENCE
from hub.projections.meetings import meetings
from hub.projections.reports import report_attachments


def referenced_attachments(engine: Engine) -> set[str]:
    """Ids of every file named by a report submission or a meeting paper."""
    with engine.connect() as conn:
        kept = set(conn.execute(select(report_attachments.c.attachment_id)).scalars())
        for papers in conn.execute(select(meetings.c.papers)).scalars():
            kept.update(
                p["reference"][len(PAPER_REFERENCE):] for p in papers or ()
                if str(p.get("reference", "")).startswith(PAPER_REFERENCE)
            )
    return kept
