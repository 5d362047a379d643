"""Form posts: CSRF check, validation into a model, and errors shaped for GOV.UK components."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_origin

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from hub.access.secrets import same
from hub.domain.errors import DomainError
from hub.i18n import N_, _, gettext, ngettext

M = TypeVar("M", bound=BaseModel)


class CsrfFailed(DomainError):
    """The form's CSRF token is missing or wrong (an old tab, or a forged request)."""

    code = "request.csrf_failed"
    status = 403


@dataclass
class FormResult:
    """A parsed form: the model when valid, else errors by field, and the values to redisplay."""

    model: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def error_list(self) -> list[dict[str, str]]:
        """Errors as the GOV.UK error summary wants them, each linking to its field."""
        return [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]


def check_csrf(form: Any, expected: str | None) -> None:
    """Refuse a form whose CSRF token does not match the session's."""
    sent = form.get("csrf_token")
    if not expected or not isinstance(sent, str) or not same(sent, expected):
        raise CsrfFailed(N_("this form has expired: go back, reload the page and try again"))


async def read_form(
    request: Request, model: type[M], csrf: str | None, *, messages: dict[str, str] | None = None,
    **server_fields: Any,
) -> FormResult:
    """Validate a posted form into ``model``; field errors are phrased for people.

    ``messages`` words the "enter this" or "choose one" error per field (a field left empty or
    not one of the choices); other errors get standard GOV.UK wording. ``server_fields`` are
    values the hub sets (never read from the form).
    """
    form = await request.form()
    check_csrf(form, csrf)
    values = {
        k: form_value(form, model, k) for k in form
        if k != "csrf_token" and k not in server_fields
    }
    try:
        return FormResult(model.model_validate({**values, **server_fields}), values=values)
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors(include_url=False):
            name = str(problem["loc"][0]) if problem["loc"] else "form"
            custom = (messages or {}).get(name) if _is_missing(problem) else None
            errors.setdefault(
                name, custom or error_message(name.replace("_", " ").capitalize(), problem)
            )
        return FormResult(None, errors, values)


def form_value(form: Any, model: type[BaseModel], name: str) -> Any:
    """A posted field's value: every value for a field the model takes as a list (ticked
    checkboxes post one value each), the value itself for any other."""
    field = model.model_fields.get(name)
    if field is not None and get_origin(field.annotation) in (list, tuple, set, frozenset):
        return [str(v) for v in form.getlist(name)]
    return form.get(name)


def expected_version(form: Any) -> int:
    """The version a posted form's page was drawn at (its hidden ``expected_version``).

    A missing or garbled one is -1, a version no record is at, so the post is refused as stale
    rather than applied over changes its author never saw.
    """
    posted = str(form.get("expected_version", ""))
    return int(posted) if posted.isdigit() else -1


def _is_missing(problem: Any) -> bool:
    kind = problem.get("type", "")
    too_short = kind in {"string_too_short", "too_short"} and problem.get("input") in ("", [], None)
    return kind in {"missing", "enum", "literal_error", "date_from_datetime_parsing",
                    "date_parsing"} or too_short


def sentence(text: str) -> str:
    """``text`` with its first letter a capital, the rest as it is (names keep theirs)."""
    return text[:1].upper() + text[1:]


def error_message(label: str, problem: Mapping[str, Any]) -> str:
    """An error phrased for people, GOV.UK style, from a Pydantic error about ``label``, in
    the reader's language."""
    kind = str(problem.get("type", ""))
    ctx = problem.get("ctx") or {}
    label = gettext(label)
    words = {"field": label, "lower": label[:1].lower() + label[1:]}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return _("Enter %(lower)s") % words
    if kind == "too_short":
        return _("Add at least %(n)s %(lower)s") % {**words, "n": ctx.get("min_length", 1)}
    if kind in {"string_too_long", "too_long"}:
        return ngettext(
            "%(field)s must be %(n)d character or fewer",
            "%(field)s must be %(n)d characters or fewer", int(ctx.get("max_length") or 0),
        ) % {**words, "n": int(ctx.get("max_length") or 0)}
    if kind == "string_pattern_mismatch" and "https" in str(ctx.get("pattern", "")):
        return _("%(field)s must be a web address starting with https://") % words
    if kind in {"enum", "literal_error"}:
        return _("Select %(lower)s") % words
    if kind.startswith(("date", "datetime")):
        return _("%(field)s must be a real date") % words
    if kind == "value_error" and "email" in str(problem.get("msg", "")).lower():
        return _("Enter an email address in the correct format, like name@example.org")
    # Pydantic's own words, in English: the cases above cover what a form can cause.
    return _("%(field)s: %(problem)s") % {"field": label,
                                          "problem": problem.get("msg") or _("is not valid")}
