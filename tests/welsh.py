"""A small Welsh catalogue for tests: a few strings translated, the rest left to fall back to
English, as a real catalogue part-way through translation does. Written to a directory of its
own, so the repository's catalogue is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from hub import i18n

WELSH = {
    "%(organisation)s joined the workspace “%(subject)s”":
        "Daeth %(organisation)s yn aelod o weithle “%(subject)s”",
    "Reset your Partnership Hub password": "Ailosod eich cyfrinair Hyb Partneriaeth",
    "You are invited to join %(organisation)s on the Partnership Hub":
        "Fe'ch gwahoddir i ymuno â %(organisation)s ar yr Hyb Partneriaeth",
    "Report required: %(title)s": "Mae angen adroddiad: %(title)s",
    "Partnership Hub: your summary for %(day)s": "Hyb Partneriaeth: eich crynodeb ar gyfer %(day)s",
    "Your language is saved": "Mae eich iaith wedi'i chadw",
}
"""English strings of the hub and their Welsh."""


def write_welsh(locale_dir: Path) -> Path:
    """Write :data:`WELSH` as the ``cy`` catalogue under ``locale_dir``; its path."""
    catalog = Catalog(locale="cy", domain=i18n.DOMAIN)
    for english, welsh in WELSH.items():
        catalog.add(english, welsh, flags=("python-format",) if "%(" in english else ())
    po = locale_dir / "cy" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as target:
        write_po(target, catalog)
    return po


@pytest.fixture
def welsh_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The hub (in this process) reading :data:`WELSH` as its Welsh catalogue; the directory
    of catalogues, for a server process's ``HUB_LOCALE_DIR``."""
    locale_dir = tmp_path / "locale"
    write_welsh(locale_dir)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    i18n.translations.cache_clear()
    yield locale_dir
    i18n.translations.cache_clear()
