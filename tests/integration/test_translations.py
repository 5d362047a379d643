"""The message catalogue: one command extracts every string a person reads, and a translation
put in the Welsh catalogue is what a Welsh reader's page shows (issue 19, "Ready for Welsh")."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from hub import i18n, messages
from hub.bootstrap import Hub
from tests.web import client_of, followed, sign_in

WELSH_HEADING = "Mewngofnodi i'r Hyb Partneriaeth"
# Welsh for two strings Python words: a refusal the rules raise, and a page's own error.
WELSH_REFUSAL = "Ni allwch roi'r gorau i'ch rôl gweinyddwr eich hun: gofynnwch i weinyddwr arall"
WELSH_SEARCH = "Rhowch eiriau i chwilio amdanynt"
WELSH_REGISTER = "Cofrestr dyletswydd: %(area)s"


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's sources, extracted by ``hub messages``' own code, with one
    string translated into Welsh, so the real catalogue is never touched."""
    root = tmp_path_factory.mktemp("repository")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for source in messages.SOURCES:
        shutil.copytree(messages.ROOT / source, root / source, ignore=skip)
    shutil.copy(messages.ROOT / "babel.cfg", root / "babel.cfg")
    messages.refresh(root)
    po = messages.locale_dir(root) / "cy" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as file:
        catalog = read_po(file)
    catalog["Sign in to the Partnership Hub"].string = WELSH_HEADING
    catalog["you cannot give up your own admin role: ask another admin"].string = WELSH_REFUSAL
    catalog["Enter words to search for"].string = WELSH_SEARCH
    catalog["Duty register: %(area)s"].string = WELSH_REGISTER
    with po.open("wb") as target:
        write_po(target, catalog)
    return root


@pytest.fixture
def welsh_catalogue(repository: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hub reading its catalogues from the copy."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", messages.locale_dir(repository))
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


def test_one_command_extracts_the_strings_of_pages_python_and_mail(repository: Path) -> None:
    with (messages.locale_dir(repository) / "messages.pot").open("rb") as source:
        template = read_po(source)
    where = {message.id: {path for path, _line in message.locations} for message in template}
    # A page template, a Python table of words, a Python message, and a mail template.
    assert "hub/web/templates/sign_in.html" in where["Sign in to the Partnership Hub"]
    assert "hub/web/pages/present.py" in where["Waiting for acknowledgement"]
    assert "hub/web/pages/forms.py" in where["Enter %(lower)s"]
    assert "hub/mail/templates/digest.txt" in where["What happened"]
    # A refusal the rules raise, and a page's sentence with a named value.
    assert "hub/domain/mergers.py" in where["%(party_id)s has already consented"]
    assert "hub/web/pages/mergers.py" in where["You consented as policing body on %(date)s."]
    # An activity sentence, kept untranslated in its table (N_) and extracted whole.
    sentence = "%(who)s acknowledged the report request “%(subject)s”"
    assert "hub/web/describe.py" in where[sentence]
    # A plural keeps both English forms for the translator.
    plural = ("%(days)d day", "%(days)d days")
    assert plural in where, "days_word's plural is not in the catalogue"


def test_a_welsh_reader_sees_a_translated_string_and_english_where_none_is_written(
    hub: Hub, welsh_catalogue: None
) -> None:
    client = client_of(hub)
    welsh = client.get("/sign-in", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.8"})
    assert welsh.status_code == 200
    assert f"<h1 class=\"govuk-heading-l\">{WELSH_HEADING}</h1>" in welsh.text.replace(
        "&#39;", "'"
    )
    assert '<html lang="cy"' in welsh.text
    # Not yet translated: English, as written.
    assert "Forgotten your password?" in welsh.text

    english = client.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Sign in to the Partnership Hub</h1>" in english.text
    assert WELSH_HEADING not in english.text
    assert '<html lang="en"' in english.text


def test_a_welsh_reader_sees_python_words_and_refusals_in_welsh(
    demo_hub: Hub, welsh_catalogue: None
) -> None:
    welsh = {"Accept-Language": "cy"}
    admin = client_of(demo_hub)
    csrf = sign_in(admin, "opcc@leicestershire.example.org")
    me = next(u.user_id for u in demo_hub.accounts.users_of("leicestershire-opcc")
              if u.email == "opcc@leicestershire.example.org")
    # The rule's English refusal, translated where the page shows it beside the field (the
    # post is answered by a redirect to the page that shows it: post/redirect/get). A browser
    # sends its language with both.
    posted = admin.post(f"/admin/users/{me}/role", data={"csrf_token": csrf, "role": "member"},
                        headers=welsh)
    assert posted.status_code == 303
    refused = admin.get(posted.headers["location"], headers=welsh)
    assert refused.status_code == 409
    assert WELSH_REFUSAL in refused.text.replace("&#39;", "'")
    english = followed(admin, admin.post(f"/admin/users/{me}/role",
                                         data={"csrf_token": csrf, "role": "member"}))
    assert "You cannot give up your own admin role: ask another admin" in english.text
    # A page's own error, and a title with a value put into the translated sentence.
    assert WELSH_SEARCH in admin.get("/search?q=%20", headers=welsh).text
    register = admin.get("/areas/leicestershire/duty-register", headers=welsh)
    assert "Cofrestr dyletswydd: Leicestershire – Partnership Hub" in register.text
