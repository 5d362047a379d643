"""A person's own settings: the language of their pages, live activity and mail.

Welsh public bodies work under the Welsh Language Standards (issue 19, "Ready for Welsh"), so a
person can choose Cymraeg once rather than set their browser's languages: the choice is stored
with them (``users.locale``) and wins over ``Accept-Language`` (:class:`hub.i18n.LocaleMiddleware`),
for their sockets too, and mail to them is written in it (:mod:`workers.mail`).
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hub.i18n import _, available_locales, current_locale
from hub.web.auth import hub_of
from hub.web.pages.common import page_caller, render
from hub.web.pages.forms import check_csrf
from hub.web.pages.kept import kept, see

PATH = "/account/language"


def language_names() -> dict[str, str]:
    """Each language the hub has, named in itself ("English", "Cymraeg"), so a reader finds
    their own whatever language the page is in."""
    return {
        code: Locale.parse(code).get_display_name(code) or code for code in available_locales()
    }


def _page(request: Request, chosen: str, **context: Any) -> Response:
    page_caller(request)
    return render(
        request, "account/language.html", title=_("Language"), section="language",
        languages=language_names(), chosen=chosen, **context,
    )


async def language(request: Request) -> Response:
    """The language the person reads the hub in, as radios (their choice, else the one their
    browser gave this page), with the error the last post left, if any."""
    caller = page_caller(request)
    state = await kept(request, caller) or {}
    if state.get("errors"):
        return _page(request, "", errors=state["errors"], status_code=400)
    return _page(request, caller.locale or current_locale())


async def save_language(request: Request) -> Response:
    """Store the person's language; back to the form with an error beside the radios if none
    of the hub's was chosen (post/redirect/get either way, so a reload posts nothing)."""
    caller = page_caller(request)
    form = await request.form()
    check_csrf(form, caller.csrf_token)
    chosen = str(form.get("locale", ""))
    if chosen not in available_locales():
        return await see(request, caller, PATH,
                         {"errors": {"locale": _("Select the language you want to use")}})
    hub_of(request).accounts.set_locale(caller.actor.user_id or "", chosen)
    # The page is shown again, now in the chosen language.
    return RedirectResponse(f"{PATH}?saved=1", status_code=303)


ROUTES = [
    Route(PATH, language, methods=["GET"]),
    Route(PATH, save_language, methods=["POST"]),
]
