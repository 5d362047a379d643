"""The upload expiry: files nothing refers to are removed once older than
``HUB_UPLOAD_EXPIRY_HOURS``, by a job that runs every hour.

Runs are aligned to the hour and named by it, so two workers starting together arm one chain,
and each run schedules the next under the next hour's name (a job re-using its own id would be
deleted with its result).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from hub.bootstrap import Hub
from hub.queries.attachments import referenced_attachments
from workers.reactions import on_start
from workers.runtime import current_hub
from workers.scheduling import schedule_at

log = logging.getLogger("hub.uploads")

EVERY = timedelta(hours=1)


def expire_unreferenced(hub: Hub) -> list[str]:
    """Remove the files no record refers to that are older than the expiry; their ids."""
    cutoff = hub.clock() - timedelta(hours=hub.settings.upload_expiry_hours)
    removed = hub.attachments.expire(referenced_attachments(hub.engine), cutoff)
    log.info("event=uploads_expired removed=%d", len(removed))
    return removed


def expire_uploads(due: int | None = None) -> int:
    """The hourly job (``due``: its own hour, as a Unix time): schedule the next run first
    (so a crash cannot end the chain), then expire; how many files were removed."""
    hub = current_hub()
    arm_next(hub, datetime.fromtimestamp(due, UTC) if due is not None else None)
    return len(expire_unreferenced(hub))


def arm_next(hub: Hub, after: datetime | None = None) -> int:
    """Schedule the run at the next whole hour (after ``after``, the running job's own hour:
    RQ may start a job a little before its time) unless it is already waiting; 0 or 1."""
    now = hub.clock()
    base = max(now, after) if after is not None else now
    hour = base.replace(minute=0, second=0, microsecond=0) + EVERY
    return schedule_at(
        hub, hour, expire_uploads, _job_id(hour), unless_armed=True, due=int(hour.timestamp())
    )


@on_start
def resume_expiry(hub: Hub) -> int:
    """Arm the chain as a worker starts (Redis may have lost it)."""
    return arm_next(hub)


def _job_id(hour: datetime) -> str:
    return f"uploads-expire-{int(hour.timestamp())}"
