"""Embedded ``hub serve --demo`` with no mail provider: nothing leaves the machine, and the
demo's records fill the outbox, which an admin reads at ``/admin/outbox``."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from hub.mail import outbox
from hub.settings import Settings
from tests.e2e.processes import free_port, hub_env, start, stop, wait_http
from tests.web import csrf_of

CITY = "city@leicester.example.org"


@pytest.mark.timeout(120)
def test_the_demo_fills_the_outbox_and_an_admin_reads_their_organisations_mail(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = hub_env(HUB_DATA_DIR=str(tmp_path / "var"), HUB_DISPATCHER_POLL_SECONDS="0.2")
    process = start(["serve", "--demo", "--port", str(port)], env, tmp_path / "serve.log")
    hub = None
    try:
        wait_http(f"{base}/healthz", timeout=60, process=process)
        hub = Hub(Settings(data_dir=tmp_path / "var"))
        deadline = time.monotonic() + 60
        while not any(m.recipient == CITY for m in outbox.kept(hub.engine, limit=10_000)):
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=30) as browser:
            form = browser.get("/sign-in")
            signed = browser.post("/sign-in", data={
                "email": CITY, "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text),
                "next": "/"})
            assert signed.status_code == 303
            page = browser.get("/admin/outbox")
        assert page.status_code == 200
        assert CITY in page.text and "Report" in page.text
        assert "police@leicestershire.example.org" not in page.text
    finally:
        if hub is not None:
            hub.close()
        assert stop(process) in (0, -15)
