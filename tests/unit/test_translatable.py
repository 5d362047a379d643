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
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, nodes

from hub.mail.compose import ENV as MAIL_ENV
from hub.mail.compose import TEMPLATES as MAIL_TEMPLATES
from hub.web.templating import TEMPLATES as PAGE_TEMPLATES
from hub.web.templating import make_templates

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


PAGES = Path(PAGE_TEMPLATES).parent / "pages"
# Keyword arguments that a page shows as words: a page's title, a question, a button's label.
SHOWN_KEYWORDS = {"title", "message", "question", "label", "done_text", "heading"}


def untranslated_python(path: Path) -> list[str]:
    """Readable string constants that page code in ``path`` shows without gettext: the
    values of :data:`SHOWN_KEYWORDS`, of ``messages=``/``errors=`` and of ``errors[...] =``."""
    found = []

    def check(value: ast.expr) -> None:
        if isinstance(value, ast.IfExp):
            check(value.body)
            check(value.orelse)
        elif isinstance(value, ast.Constant) and isinstance(value.value, str) and WORDS.search(
            value.value
        ):
            found.append(f"{path.name}:{value.lineno} {value.value!r}")

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    check(keyword.value)
                elif keyword.arg in ("messages", "errors") and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        check(value)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
            and t.value.id == "errors" for t in node.targets
        ):
            check(node.value)
    return found


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.py")), ids=lambda p: p.name)
def test_page_code_shows_no_words_outside_gettext(path: Path) -> None:
    missed = untranslated_python(path)
    assert not missed, f"words a page shows without gettext: {missed}"


def test_the_page_guard_sees_a_bare_title_and_error(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'render(request, "x.html", title="Sign in", section="users")\n'
        'render(request, "x.html", title=_("Sign in"))\n'
        'errors["name"] = "Enter the name"\n'
        'errors["kind"] = _("Select the kind")\n'
    )
    found = sorted(untranslated_python(page))
    assert found == ["page.py:1 'Sign in'", "page.py:3 'Enter the name'"]
