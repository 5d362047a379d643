"""Helpers for tests that drive the real app in-process over ASGI (no mocks)."""

from __future__ import annotations

import re

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
    # Every signed-in page carries the session's token in its sign-out form.
    return csrf_of(client.get("/").text)


def signed_in(hub: Hub, email: str) -> TestClient:
    """A client of the app on ``hub`` signed in as ``email``; its CSRF token is ``.csrf``."""
    client = client_of(hub)
    client.csrf = sign_in(client, email)  # type: ignore[attr-defined]
    return client


def offered_actions(html: str) -> set[str]:
    """The actions a record page offers, by their forms' ids (``submit``, ``withdrawal``...)."""
    return set(ACTION_FORM.findall(html))
