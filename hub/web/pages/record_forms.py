"""The fields of a generated record form, and reading a posted form back into body values.

A command's request model (``schemas.requests``, named by its API route and used by its page)
says what each field takes; this module turns that into GOV.UK inputs. Nested bodies get real
fields rather than JSON: a nested model is a fieldset of its own fields, a list of models is a
set of repeated fieldsets (rows) with an "add another" button that works without JavaScript,
a mapping is rows of name and value, and a list of choices is a set of checkboxes.

Inputs are named by their path in the body, joined with ``-``: ``papers-0-title`` is the title
of the first paper, ``delegate-name`` the delegate's name. Errors are keyed the same way, so
each is shown beside its input and the error summary links to it.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from hub.i18n import N_, _, gettext
from hub.web.pages.field_words import CHOICES, FIELDS
from hub.web.pages.forms import error_message, sentence
from hub.web.pages.value_words import VALUE_WORDS

LONG_TEXT = {"matters", "text", "purpose", "reason", "note", "terms", "summary", "minutes",
             "notes", "cooperation_arrangements", "description", "regard_note",
             "specified_form", "not_satisfied_reasons", "proportionate_reasons"}
ROWS_SHOWN = 2
"""Rows a list of items offers at first (more with "add another")."""
MAX_ROWS = 200
"""The most rows a posted form may claim, so a forged count cannot make the server spin."""
LINES_HINT = N_("One per line")
"""A list's hint (translated where shown, as every field's hint is)."""
ADD_ROW = "add_row"
"""The name of the "add another" buttons; its value is the path of the list to grow."""


@dataclass(frozen=True)
class FormField:
    """One input (or group of inputs) of a generated form.

    ``kind`` is one of text, textarea, number, date, datetime, checkbox, select, radios (a
    choice whose options need explaining: each has a hint), checkboxes,
    lines, files (files to upload; the page stores them and sends their ids), group (a nested
    model: ``fields`` in a fieldset), rows (a list of ``fields``) or hidden (filled in by the
    page from the record, read back like text).
    """

    name: str
    label: str
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    """(value, label) pairs for select, radios and checkboxes."""
    choice_hints: tuple[tuple[str, str], ...] = ()
    """(value, hint) pairs explaining the radios' options."""
    hint: str = ""
    fields: tuple[FormField, ...] = ()
    """The fields of the nested model (group) or of one item (rows)."""
    item: str = ""
    """What one row is called, e.g. "agenda item"."""
    model: type[BaseModel] | None = None
    """The nested model each group or row is validated with; None for a mapping's rows."""
    optional_none: bool = False
    """Left blank, the field is sent as None (it can be cleared) rather than left out."""
    keep: bool = False
    """Left out, the handler keeps the record's current value (its default is a sentinel)."""

    def with_choices(self, choices: Iterable[tuple[str, str]]) -> FormField:
        """This field offered as ``choices`` (the page knows them; the model does not): a
        select (radios, if the choices need explaining), or checkboxes for a list."""
        offered = tuple(choices)
        hints = tuple((v, CHOICES[v][1]) for v, _ in offered if v in CHOICES)
        kind = ("checkboxes" if self.kind in ("lines", "checkboxes")
                else "radios" if hints else "select")
        # "One per line" was for typing; any other hint still explains the choice.
        hint = "" if self.hint == LINES_HINT else self.hint
        return replace(self, kind=kind, choices=offered, hint=hint, choice_hints=hints)


def offer_choices(
    fields: Iterable[FormField], choices: Mapping[str, Iterable[tuple[str, str]]]
) -> list[FormField]:
    """``fields`` with each one named in ``choices`` offered as them, nested fields too (an
    invitation's ``organisation_id``). A field with no choices to offer stays as it is."""
    offered = []
    for field in fields:
        if field.fields:
            field = replace(field, fields=tuple(offer_choices(field.fields, choices)))
        listed = tuple(choices.get(field.name, ()))
        offered.append(field.with_choices(listed) if listed else field)
    return offered


def offer_uploads(fields: Iterable[FormField], names: Iterable[str], hint: str) -> list[FormField]:
    """``fields`` with each list of ids named in ``names`` taking the files themselves."""
    uploads = set(names)
    return [
        replace(f, kind="files", hint=hint) if f.name in uploads and f.kind == "lines" else f
        for f in fields
    ]


def field_names(fields: Iterable[FormField]) -> set[str]:
    """The names of ``fields`` and of every field nested in them."""
    return {name for f in fields for name in (f.name, *field_names(f.fields))}


def form_fields(model: type[BaseModel]) -> list[FormField]:
    """The inputs for a body model (``expected_version`` is the page's, not the user's)."""
    fields = []
    for name, info in model.model_fields.items():
        if name == "expected_version" or _fixed(info.annotation, info.is_required()):
            continue
        keep = isinstance(info.default, enum.Enum) and len(type(info.default)) == 1
        fields.append(_field(name, info.annotation, info.is_required(), keep=keep))
    return fields


def _field(name: str, annotation: Any, required: bool, *, keep: bool = False) -> FormField:
    label, hint = FIELDS[name]
    nullable = _allows_none(annotation)
    inner = _unwrap(annotation, sentinel=keep)
    # A kept field is shown as the record has it: it must not be emptied unless it may be None.
    shown_required = required or (keep and not nullable)
    base = FormField(name, label, "text", shown_required, hint=hint,
                     optional_none=keep and nullable, keep=keep)
    enums = [a for a in _members(inner) if _is_enum(a)]
    # "ReportKind | str": the enum names the choices.
    if _is_enum(inner) or (_is_union(inner) and len(enums) == 1 and str in get_args(inner)):
        choices = _enum_choices(enums[0] if enums else inner)
        hints = tuple((v, CHOICES[v][1]) for v, _ in choices if v in CHOICES)
        return replace(base, kind="radios" if hints else "select", choices=choices,
                       choice_hints=hints)
    if get_origin(inner) is Literal:
        offered = tuple((str(v), str(v)) for v in get_args(inner))
        return replace(base, kind="select", choices=offered)
    if inner is bool:
        return replace(base, kind="checkbox")
    if inner is int:
        return replace(base, kind="number")
    if inner is date:
        return replace(base, kind="date")
    if inner is datetime:
        return replace(base, kind="datetime", hint=hint or N_("In London time"))
    if inner is str or _is_str_union(inner):
        return replace(base, kind="textarea" if name in LONG_TEXT else "text")
    nested = _model_in(inner)
    if nested is not None:
        return replace(base, kind="group", fields=_model_fields(nested), model=nested,
                       item=_item_name(nested))
    origin = get_origin(inner)
    if _is_mapping(origin):
        item = _singular(label)
        pair = (FormField("key", N_("For"), "text", True),
                FormField("value", item, "textarea", True))
        return replace(base, kind="rows", fields=pair, item=item.lower())
    if _is_sequence(origin):
        (item,) = get_args(inner)[:1] or (Any,)
        item_model = _model_in(item)
        if item_model is not None:
            return replace(base, kind="rows", fields=_model_fields(item_model), model=item_model,
                           item=_item_name(item_model))
        item_enums = [a for a in (item, *_members(item)) if _is_enum(a)]
        if item_enums:
            return replace(base, kind="checkboxes", choices=_enum_choices(item_enums[0]))
        if item is str:
            return replace(base, kind="lines", hint=hint or LINES_HINT)
    raise TypeError(f"no form input for {name}: {annotation!r}")


def _fixed(annotation: Any, required: bool) -> bool:
    """Whether a field has one possible value and a default: it asks a person nothing (the
    zone of a meeting's times, while the hub holds meetings in London time only)."""
    return not required and get_origin(annotation) is Literal and len(get_args(annotation)) == 1


def _model_fields(model: type[BaseModel]) -> tuple[FormField, ...]:
    return tuple(_field(n, i.annotation, i.is_required()) for n, i in model.model_fields.items())


def _members(annotation: Any) -> tuple[Any, ...]:
    return tuple(_bare(a) for a in get_args(annotation)) if _is_union(annotation) else ()


def _bare(annotation: Any) -> Any:
    """The type without its ``Annotated`` constraints (a length says nothing of the input)."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum)


def _enum_choices(kind: type[enum.Enum]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(m.value), CHOICES[str(m.value)][0] if str(m.value) in CHOICES
         else VALUE_WORDS.get(str(m.value)) or sentence(str(m.value).replace("_", " ")))
        for m in kind
    )


def _allows_none(annotation: Any) -> bool:
    return type(None) in _members(annotation)


def _unwrap(annotation: Any, *, sentinel: bool) -> Any:
    """Without None, and without the "keep as it is" sentinel's enum when there is one."""
    if not _is_union(annotation):
        return _bare(annotation)
    args = [
        a for a in _members(annotation)
        if a is not type(None) and not (sentinel and _is_enum(a) and len(a) == 1)
    ]
    return args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007


def _is_str_union(annotation: Any) -> bool:
    args = _members(annotation)
    return str in args and all(a is str or _is_enum(a) for a in args)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    # Handlers take "Paper | dict[str, Any]": the model is what a form must fill in.
    for candidate in (annotation, *_members(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_mapping(origin: Any) -> bool:
    return isinstance(origin, type) and issubclass(origin, Mapping)


def _is_sequence(origin: Any) -> bool:
    return origin in (list, tuple, typing.Sequence, typing.Iterable) or (
        isinstance(origin, type) and issubclass(origin, Iterable) and origin is not str
    )


def _item_name(model: type[BaseModel]) -> str:
    words = re.findall(r"[A-Z][a-z0-9]*", model.__name__)
    return " ".join(words).lower() or model.__name__


def _singular(label: str) -> str:
    return label[:-1] if label.endswith("s") else label


# -- what to show --------------------------------------------------------------------------------


def rows_shown(path: str, values: Mapping[str, Any]) -> int:
    """How many rows a list shows: as many as were posted or prefilled, at least a few."""
    return max(ROWS_SHOWN, _count(values.get(f"{path}-rows")), _highest_row(path, values) + 1)


def with_rows(fields: Iterable[FormField], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` saying how many rows each list shows (``<path>-rows``), for the template."""
    out = dict(values)
    for field in fields:
        _count_rows(field, field.name, out)
    return out


def _count_rows(field: FormField, path: str, out: dict[str, Any]) -> None:
    if field.kind == "rows":
        out[f"{path}-rows"] = str(rows_shown(path, out))
    elif field.kind == "group":
        for child in field.fields:
            _count_rows(child, f"{path}-{child.name}", out)


def prefill(fields: Iterable[FormField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Form values showing ``data`` (body values such as a record's), one blank row spare."""
    values: dict[str, Any] = {}
    for field in fields:
        if field.name in data and data[field.name] is not None:
            _flatten(field, field.name, data[field.name], values)
    return values


def _flatten(field: FormField, path: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if field.kind == "group" and isinstance(value, Mapping):
        for child in field.fields:
            if value.get(child.name) is not None:
                _flatten(child, f"{path}-{child.name}", value[child.name], out)
    elif field.kind == "rows":
        items = (
            [{"key": k, "value": v} for k, v in value.items()] if isinstance(value, Mapping)
            else list(value)
        )
        for index, item in enumerate(items):
            _flatten(replace(field, kind="group"), f"{path}-{index}", item, out)
        out[f"{path}-rows"] = str(len(items) + 1)
    elif field.kind == "lines":
        out[path] = "\n".join(str(v) for v in value)
    elif field.kind == "checkboxes":
        out[path] = [str(getattr(v, "value", v)) for v in value]
    elif field.kind == "checkbox":
        out[path] = "yes" if value else ""
    else:
        out[path] = str(getattr(value, "value", value))


def posted_values(form: Any) -> dict[str, Any]:
    """A posted form's values to show again: one string per input, a list for checkboxes."""
    values: dict[str, Any] = {}
    for key in form:
        if key in ("csrf_token", ADD_ROW):
            continue
        found = form.getlist(key)
        values[key] = found if len(found) > 1 else found[0]
    return values


def add_row(values: dict[str, Any], fields: Iterable[FormField], path: str) -> str | None:
    """One more row for the list at ``path``; returns the new row's path (None if no list)."""
    field = _field_at_path(list(fields), path)
    if field is None or field.kind != "rows":
        return None
    shown = rows_shown(path, values)
    if shown >= MAX_ROWS:
        return None
    values[f"{path}-rows"] = str(shown + 1)
    return f"{path}-{shown}"


# -- reading a posted form -----------------------------------------------------------------------


def parse_form(form: Any, fields: list[FormField]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form values as body values, and errors keyed by the input they belong beside.

    Each nested item is validated with its own model here, so its errors name the exact input;
    the body as a whole is still validated by the body model (and the command) after.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        present, value = _read(form, field, field.name, field.label, errors)
        if present:
            values[field.name] = value
        elif field.keep and _shown(form, field, field.name):
            # A prefilled field the user emptied: clear it (or let the command refuse it).
            values[field.name] = (
                [] if field.kind == "rows" else None if field.optional_none else ""
            )
    return values, errors


def _shown(form: Any, field: FormField, path: str) -> bool:
    return (f"{path}-rows" if field.kind == "rows" else path) in form


def _read(
    form: Any, field: FormField, path: str, label: str, errors: dict[str, str]
) -> tuple[bool, Any]:
    """(whether the user gave the field, its value); records errors under their paths."""
    if field.kind == "checkbox":
        return True, form.get(path) is not None
    if field.kind == "checkboxes":
        chosen = [str(v) for v in form.getlist(path)]
        return bool(chosen), chosen
    if field.kind == "group":
        return _read_item(form, field, path, label, errors)
    if field.kind == "files":
        return False, None  # stored by the page, which sends their ids (see uploads.py)
    if field.kind == "rows":
        return _read_rows(form, field, path, errors)
    raw = form.get(path)
    if raw is None or str(raw).strip() == "":
        return False, None
    text = str(raw)
    if field.kind == "lines":
        return True, [line.strip() for line in text.splitlines() if line.strip()]
    if field.kind == "number":
        if not text.strip().isdigit():
            errors[path] = _("%(field)s must be a whole number, like 1") % {"field": gettext(label)}
            return False, None
        return True, int(text)
    return True, text if field.kind == "textarea" else text.strip()


def _read_item(
    form: Any, field: FormField, path: str, label: str, errors: dict[str, str]
) -> tuple[bool, Any]:
    item: dict[str, Any] = {}
    for child in field.fields:
        present, value = _read(form, child, f"{path}-{child.name}",
                               _part_of(child.label, label), errors)
        # An unticked box alone does not make a row worth reading.
        if present and not (child.kind == "checkbox" and value is False):
            item[child.name] = value
    if not item:
        return False, None
    if field.model is None:
        missing = [c for c in field.fields if c.name not in item]
        for child in missing:
            part = _part_of(child.label, label)
            errors.setdefault(f"{path}-{child.name}",
                              gettext("Enter %(part)s") % {"part": part[:1].lower() + part[1:]})
        return not missing, item
    try:
        return True, field.model.model_validate(item)
    except ValidationError as failed:
        for problem in failed.errors(include_url=False):
            child_name = str(problem["loc"][0]) if problem["loc"] else ""
            child = next((c for c in field.fields if c.name == child_name), field.fields[0])
            errors.setdefault(f"{path}-{child.name}",
                              error_message(_part_of(child.label, label), problem))
        return False, None


def _read_rows(
    form: Any, field: FormField, path: str, errors: dict[str, str]
) -> tuple[bool, Any]:
    if f"{path}-rows" not in form and _highest_row(path, form) < 0:
        return False, None
    items = []
    count = min(MAX_ROWS, max(_count(form.get(f"{path}-rows")), _highest_row(path, form) + 1))
    for index in range(count):
        present, item = _read_item(form, field, f"{path}-{index}",
                                   f"{field.item} {index + 1}", errors)
        if present:
            items.append(item)
    if field.model is None:
        return bool(items), {i["key"]: i["value"] for i in items}
    return bool(items), items


def _count(raw: Any) -> int:
    text = str(raw or "")
    return min(int(text), MAX_ROWS) if text.isdigit() else 0


def _highest_row(path: str, values: Iterable[str]) -> int:
    pattern = re.compile(rf"^{re.escape(path)}-(\d+)-")
    indexes = [int(m.group(1)) for key in values if (m := pattern.match(str(key)))]
    return min(max(indexes, default=-1), MAX_ROWS - 1)


# -- errors --------------------------------------------------------------------------------------


# Handlers pass a command's validation errors on as text; these are the ones a form can cause.
_MESSAGES = {
    "Field required": "missing",
    "String should have at least 1 character": "string_too_short",
    "List should have at least 1 item after validation, not 0": "too_short",
}


def body_errors(fields: list[FormField], error: ValidationError) -> dict[str, str]:
    """The body model's errors, each keyed by the input it belongs beside."""
    found: dict[str, str] = {}
    for problem in error.errors(include_url=False):
        path = "-".join(str(p) for p in _input_path(fields, problem["loc"])) or "form"
        field = _field_at_path(fields, path)
        if problem["type"] == "missing" and field is not None and field.kind == "rows":
            # A list with no row filled in asks for one item, not for "the list".
            problem = {**problem, "type": "too_short", "ctx": {"min_length": 1}}
        found.setdefault(anchor(fields, path), error_message(label_at(fields, path), problem))
    return found


def handler_errors(fields: list[FormField], details: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """A handler's input errors (``{"field": "papers.0.title", "message": ...}``), each keyed
    by the input it belongs beside."""
    found: dict[str, str] = {}
    for detail in details:
        path = str(detail.get("field", "form")).replace(".", "-")
        text = str(detail.get("message", ""))
        kind = _MESSAGES.get(text) or (
            "string_pattern_mismatch" if text.startswith("String should match pattern") else ""
        )
        label = label_at(fields, path)
        problem = {"type": kind, "ctx": {"min_length": 1, "pattern": text}, "msg": text}
        found.setdefault(anchor(fields, path),
                         error_message(label, problem) if kind
                         else _("%(field)s: %(problem)s") % {"field": gettext(label),
                                                             "problem": text})
    return found


def label_at(fields: list[FormField], path: str) -> str:
    """How an error at ``path`` names its field: "Title of paper 2", or a list's item."""
    parts = path.split("-")
    top = next((f for f in fields if f.name == parts[0]), None)
    if top is None:
        return parts[0].replace("_", " ").capitalize()
    if len(parts) == 1:
        return top.item if top.kind == "rows" else top.label
    if top.kind == "rows" and parts[1].isdigit():
        item = f"{top.item} {int(parts[1]) + 1}"
        child = next((f for f in top.fields if len(parts) > 2 and f.name == parts[2]), None)
        return _part_of(child.label, item) if child else item.capitalize()
    child = next((f for f in top.fields if f.name == parts[1]), None)
    return _part_of(child.label, top.label) if child else top.label


def _part_of(part: str, whole: str) -> str:
    """A field within a group or row, in words: "Title of paper 1" (in the reader's
    language)."""
    whole = gettext(whole)
    return gettext("%(part)s of %(whole)s") % {
        "part": gettext(part), "whole": whole[:1].lower() + whole[1:],
    }


def anchor(fields: list[FormField], path: str) -> str:
    """The input an error at ``path`` belongs beside: the first input of a group or list."""
    field = _field_at_path(fields, path)
    while field is not None and field.kind in ("group", "rows") and field.fields:
        path = f"{path}-0" if field.kind == "rows" else path
        field = field.fields[0]
        path = f"{path}-{field.name}"
    return path


def _input_path(fields: Iterable[FormField], loc: Iterable[Any]) -> list[Any]:
    """An error's location as the path of its input: field names and row numbers, without
    the union member Pydantic names when a value fits none (``title``'s ``constrained-str``
    when a detail the page may keep is emptied)."""
    path: list[Any] = []
    options = list(fields)
    for part in loc:
        if isinstance(part, int):
            path.append(part)
            continue
        field = next((f for f in options if f.name == part), None)
        if field is not None:
            path.append(part)
            options = list(field.fields)
    return path


def _field_at_path(fields: list[FormField], path: str) -> FormField | None:
    """The field at ``path`` (``agenda``, ``papers-0-title``, ``delegate-name``), if any."""
    parts = path.split("-")
    current: FormField | None = None
    options = fields
    index = 0
    while index < len(parts):
        current = next((f for f in options if f.name == parts[index]), None)
        if current is None:
            return None
        index += 1
        if current.kind == "rows" and index < len(parts) and parts[index].isdigit():
            index += 1
        options = list(current.fields)
    return current
