"""Cross-site request forgery in a real browser (issue 18, finding 5): a page served from
another port of the same host (so the same site, and Lax cookies go with its requests) tries
to register an API client for a signed-in admin, and fails; the hub's own pages pass the
same write, and load with no Content Security Policy violation."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from hub.demo.users import DEMO_PASSWORD
from tests.e2e.live_server import LiveServer

ATTACK = """<!doctype html>
<html><head><title>waiting</title></head><body>
<form id="form" method="post" action="HUB/api/clients" enctype="text/plain" target="sink">
  <input name='{"name": "Form forgery", "permissions": ["act"], "x": "' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
  var body = JSON.stringify({name: "Fetch forgery", permissions: ["act"]});
  var attempts = [
    // A "simple" request: no preflight, the cookie goes with it, the answer is opaque.
    fetch("HUB/api/clients", {method: "POST", mode: "no-cors", credentials: "include",
                              headers: {"Content-Type": "text/plain"}, body: body}),
    // With JSON and a guessed header: the browser asks first, and the hub never says yes.
    fetch("HUB/api/clients", {method: "POST", credentials: "include",
                              headers: {"Content-Type": "application/json",
                                        "X-CSRF-Token": "guessed"}, body: body}),
  ];
  document.getElementById("form").submit();
  Promise.allSettled(attempts).then(function () {
    setTimeout(function () { document.title = "done"; }, 1000);
  });
</script>
</body></html>
"""


@pytest.fixture
def other_origin(tmp_path: Path, server: LiveServer) -> Iterator[str]:
    """A page of an attacker's, on another port of 127.0.0.1."""
    site = tmp_path / "attacker"
    site.mkdir()
    (site / "index.html").write_text(ATTACK.replace("HUB", server.url))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.locator("#email").fill("opcc@leicestershire.example.org")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(base + "/")


def _client_names(page: Page, base: str) -> list[str]:
    answer = page.request.get(base + "/api/clients")
    assert answer.ok
    return [c["name"] for c in answer.json()["items"]]


def test_a_page_on_another_origin_cannot_write_to_the_api_with_the_admins_session(
    server: LiveServer, other_origin: str, new_page: object
) -> None:
    page: Page = new_page()  # type: ignore[operator]
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    _sign_in(page, server.url)
    page.goto(server.url + "/admin/clients")
    assert violations == [], "the hub's own pages run under their policy untouched"

    page.goto(other_origin)
    page.wait_for_function("document.title === 'done'", timeout=20_000)
    assert _client_names(page, server.url) == []
    # The hub's answer to the forged form may not even be shown in the attacker's frame.
    assert violations and all("frame-ancestors" in v for v in violations), violations
    violations.clear()

    # The same write from the hub's own page, with the session's token, goes through: the
    # refusal above is the CSRF guard's, not a broken request.
    page.goto(server.url + "/admin/clients")
    status = page.evaluate(
        """async () => {
            const me = await (await fetch("/api/me")).json();
            const answer = await fetch("/api/clients", {method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRF-Token": me.csrf_token},
                body: JSON.stringify({name: "Own page", permissions: ["read_events"]})});
            return answer.status;
        }"""
    )
    assert status == 201
    assert _client_names(page, server.url) == ["Own page"]
    assert violations == []
