"""Translation: every string a person reads goes through gettext (issue 19, "Ready for Welsh").

Welsh public bodies work under the Welsh Language Standards, so the hub keeps one message
catalogue (``hub/locale``, domain ``messages``) for pages, Python strings and mail alike.

- Python code marks a string with ``_("…")`` (or ``ngettext`` for a plural) from this module.
  The string is translated when the call runs, into the locale of the request (or of the job)
  in hand.
- Templates use ``{{ _("…") }}`` and ``{% trans %}…{% endtrans %}`` through Jinja2's i18n
  extension; :func:`install` wires an environment to this module.
- The locale is a context variable. A request sets it (:class:`LocaleMiddleware`) from the
  signed-in user's own choice, else from ``Accept-Language``; a job writing to one person
  sets it from theirs (:func:`using_locale`); anything else (the CLI) reads English.

The ``.po`` files are the only source: each is compiled in memory the first time its locale is
asked for, so no ``.mo`` binary is kept in the repository or built by a separate step.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

LOCALE_DIR = Path(os.environ.get("HUB_LOCALE_DIR") or Path(__file__).parent / "locale")
"""Where the catalogues are read from: ``hub/locale``, or ``HUB_LOCALE_DIR`` (a translator
trying a catalogue out before it is committed)."""
DOMAIN = "messages"
DEFAULT_LOCALE = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("hub_locale", default=DEFAULT_LOCALE)


def available_locales() -> list[str]:
    """English (the source language) and every locale with a catalogue in ``hub/locale``."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [DEFAULT_LOCALE, *found]


@cache
def translations(locale: str) -> NullTranslations:
    """``locale``'s translations, compiled from its ``.po`` file (English: the strings as
    written). Untranslated and fuzzy entries fall back to English."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == DEFAULT_LOCALE or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current_locale() -> str:
    """The locale of the request or job in hand."""
    return _current.get()


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    """Translate into ``locale`` inside the block (a job that writes to one reader, a test)."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current locale."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current locale (Welsh has six forms,
    so never choose between the two English forms in code)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current locale, told apart from the same English in another sense."""
    return translations(_current.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a context, as :func:`pgettext`."""
    return translations(_current.get()).npgettext(context, singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it: for words kept in a
    module-level table, translated with :func:`gettext` where they are shown."""
    return message


def babel_locale() -> Locale:
    """The current locale as Babel's, for dates and lists (English is British here:
    "A, B and C", not "A, B, and C")."""
    return _babel_locale(_current.get())


@cache
def _babel_locale(locale: str) -> Locale:
    # Parsed once: Babel formats a date about a third faster given the parsed locale.
    return Locale.parse("en_GB" if locale == DEFAULT_LOCALE else locale)


class _CurrentTranslations:
    """The translations of whatever locale is current when a template renders, so that one
    shared Jinja2 environment serves every request in its own language."""

    def gettext(self, message: str) -> str:
        return gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return npgettext(context, singular, plural, n)


def install(env: Environment) -> None:
    """Give ``env`` the i18n extension, translating into the current locale.

    New-style gettext: ``_()`` and ``{% trans %}`` escape their placeholders under
    autoescape and mark the result safe, and a missing placeholder is an error, not a silent
    gap.
    """
    env.add_extension("jinja2.ext.i18n")
    # The extension adds this method to the environment at run time, unknown to its stubs.
    env.install_gettext_translations(  # type: ignore[attr-defined]
        _CurrentTranslations(), newstyle=True
    )


def chosen_locale(locale: str | None) -> str | None:
    """``locale`` if the hub has a catalogue for it (a person's stored choice), else None
    (pure but for the list of catalogues)."""
    return locale if locale in available_locales() else None


def negotiate(accept_language: str | None) -> str:
    """The best locale we have for an ``Accept-Language`` header; English when none fits."""
    if not accept_language:
        return DEFAULT_LOCALE
    wanted = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            wanted.append((quality, tag.strip()))
    # Stable sort: equal weights keep the reader's order.
    preferred = [tag.replace("-", "_") for _q, tag in sorted(wanted, key=lambda w: -w[0])]
    try:
        chosen = Locale.negotiate(preferred, available_locales(), sep="_")
    except (UnknownLocaleError, ValueError):
        return DEFAULT_LOCALE
    return str(chosen) if chosen else DEFAULT_LOCALE


Preference = Callable[[HTTPConnection], str | None]
"""The language the caller of a request chose for themselves, if any (reads the database, so
it is called off the event loop; None, not an error, when it cannot say)."""


class LocaleMiddleware:
    """Sets the locale of each request or websocket: the caller's own choice (``preferred``),
    else the best fit for its ``Accept-Language`` header. ``scope["locale"]`` keeps it."""

    def __init__(self, app: ASGIApp, preferred: Preference | None = None) -> None:
        self.app = app
        self.preferred = preferred

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        locale = await self._preferred(scope) or negotiate(
            Headers(scope=scope).get("accept-language")
        )
        scope["locale"] = locale
        with using_locale(locale):
            await self.app(scope, receive, send)

    async def _preferred(self, scope: Scope) -> str | None:
        if self.preferred is None:
            return None
        # It reads the database: off the event loop, which every socket waits on.
        return chosen_locale(await asyncio.to_thread(self.preferred, HTTPConnection(scope)))
