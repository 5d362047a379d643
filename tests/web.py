"""Helpers for tests that drive the real app in-process over ASGI (no mocks)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from hub.web.app import create_app

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
ACTION_FORM = re.compile(r'<form method="post" action="[^"]+" id="([a-z-]+)-form"')


def client_of(hub: Hub) -> TestClient:
    """A browser-like client of the app on ``hub`` (cookies kept, redirects not followed)."""
    return TestClient(create_app(hub, background=False), follow_redirects=False)


def csrf_of(html: str) -> str:
    """The CSRF token in the first form of a page."""
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (from the dashboard)."""
    page = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    # Every signed-in page carries the session's token in its sign-out form; the client's
    # writes to the JSON API carry it in the header the CSRF guard asks of a session.
    csrf = csrf_of(client.get("/").text)
    client.headers["X-CSRF-Token"] = csrf
    return csrf


def signed_in(hub: Hub, email: str) -> TestClient:
    """A client of the app on ``hub`` signed in as ``email``; its CSRF token is ``.csrf``."""
    client = client_of(hub)
    client.csrf = sign_in(client, email)  # type: ignore[attr-defined]
    return client


def offered_actions(html: str) -> set[str]:
    """The actions a record page offers, by their forms' ids (``submit``, ``withdrawal``...)."""
    return set(ACTION_FORM.findall(html))


class _FormValues(HTMLParser):
    """The values a browser would post from one form of a page, as it was drawn."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []  # type: ignore[var-annotated]
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values.append((name, a.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)


def form_values(html: str, form_id: str) -> dict[str, list[str]]:
    """What the form ``form_id`` on ``html`` posts as drawn: each name's values, in order."""
    reader = _FormValues(form_id)
    reader.feed(html)
    posted: dict[str, list[str]] = {}
    for name, value in reader.values:
        posted.setdefault(name, []).append(value)
    return posted


def followed(client: TestClient, answer: httpx.Response) -> httpx.Response:
    """The page a form post leads to (post/redirect/get): the post must answer 303, and the
    page is fetched as a browser would."""
    assert answer.status_code == 303, answer.text
    return client.get(answer.headers["location"])
