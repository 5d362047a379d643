"""Every string a person reads in a template goes through gettext (issue 19, "Ready for Welsh").

Each page and mail template is parsed with the environment that renders it, and its syntax tree
walked:
- the literal text between tags (``TemplateData``), and readable attributes (``title``,
  ``aria-label``, ``alt``, ``placeholder``, ``data-…-message``), must hold no letters: text inside a
  ``{% trans %}`` block is no longer ``TemplateData`` once parsed, so what is left was missed;
- a string constant given as a GOV.UK component's readable value (``"text": "Save"``) or that
  reads as words ("Report requests") must sit inside ``_()``/``gettext``/``ngettext``.

A template written tomorrow without gettext fails here, naming the template and the words.
"""

from __future__ import annotations

import ast
import enum
import importlib
import pkgutil
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, nodes

import schemas.requests
from hub.access.accounts import Permission, Role
from hub.domain.errors import DomainError
from hub.mail.compose import ENV as MAIL_ENV
from hub.mail.compose import TEMPLATES as MAIL_TEMPLATES
from hub.web.pages.field_words import CHOICES
from hub.web.pages.present import PURPOSES
from hub.web.pages.value_words import VALUE_WORDS
from hub.web.templating import TEMPLATES as PAGE_TEMPLATES
from hub.web.templating import make_templates
from schemas.events.directory import OrganisationKind
from schemas.events.duties import DecisionKind, PriorityTheme, SourceKind
from schemas.events.meetings import Response

PAGE_ENV = make_templates().env
HOLE = "\x00"  # where an expression's value goes: a value, never words of the template's own

# Not words: character references, and marks that read the same in every language.
NOT_WORDS = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);|[\s\d\W_]", re.IGNORECASE)
READABLE_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
# GOV.UK Frontend's parameters that a person reads.
READABLE_KEYS = {
    "text", "html", "titleText", "descriptionText", "serviceName", "visuallyHiddenText",
    "caption", "summaryText", "hint", "label", "legend", "heading",
}
TAG = re.compile(r"<[^>]*>")
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
WORDS = re.compile(r"^[A-Z][a-z]+\b|(?<![\w-])[A-Za-z]{2,} [A-Za-z]{2,}(?![\w-])")
# Not text at all: the attributes of a generated form's input, built in a {% set %} block.
ALLOWED = {'… id="…" name="…" aria-describedby="…" autofocus'}


def _templates() -> Iterator[tuple[Environment, str]]:
    for env, root in ((PAGE_ENV, PAGE_TEMPLATES), (MAIL_ENV, MAIL_TEMPLATES)):
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".txt"):
                yield env, path.relative_to(root).as_posix()


TEMPLATES = list(_templates())


def _tree(env: Environment, name: str) -> nodes.Template:
    assert env.loader is not None
    source = env.loader.get_source(env, name)[0]
    return env.parse(source)


def _is_words(text: str) -> bool:
    return bool(NOT_WORDS.sub("", text.replace(HOLE, "")))


class _ReadableText(HTMLParser):
    """The text a person reads in HTML: data outside scripts and styles, and readable
    attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            readable = name in READABLE_ATTRIBUTES or name.endswith("-message")
            if readable and value and _is_words(value):
                self.found.append(f"{name}={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and _is_words(data):
            self.found.append(" ".join(data.replace(HOLE, "…").split()))


def untranslated_text(env: Environment, name: str) -> list[str]:
    """Literal words of template ``name`` outside gettext."""
    pieces = []
    for output in _tree(env, name).find_all(nodes.Output):
        for child in output.nodes:
            pieces.append(child.data if isinstance(child, nodes.TemplateData) else HOLE)
    joined = "".join(pieces)
    if not name.endswith(".html"):
        return [" ".join(line.replace(HOLE, "…").split())
                for line in joined.splitlines() if _is_words(line)]
    parser = _ReadableText()
    parser.feed(joined)
    parser.close()
    return parser.found


def untranslated_strings(env: Environment, name: str) -> list[str]:
    """String constants of template ``name`` that a person reads, outside gettext."""
    tree = _tree(env, name)
    inside_gettext = {
        id(const)
        for call in tree.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT
        for const in call.find_all(nodes.Const)
    }
    readable_values = {
        id(pair.value)
        for pair in tree.find_all(nodes.Pair)
        if isinstance(pair.key, nodes.Const) and pair.key.value in READABLE_KEYS
    }
    # Constants compared with or looked up by: values of data, not words for a person.
    data = {
        id(const)
        for node in tree.find_all((nodes.Compare, nodes.Getitem, nodes.Call, nodes.Test))
        if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)
                and node.node.name in GETTEXT)
        for const in node.iter_child_nodes()
        if isinstance(const, nodes.Const)
    } | {
        id(operand.expr)
        for operand in tree.find_all(nodes.Operand)
    }
    found = []
    for const in tree.find_all(nodes.Const):
        if not isinstance(const.value, str) or id(const) in inside_gettext:
            continue
        text = TAG.sub("", const.value)
        readable = id(const) in readable_values and _is_words(text)
        if readable or (id(const) not in data and WORDS.search(text)):
            found.append(repr(const.value))
    return found


@pytest.mark.parametrize(("env", "name"), TEMPLATES, ids=[name for _env, name in TEMPLATES])
def test_every_word_of_a_template_goes_through_gettext(env: Environment, name: str) -> None:
    missed = [
        words for words in untranslated_text(env, name) + untranslated_strings(env, name)
        if words not in ALLOWED
    ]
    assert not missed, f"{name}: words outside gettext: {missed}"


def words_made_by_hand(env: Environment, name: str) -> list[str]:
    """Words a template makes itself, in English whatever the reader's language: month and
    day names from ``strftime``, and a coded value's words from replacing its underscores."""
    found = []
    for call in _tree(env, name).find_all(nodes.Call):
        if not isinstance(call.node, nodes.Getattr):
            continue
        consts = [a.value for a in call.args if isinstance(a, nodes.Const)]
        if call.node.attr == "strftime" and any(
            re.search(r"%[aAbB]", str(c)) for c in consts
        ):
            found.append(f"strftime{tuple(consts)}")
        if call.node.attr == "replace" and consts[:1] == ["_"]:
            found.append(f"replace{tuple(consts)}")
    return found


# The event catalogue names record types by their codes, for partners' developers.
MADE_BY_HAND_ALLOWED = {"webhooks/catalogue.html"}


@pytest.mark.parametrize(("env", "name"), TEMPLATES, ids=[name for _env, name in TEMPLATES])
def test_no_template_makes_words_of_its_own(env: Environment, name: str) -> None:
    found = [] if name in MADE_BY_HAND_ALLOWED else words_made_by_hand(env, name)
    assert not found, f"{name}: use | long_date, | date_as or | value_words: {found}"


def test_the_guard_sees_words_outside_gettext() -> None:
    cases = {
        '<h1 class="govuk-heading-l">Sign in</h1>': True,
        "<p>{{ _('Sign in') }}</p>": False,
        "<p>{% trans n=count %}{{ n }} left{% endtrans %}</p>": False,
        '<a href="/" aria-label="Go home">{{ _("Home") }}</a>': True,
        "{{ govukButton({'text': 'Save'}) }}": True,
        "{{ govukButton({'text': _('Save'), 'classes': 'govuk-button--secondary'}) }}": False,
        "{% if status == 'Awaiting review' %}&nbsp;&ndash; 12{% endif %}": False,
        "<script>const x = 'Hello there';</script>": False,
    }
    for source, has_words in cases.items():
        env = PAGE_ENV.overlay(loader=DictLoader({"t.html": source}))
        found = untranslated_text(env, "t.html") + untranslated_strings(env, "t.html")
        assert bool(found) is has_words, source


def test_every_template_is_checked() -> None:
    assert len(TEMPLATES) >= 40
    assert Path(PAGE_TEMPLATES / "base.html").exists()


HUB = Path(PAGE_TEMPLATES).parent.parent
# Python modules that word what a person reads: page code, the error pages, and mail. (The
# activity lines of hub/web/describe.py are checked with their own design.)
PYTHON_MODULES = sorted(
    [*(HUB / "web" / "pages").glob("*.py"), HUB / "web" / "errors.py"]
    + [HUB / "mail" / f"{name}.py" for name in ("compose", "digest", "notices", "imip", "outbox")]
)
MARKERS = GETTEXT | {"N_"}
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
# Exceptions only a programmer reads: a page never shows their text.
PROGRAMMER_ERRORS = {"TypeError", "ValueError", "RuntimeError", "KeyError", "AssertionError"}
PYTHON_ALLOWED = {
    # Stored with the endpoint and returned by the API, like the reasons the delivery job
    # writes when it disables one: data in English, not a page's words.
    ("webhooks.py", "Disabled by "), ("webhooks.py", "Disabled by an admin."),
    # Stored in place of a sent message's text (the outbox keeps no single-use link).
    ("outbox.py", "(Removed once sent: it held a single-use link.)"),
    # The calendar's PRODID (RFC 5545): a product identifier, not words.
    ("imip.py", "-//Partnership Hub//Meeting invitations 1.0//EN"),
    # An internal exception's text, never shown (its errors are).
    ("records.py", "form errors"),
}


def _not_shown(tree: ast.Module) -> set[int]:
    """The ids of string nodes no person reads, or that are already marked: docstrings, the
    arguments of gettext and ``N_``, log lines, dictionary keys, subscripts, comparisons and
    the text of a programmer's exception."""
    skipped: set[int] = set()

    def skip(node: ast.AST) -> None:
        skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip(node)  # a docstring, of a module, class, function or attribute
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            logs = isinstance(func, ast.Attribute) and name in LOGGING and "log" in (
                ast.unparse(func.value).lower())
            if name in MARKERS or logs or name in ("startswith", "endswith"):
                skip(node)
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if key is not None:
                    skip(key)
        elif isinstance(node, ast.Subscript):
            skip(node.slice)
        elif isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                if isinstance(operand, ast.Constant):
                    skip(operand)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            skip(node.msg)  # for a programmer, when the code is wrong
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id in PROGRAMMER_ERRORS:
                skip(node)
    return skipped


def untranslated_python(path: Path) -> list[str]:
    """String constants of ``path`` that read as words and reach a person outside gettext
    (an f-string's literal parts included), and gettext calls given anything but one literal
    (the catalogue cannot hold an f-string or a joined string)."""
    tree = ast.parse(path.read_text())
    skipped = _not_shown(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (
            getattr(node.func, "id", None) in MARKERS - {"gettext"}
            and node.args and not isinstance(node.args[0], ast.Constant)
        ):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:60]} (not a literal)")
        if (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skipped and _reads_as_words(node.value)
            and (path.name, node.value) not in PYTHON_ALLOWED
        ):
            found.append(f"{path.name}:{node.lineno} {node.value!r}")
    return found


def _reads_as_words(text: str) -> bool:
    """Two words with a space between (not an id, path, URL, CSS class or format spec), or a
    capitalised word ("Merger")."""
    return bool(re.search(r"(?<![\w./:#%-])[A-Za-z]{2,} [A-Za-z]{2,}(?![\w/-])", text)
                or re.fullmatch(r"[A-Z][a-z]+[.:]?", text.strip()))


@pytest.mark.parametrize("path", PYTHON_MODULES, ids=lambda p: p.name)
def test_python_shows_no_words_outside_gettext(path: Path) -> None:
    missed = untranslated_python(path)
    assert not missed, f"words a person reads, outside gettext: {missed}"


def test_the_python_guard_sees_words_outside_gettext(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'render(request, "x.html", title="Sign in", section="users")\n'
        'render(request, "x.html", title=_("Sign in"))\n'
        'errors["name"] = "Enter the name"\n'
        'errors = {"kind": _("Select the kind")}\n'
        'reason = f"You consented on {day}"\n'
        'STATUSES = {"made": ("Agreed", "govuk-tag--green"), "held": (N_("Held"), "x")}\n'
        'raise NotFound("no such paper")\n'
        'raise TypeError(f"no form input for {name}")\n'
        'logger.info("sent the digest", extra={"user id": 1})\n'
        'if status == "Awaiting review": pass\n'
        'title = _(f"Duty register: {area}")\n'
        'path = "/records/report-requests/new"; classes = "govuk-tag govuk-tag--grey"\n'
    )
    found = sorted(untranslated_python(page))
    assert found == [
        "page.py:1 'Sign in'", "page.py:11 _(f'Duty register: {area}') (not a literal)",
        "page.py:3 'Enter the name'", "page.py:5 'You consented on '", "page.py:6 'Agreed'",
        "page.py:7 'no such paper'",
    ]


def test_every_python_module_that_words_pages_is_checked() -> None:
    names = {path.name for path in PYTHON_MODULES}
    assert {"mergers.py", "feeds.py", "webhooks.py", "search.py", "errors.py", "imip.py"} <= names
    assert len(PYTHON_MODULES) >= 35


# Modules whose refusals (DomainError) a page shows beside a field or on the error page.
RULE_MODULES = sorted(
    [*(HUB / "domain").glob("*.py"), *(HUB / "access").glob("*.py"),
     *(HUB / "handlers").glob("*.py")]
    + [HUB / "attachments.py", HUB / "feeds" / "tokens.py"]
    + [HUB / "webhooks" / f"{name}.py"
       for name in ("endpoints", "filters", "guard", "log", "delivery")]
)


def unmarked_refusals(path: Path) -> list[str]:
    """Each DomainError made in ``path`` whose message is not one ``N_("…")`` literal, or
    whose named placeholders do not match the values it is given."""
    module = importlib.import_module(
        ".".join(path.relative_to(HUB.parent).with_suffix("").parts))
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
            continue
        made = getattr(module, node.func.id, None)
        if not (isinstance(made, type) and issubclass(made, DomainError)):
            continue
        message = node.args[0]
        made_elsewhere = isinstance(message, ast.Call) and getattr(
            message.func, "id", "") not in MARKERS
        if made_elsewhere or not isinstance(message, (ast.Constant, ast.JoinedStr, ast.Call)):
            continue  # a value (a count, a message made elsewhere): checked where it is made
        text = message.args[0] if isinstance(message, ast.Call) and message.args else None
        marked = (isinstance(message, ast.Call) and getattr(message.func, "id", "") == "N_"
                  and len(message.args) == 1 and isinstance(text, ast.Constant))
        if not marked or not isinstance(text, ast.Constant):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(message)[:70]}")
            continue
        template = str(text.value)
        values = {k.arg for k in node.keywords if k.arg and k.arg != "errors"}
        try:
            template % dict.fromkeys(values, "x") if values else None
            placeholders = set(re.findall(r"%\((\w+)\)", template))
        except (KeyError, TypeError, ValueError) as error:
            found.append(f"{path.name}:{node.lineno} {template!r}: {error}")
            continue
        if placeholders != values:
            found.append(f"{path.name}:{node.lineno} {template!r}: values {sorted(values)}")
    return found


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: p.relative_to(HUB).as_posix())
def test_every_refusal_marks_its_message_for_the_catalogue(path: Path) -> None:
    missed = unmarked_refusals(path)
    assert not missed, f"refusals a page shows, not marked N_ with named values: {missed}"



def _enumerations_offered() -> set[type[enum.Enum]]:
    """Every enumeration a request model's field takes: a record form offers its values."""
    found = set()
    for info in pkgutil.walk_packages(schemas.requests.__path__, "schemas.requests."):
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and issubclass(value, enum.Enum) and value is not enum.Enum:
                found.add(value)
    return found


# Shown by the admin, register and workspace pages, beside those the record forms offer.
SHOWN_ENUMERATIONS = {OrganisationKind, DecisionKind, PriorityTheme, SourceKind, Role,
                      Permission, Response}


def test_every_coded_value_a_page_shows_has_words() -> None:
    enumerations = _enumerations_offered() | SHOWN_ENUMERATIONS
    assert {PriorityTheme, OrganisationKind} <= enumerations
    words = set(VALUE_WORDS) | set(CHOICES) | set(PURPOSES)
    missing = sorted(f"{kind.__name__}.{member.name}" for kind in enumerations for member in kind
                     if str(member.value) not in words)
    assert not missing, f"values a page shows with no words in value_words.py: {missing}"
