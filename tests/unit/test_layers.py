"""The layers import downwards only: the queries, handlers, domain, projections and event
store never import the web layer (it imports them), so a query can be reused by a page, the
API, a feed or a worker alike."""

from __future__ import annotations

import ast
from pathlib import Path

import hub

BELOW_THE_WEB = ("queries", "handlers", "domain", "projections", "events", "access")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_layer_below_the_web_imports_it() -> None:
    root = Path(hub.__file__).parent
    offenders = {
        f"{path.relative_to(root)}: {name}"
        for layer in BELOW_THE_WEB for path in (root / layer).rglob("*.py")
        for name in _imported(path) if name == "hub.web" or name.startswith("hub.web.")
    }
    assert not offenders


def test_the_check_sees_an_import_of_the_web_layer(tmp_path: Path) -> None:
    # The test above can fail: an import of hub.web is found, inside a function too.
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from hub.web.api.meetings import MEETINGS\n")
    assert "hub.web.api.meetings" in _imported(module)
