"""create_app: the one place the web application is wired together."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Route

from hub.bootstrap import Hub
from hub.migrate import require_migrated, upgrade
from hub.web import health
from hub.web.problems import EXCEPTION_HANDLERS
from workers.embedded import EmbeddedBackground

log = logging.getLogger("hub.web")


def create_app(hub: Hub, *, background: bool | None = None) -> Starlette:
    """The Starlette app for ``hub``.

    Embedded hubs migrate their own database and run the dispatcher and a worker in-process
    (``background`` overrides that); production hubs refuse to start on an unmigrated database.
    """
    run_background = hub.settings.embedded if background is None else background

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if hub.settings.embedded:
            upgrade(hub.engine)
        else:
            require_migrated(hub.engine)
        runner = EmbeddedBackground(hub) if run_background else None
        if runner is not None:
            runner.start()
        log.info("event=web_started embedded=%s %s", hub.settings.embedded, hub.describe())
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    routes = [
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.hub = hub
    return app
