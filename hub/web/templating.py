"""Jinja2 templates: the hub's own, with the GOV.UK Frontend macros from govuk-frontend-jinja."""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from hub import i18n
from hub.web.pages.present import REPORT_STATUSES, date_as, london_time, long_date, status_tag
from hub.web.pages.value_words import value_words
from hub.web.security import csp_nonce

TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> Jinja2Templates:
    """The template renderer every page uses."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Every string a person reads goes through gettext, in the request's locale (hub/i18n.py).
    # Trimmed: a {% trans %} block's line breaks and indents are not part of its message.
    i18n.install(env)
    env.policies["ext.i18n.trimmed"] = True
    # Every time a person reads is London time, every date written out (see present.py).
    env.filters["london"] = london_time
    env.filters["long_date"] = long_date
    env.filters["date_as"] = date_as
    env.globals["report_status"] = _report_status
    # Words a page gets from Python tables (a form's labels and hints, marked there with N_):
    # translated as plain text, never formatted, since they may hold a "%".
    env.filters["translate"] = i18n.gettext
    # Coded values (a theme, a kind of organisation, a role) in words (value_words.py).
    env.filters["value_words"] = value_words
    return Jinja2Templates(env=env, context_processors=[_page_context])


def _report_status(status: str) -> str:
    """A report request's status in words, as its page shows it."""
    return status_tag(REPORT_STATUSES, status)[0]


def _page_context(request: Request) -> dict[str, str | None]:
    # GOV.UK's page template has one inline script (it marks the body js-enabled); the CSP
    # lets it run by this request's nonce, and no other inline script. Its <html lang> names
    # the language the page is written in.
    return {"cspNonce": csp_nonce(request), "htmlLang": i18n.current_locale()}
