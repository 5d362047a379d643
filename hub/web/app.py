"""create_app: the one place the web application is wired together."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hub.bootstrap import Hub
from hub.domain.errors import DomainError
from hub.i18n import LocaleMiddleware
from hub.migrate import require_migrated, upgrade
from hub.outages import DATABASE_DOWN, REDIS_DOWN
from hub.web import auth as auth_callers
from hub.web import errors, health, live
from hub.web import feeds as feeds_http
from hub.web.api import accounts as accounts_api
from hub.web.api import catalogue as catalogue_api
from hub.web.api import directory as directory_api
from hub.web.api import duties as duties_api
from hub.web.api import events as events_api
from hub.web.api import feeds as feeds_api
from hub.web.api import meetings as meetings_api
from hub.web.api import reports as reports_api
from hub.web.api import search as search_api
from hub.web.api import webhooks as webhooks_api
from hub.web.api.openapi import openapi_json
from hub.web.describe import OrganisationNames
from hub.web.live import LiveBroker
from hub.web.metrics import metrics
from hub.web.pages import account, admin, auth, home, record_types, register, workspace_roles
from hub.web.pages import catalogue as catalogue_pages
from hub.web.pages import feeds as feeds_pages
from hub.web.pages import mail as mail_pages
from hub.web.pages import password_reset as password_reset_pages
from hub.web.pages import search as search_pages
from hub.web.pages import webhooks as webhooks_pages
from hub.web.problems import EXCEPTION_HANDLERS
from hub.web.security import CsrfGuard, SecurityHeaders
from hub.web.templating import make_templates
from workers.embedded import EmbeddedBackground

log = logging.getLogger("hub.web")

ROOT = Path(__file__).resolve().parents[2]
GOVUK_ASSETS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def prepare_heap_for_serving() -> None:
    """Keep the garbage collector's full passes off the live sockets' path.

    Call it once per serving process, after building the app and before serving; not in tests,
    which build many apps in one process. A full collection walks every tracked object and
    holds the event loop meanwhile. The ~160,000 objects of the imports and the app are frozen
    (``gc.freeze``: the cycle collector skips them; reference counting still frees them): a
    full pass over them took 100 to 160 ms, over 700 ms on a busy machine. What remains is
    mostly the connections' (about 150 objects each); with the default thresholds the frames
    and waiters in flight at each young collection were promoted fast enough to force a full
    pass every 13 s with 1,000 idle sockets and 10 events a second, each stalling every socket
    for 130 to 230 ms on a busy machine. A young generation of 10,000 objects lets those die
    young: in 40 s of the same load there was then no older collection at all.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


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
        broker = LiveBroker(hub, app.state.organisation_names)
        await broker.start()
        app.state.live_broker = broker
        log.info("event=web_started embedded=%s %s", hub.settings.embedded, hub.describe())
        try:
            yield
        finally:
            await broker.stop()
            if runner is not None:
                runner.stop()

    routes = [
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/metrics", metrics),
        Route("/openapi.json", openapi_json),
        *feeds_http.ROUTES,
        *auth.ROUTES,
        *account.ROUTES,
        *home.ROUTES,
        *workspace_roles.ROUTES,
        *record_types.ROUTES,
        *register.ROUTES,
        *admin.ROUTES,
        *directory_api.ROUTES,
        *events_api.ROUTES,
        *reports_api.ROUTES,
        *duties_api.ROUTES,
        *meetings_api.ROUTES,
        *accounts_api.ROUTES,
        *webhooks_api.ROUTES,
        *catalogue_api.ROUTES,
        *catalogue_pages.ROUTES,
        *webhooks_pages.ROUTES,
        *feeds_api.ROUTES,
        *feeds_pages.ROUTES,
        *mail_pages.ROUTES,
        *password_reset_pages.ROUTES,
        *search_api.ROUTES,
        *search_pages.ROUTES,
        *live.ROUTES,
        Mount("/static", StaticFiles(directory=ROOT / "static"), name="static"),
        Mount("/govuk", StaticFiles(directory=GOVUK_ASSETS, check_dir=False), name="govuk"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={  # type: ignore[arg-type]
            **EXCEPTION_HANDLERS,
            DomainError: errors.domain_error,
            HTTPException: errors.http_error,
            **dict.fromkeys(REDIS_DOWN + DATABASE_DOWN, errors.dependency_down),
        },
        lifespan=lifespan,
        # Outermost first: every response, errors included, gets the security headers, and is
        # written in the language the request asks for.
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(LocaleMiddleware, preferred=auth_callers.preferred_locale),
            Middleware(CsrfGuard),
        ],
    )
    app.state.hub = hub
    app.state.templates = make_templates()
    app.state.organisation_names = OrganisationNames(hub.engine)
    return app
