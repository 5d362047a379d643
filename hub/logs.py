"""One log format for every process: a timestamp, then ``key=value`` pairs.

``hub`` commands set it up in :func:`hub.cli.main`; web processes run by uvicorn's own command
(the Procfile) set it up as the app is imported (:mod:`hub.web.asgi`), after uvicorn has given
its loggers handlers of its own: those are taken away, so uvicorn's lines (start-up, warnings,
access) come out in the same format, through the root logger, as the hub's.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure_logging(level: str) -> None:
    """Log at ``level`` and above to standard error in the hub's format, uvicorn's lines too."""
    logging.basicConfig(level=level, format=FORMAT)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
