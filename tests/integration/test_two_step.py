"""Two-step sign-in (issue 18, build item 8): a TOTP code after the password, single-use
codes, recovery codes stored hashed, required of admins in production, chosen by others."""

from __future__ import annotations

import dataclasses
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from starlette.testclient import TestClient

from hub.access.tables import two_step_table
from hub.access.two_step import CodeNotRight, required
from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from tests.clocks import HandClock
from tests.web import client_of, csrf_of, followed, sign_in

ADMIN = "opcc@leicestershire.example.org"
CITY = "city@leicester.example.org"
SECRET = re.compile(r'<code class="hub-secret">([A-Z2-7]+)</code>')


@pytest.fixture
def clock(demo_hub: Hub) -> HandClock:
    clock = HandClock(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    demo_hub.clock = clock
    return clock


def _password(client: TestClient, email: str) -> str:
    """Post the sign-in form with the right password; where it sends the browser."""
    page = client.get("/sign-in")
    answer = client.post("/sign-in", data={
        "email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_of(page.text), "next": "/",
    })
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def _code(client: TestClient, code: str) -> tuple[int, str]:
    page = client.get("/sign-in/two-step")
    answer = client.post("/sign-in/two-step", data={"code": code, "csrf_token": csrf_of(page.text)})
    return answer.status_code, answer.text


def _enrol(client: TestClient, clock: HandClock) -> tuple[str, list[str]]:
    """Set up two-step sign-in from the signed-in account page; the secret and the codes."""
    page = client.get("/account/two-step")
    found = SECRET.search(page.text)
    assert found, page.text
    secret = found.group(1)
    posted = client.post("/account/two-step", data={
        "code": pyotp.TOTP(secret).at(clock.now), "csrf_token": csrf_of(page.text),
    })
    answer = followed(client, posted)
    assert answer.status_code == 200, answer.text
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", answer.text)
    assert len(codes) == 10
    reloaded = client.get(posted.headers["location"]).text
    assert codes[0] not in reloaded and "is set up for your account" in reloaded, "shown once"
    return secret, codes


def _enrolled(demo_hub: Hub, clock: HandClock) -> tuple[str, list[str], Any]:
    """The city user enrolled from the account page: the secret, the codes, the stored row."""
    client = client_of(demo_hub)
    sign_in(client, CITY)
    secret, codes = _enrol(client, clock)
    with demo_hub.engine.connect() as conn:
        return secret, codes, conn.execute(two_step_table.select()).one()


def test_admins_must_use_it_in_production_and_nobody_in_embedded_mode() -> None:
    assert required("admin", admins_must=True)
    assert not required("member", admins_must=True)
    assert not required("admin", admins_must=False)


def test_the_default_follows_the_running_mode(demo_hub: Hub) -> None:
    production = dataclasses.replace(demo_hub.settings, two_step_for_admins=None)
    assert production.admins_need_two_step
    assert not dataclasses.replace(production, redis_url="").admins_need_two_step


def test_a_user_who_chose_it_signs_in_with_a_code_once(demo_hub: Hub, clock: HandClock) -> None:
    client = client_of(demo_hub)
    sign_in(client, CITY)
    secret, _codes = _enrol(client, clock)
    client.cookies.clear()
    clock.now += timedelta(seconds=30)  # the code that confirmed enrolment is spent

    assert _password(client, CITY) == "/sign-in/two-step"
    assert client.get("/api/me").status_code == 401, "no session before the second step"
    status, text = _code(client, "000000" if pyotp.TOTP(secret).at(clock.now) != "000000"
                         else "111111")
    assert status == 401 and "The code is not right" in text
    code = pyotp.TOTP(secret).at(clock.now)
    assert _code(client, code)[0] == 303
    assert client.get("/api/me").json()["organisation_id"] == "leicester-city-council"

    # The same code again (a replay, within its 30 seconds) is refused.
    other = client_of(demo_hub)
    _password(other, CITY)
    assert _code(other, code)[0] == 401
    clock.now += timedelta(seconds=30)
    assert _code(other, pyotp.TOTP(secret).at(clock.now))[0] == 303


def test_a_recovery_code_works_once_and_is_stored_only_as_a_digest(
    demo_hub: Hub, clock: HandClock
) -> None:
    secret, codes, stored = _enrolled(demo_hub, clock)
    assert not set(codes) & set(stored.recovery_hashes)
    # The secret must be read back, so it is sealed rather than hashed.
    assert secret not in stored.secret
    for attempt, expected in ((codes[3], 303), (codes[3], 401)):
        fresh = client_of(demo_hub)
        _password(fresh, CITY)
        assert _code(fresh, attempt)[0] == expected


def test_one_recovery_code_used_at_once_by_several_requests_lets_one_in(
    demo_hub: Hub, clock: HandClock
) -> None:
    _secret, codes, stored = _enrolled(demo_hub, clock)
    user_id, racers = stored.user_id, 4

    def spend(code: str, start: threading.Barrier) -> bool:
        start.wait()
        try:
            demo_hub.two_step.verify(user_id, code)
        except CodeNotRight:
            return False
        return True

    with ThreadPoolExecutor(racers) as pool:
        for code in codes[:5]:
            start = threading.Barrier(racers)
            outcomes = list(pool.map(spend, [code] * racers, [start] * racers))
            assert outcomes.count(True) == 1, outcomes


def test_an_admin_in_production_sets_it_up_before_getting_a_session(
    demo_hub: Hub, clock: HandClock
) -> None:
    demo_hub.settings = dataclasses.replace(demo_hub.settings, two_step_for_admins=True)
    client = client_of(demo_hub)
    assert _password(client, ADMIN) == "/sign-in/two-step"
    page = client.get("/sign-in/two-step")
    assert "Set up two-step sign-in" in page.text
    assert client.get("/api/me").status_code == 401
    found = SECRET.search(page.text)
    assert found
    posted = client.post("/sign-in/two-step", data={
        "code": pyotp.TOTP(found.group(1)).at(clock.now), "csrf_token": csrf_of(page.text),
    })
    answer = followed(client, posted)
    assert answer.status_code == 200 and "Your recovery codes" in answer.text
    assert "Your recovery codes" not in client.get(posted.headers["location"]).text, "once"
    assert client.get("/api/me").json()["role"] == "admin"
    # A member signs in with the password alone.
    member = client_of(demo_hub)
    assert _password(member, "district@blaby.example.org") == "/"


def test_without_a_pending_sign_in_the_second_step_sends_you_to_sign_in(
    demo_hub: Hub,
) -> None:
    answer = client_of(demo_hub).get("/sign-in/two-step")
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in"


def test_guessing_codes_is_throttled(demo_hub: Hub, clock: HandClock) -> None:
    client = client_of(demo_hub)
    sign_in(client, CITY)
    _enrol(client, clock)
    client.cookies.clear()
    _password(client, CITY)
    statuses = [_code(client, f"{n:06d}")[0] for n in range(6)]
    assert statuses[-1] == 401
    assert "Too many failed attempts" in _code(client, "123456")[1]


def test_an_enrolled_user_cannot_enrol_again(demo_hub: Hub, clock: HandClock) -> None:
    client = client_of(demo_hub)
    sign_in(client, CITY)
    _enrol(client, clock)
    assert "is set up for your account" in client.get("/account/two-step").text
    user = demo_hub.accounts.user_by_email(CITY)
    with pytest.raises(CodeNotRight):
        demo_hub.two_step.secret_to_enrol(user.user_id)
