"""Save a screenshot of every page each demo persona reaches, at desktop and phone widths.

Serves the demo embedded (its own SQLite file and data folder, a free port), signs in as each
persona in a fresh browser context, and walks the site from the dashboard by its links, as a
person would: breadth first, each page once. Downloads, feeds, the API and sign-out are not
pages and are left alone. Run it through ``scripts/screens``.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import BrowserContext, sync_playwright

from hub.demo.users import DEMO_PASSWORD, DEMO_USERS

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("HUB_TEST_CHROMIUM", "/usr/bin/chromium")
WIDTHS = (1280, 390)
# Not pages: machine formats, files, and the link that would end the session.
SKIPPED = re.compile(
    r"^/(api/|calendars/|static/|govuk/|openapi\.json|sign-out|metrics|healthz)"
    r"|/(download|attachments?/|papers/)|\.(ics|csv|pdf|json|png|svg)$"
)
# Pages no link leads to, but a person would type or bookmark.
SEEDS = ("/", "/search?q=safety")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start ``hub serve --demo`` embedded (no DATABASE_URL or REDIS_URL) and wait for it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"HUB_DATA_DIR": str(data_dir), "HUB_PORT": str(port), "HUB_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "hub"), "serve", "--demo"], env=env,
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180  # loading the demo takes a while on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"screens: the hub stopped while starting; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    sys.exit(f"screens: the hub did not start within 180 s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _name(path: str) -> str:
    """A file name for a page's path and query, e.g. ``records-meetings-board``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:120] or "dashboard"


def _walk(
    context: BrowserContext, base: str, email: str, out: Path, limit: int | None
) -> int:
    """Sign in as ``email`` and screenshot every page reached from the seeds; returns how many."""
    page = context.new_page()
    page.goto(base + "/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/")
    seen: set[str] = set()
    queue = deque(SEEDS)
    count = 0
    while queue and (limit is None or count < limit):
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or not response.headers.get("content-type", "").startswith(
            "text/html"
        ):
            continue
        count += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(out / f"{count:03d}-{_name(path)}-{width}.png"),
                            full_page=True)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urlsplit(urldefrag(href).url)
            if f"{link.scheme}://{link.netloc}" != base:
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in seen and not SKIPPED.search(link.path):
                queue.append(target)
    page.close()
    return count


def main() -> int:
    """Parse the arguments, serve the demo, walk it as each persona, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screens")
    parser.add_argument("--persona", action="append", metavar="EMAIL",
                        help="only this demo persona (repeat for more; default: all)")
    parser.add_argument("--limit", type=int, default=None,
                        help="at most this many pages each (default: every page)")
    args = parser.parse_args()
    emails = [u.email for u in DEMO_USERS]
    personas = args.persona or emails
    unknown = sorted(set(personas) - set(emails))
    if unknown:
        parser.error(f"not a demo persona: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="hub-screens-") as data:
        port = _free_port()
        log = Path(data) / "hub.log"
        server = _serve(Path(data), port, log)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update"],
                )
                for email in personas:
                    folder = args.out / email.replace("@", "-at-")
                    folder.mkdir(parents=True, exist_ok=True)
                    context = browser.new_context()
                    try:
                        pages = _walk(context, f"http://127.0.0.1:{port}", email, folder,
                                      args.limit)
                    finally:
                        context.close()
                    print(f"{email}: {pages} pages, {pages * len(WIDTHS)} screenshots "
                          f"in {folder}")
                browser.close()
        finally:
            _stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
