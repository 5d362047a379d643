"""Upkeep of the message catalogue (``hub messages``): Babel's own ``pybabel`` does the work.

1. ``extract``: every marked string in ``hub/`` and ``workers/`` (Python, page and mail
   templates, as ``babel.cfg`` maps them) into ``hub/locale/messages.pot``.
2. ``update``: each locale's ``messages.po`` gains the new strings and loses the removed ones;
   a string whose English changed a little keeps its old translation marked fuzzy, which is
   not shown until a translator checks it.
3. Each catalogue is compiled, in memory, to check it and count what is translated (the hub
   compiles the ``.po`` the same way when it starts; see ``hub/i18n.py``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from hub.i18n import DOMAIN

ROOT = Path(__file__).resolve().parent.parent
"""The repository: ``babel.cfg`` is at its top, and ``hub/`` and ``workers/`` below it."""

SOURCES = ("hub", "workers")


@dataclass(frozen=True)
class Progress:
    """How much of one locale's catalogue is translated."""

    locale: str
    translated: int
    total: int


def _pybabel(root: Path, *arguments: str) -> None:
    # Run from the repository so that the catalogue's locations read hub/web/…, not a path
    # of this machine's.
    command = [sys.executable, "-m", "babel.messages.frontend", "--quiet", *arguments]
    subprocess.run(command, cwd=root, check=True)


def locale_dir(root: Path = ROOT) -> Path:
    """Where the catalogue of the repository at ``root`` lives."""
    return root / "hub" / "locale"


def refresh(root: Path = ROOT) -> list[Progress]:
    """Extract the strings into the template and bring every locale's catalogue up to it."""
    directory = locale_dir(root).relative_to(root)
    template = directory / f"{DOMAIN}.pot"
    _pybabel(
        root, "extract", "--mapping-file", "babel.cfg", "--output-file", str(template),
        "--keyword", "N_", "--project", "Partnership Hub", "--sort-by-file", "--no-wrap",
        *SOURCES,
    )
    progress = []
    for po in sorted(locale_dir(root).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        _pybabel(
            root, "update", "--input-file", str(template), "--output-dir", str(directory),
            "--domain", DOMAIN, "--locale", po.parent.parent.name, "--no-wrap",
            "--ignore-obsolete",
        )
        progress.append(_progress(po))
    return progress


def add_locale(locale: str, root: Path = ROOT) -> Path:
    """Start an empty catalogue for ``locale`` (for example ``cy``) from the template."""
    directory = locale_dir(root).relative_to(root)
    _pybabel(
        root, "init", "--input-file", str(directory / f"{DOMAIN}.pot"),
        "--output-dir", str(directory), "--domain", DOMAIN, "--locale", locale, "--no-wrap",
    )
    return locale_dir(root) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _progress(po: Path) -> Progress:
    with po.open("rb") as source:
        catalog = read_po(source)
    messages = [m for m in catalog if m.id]  # the header is the entry with no id
    done = [m for m in messages if _translated(m)]
    return Progress(po.parent.parent.name, len(done), len(messages))


def _translated(message: Message) -> bool:
    # A plural has a string per form; every one must be written, and none fuzzy.
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)
