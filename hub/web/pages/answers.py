""""Check your answers": a posted form's values in words, one summary row per question.

Each row says what was asked (the field's label), what was answered (choices by their labels,
never their values; a list as one line per item) and which input a "Change" link goes back to.
Pure: it reads the form's fields and the values as posted, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hub.i18n import _
from hub.web.pages.record_forms import FormField, anchor, rows_shown


@dataclass(frozen=True)
class Answer:
    """One question and its answer."""

    question: str
    lines: tuple[str, ...]
    """The answer, a line each (one for most questions)."""
    anchor: str
    """The id of the input that asked it (the "Change" link's fragment, without prefix)."""


def answers(fields: list[FormField], values: Mapping[str, Any]) -> list[Answer]:
    """The questions ``fields`` asked, each with its answer in ``values`` (as posted).

    Hidden fields (filled in by the page) are not questions the person answered, and are left
    out; so are optional questions left blank in a list (a list with no item says so).
    """
    found = []
    for field in fields:
        if field.kind in ("hidden", "files"):
            continue
        lines = _lines(field, field.name, values)
        found.append(Answer(field.label, tuple(lines) or (_("Not given"),),
                            anchor(fields, field.name)))
    return found


def _lines(field: FormField, path: str, values: Mapping[str, Any]) -> list[str]:
    if field.kind == "rows":
        items = []
        for index in range(rows_shown(path, values)):
            row = [
                text for child in field.fields
                for text in _lines(child, f"{path}-{index}-{child.name}", values)
            ]
            if row:
                items.append(", ".join(row))
        return items
    if field.kind == "group":
        parts = [text for child in field.fields
                 for text in _lines(child, f"{path}-{child.name}", values)]
        return [", ".join(parts)] if parts else []
    raw = values.get(path)
    chosen = [str(v) for v in (raw if isinstance(raw, list) else [raw] if raw else [])]
    if field.kind == "checkbox":
        # In a row, a ticked box reads as its label ("Required") and an unticked one as
        # nothing; a question of its own is answered yes or no.
        if "-" in path:
            return [field.label] if chosen else []
        return [_("Yes") if chosen else _("No")]
    if field.kind in ("checkboxes", "select", "radios"):
        labels = dict(field.choices)
        return [labels.get(v, v) for v in chosen]
    text = chosen[0].strip() if chosen else ""
    if not text:
        return []
    if field.kind == "date":
        return [_date(text)]
    if field.kind == "datetime":
        return [_datetime(text)]
    if field.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return [text]


def _date(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def _datetime(text: str) -> str:
    # Entered as the London wall clock, and shown as entered.
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text
    return _("%(day)s, %(time)s (London time)") % {
        "day": f"{when.day} {when:%B %Y}", "time": f"{when:%H:%M}"}
