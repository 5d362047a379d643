"""Mail about people's own accounts, through the real app and a real SMTP server: password
reset (single use, expiring, no enumeration), invitations, and the email choices pages; on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hub.bootstrap import Hub
from hub.demo.users import DEMO_PASSWORD
from hub.mail.notices import Kind
from hub.mail.outbox import SCRUBBED
from hub.mail.preferences import choices_of, unsubscribe_token
from hub.mail.recipients import contact_of
from hub.mail.tables import messages_table
from hub.settings import public_url
from tests.clocks import HandClock
from tests.mail_servers import Inbox, smtp_server
from tests.web import client_of, csrf_of, followed, sign_in, signed_in
from tests.welsh import (
    WELSH,
    welsh_locale,  # noqa: F401 (a fixture)
)
from workers.runtime import use_hub
from workers.worker import HubWorker

CITY = "city@leicester.example.org"
NEW_PASSWORD = "lantern orchard gravel"


@pytest.fixture
def hub(demo_hub: Hub) -> Iterator[Hub]:
    demo_hub.clock = HandClock()
    use_hub(demo_hub)
    yield demo_hub


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with smtp_server(tmp_path, monkeypatch) as received:
        yield received


def work(hub: Hub) -> None:
    """Run the queued jobs, as a worker would."""
    HubWorker([hub.queue], connection=hub.redis).work(burst=True)


def ask_reset(client: TestClient, email: str) -> str:
    form = client.get("/password-reset")
    answer = followed(client, client.post("/password-reset", data={
        "email": email, "csrf_token": csrf_of(form.text)}))
    assert answer.status_code == 200
    return answer.text


def reset_link(inbox: Inbox, email: str) -> str:
    [message] = inbox.to(email)
    return reset_link_of(message)


def test_a_reset_link_sets_a_new_password_once(hub: Hub, inbox: Inbox) -> None:
    old_session = signed_in(hub, CITY)
    client = client_of(hub)
    said = ask_reset(client, CITY)
    assert "If a Partnership Hub account uses city@leicester.example.org" in said
    work(hub)
    [message] = inbox.to(CITY)
    assert message["Subject"] == "Reset your Partnership Hub password"
    assert message["List-Unsubscribe"] is None
    path = reset_link(inbox, CITY)

    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.text
    mismatch = followed(client, client.post(path, data={
        "password": NEW_PASSWORD, "confirm_password": "other", "csrf_token": csrf_of(form.text)}))
    assert mismatch.status_code == 400 and "The passwords do not match" in mismatch.text
    assert 'id="confirm_password-error"' in mismatch.text
    short = followed(client, client.post(path, data={
        "password": "short", "confirm_password": "short", "csrf_token": csrf_of(form.text)}))
    assert short.status_code == 400 and "at least 12 characters" in short.text
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                   "csrf_token": csrf_of(form.text)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/sign-in?reset=1"

    # Single use; the old password and the old session stop working; the new one works.
    assert client.get(path).status_code == 404
    assert old_session.get("/api/me").status_code == 401
    with pytest.raises(AssertionError):
        sign_in(client_of(hub), CITY, DEMO_PASSWORD)
    sign_in(client_of(hub), CITY, NEW_PASSWORD)
    # Once sent, the stored copy no longer holds the link.
    with hub.engine.connect() as conn:
        stored = conn.execute(select(messages_table.c.text_body, messages_table.c.html_body)
                              .where(messages_table.c.kind == "password_reset")).one()
    assert stored == (SCRUBBED, SCRUBBED)


def test_asking_says_the_same_for_an_unknown_address_and_sends_nothing(
    hub: Hub, inbox: Inbox
) -> None:
    client = client_of(hub)
    known = ask_reset(client, CITY)
    unknown = ask_reset(client, "nobody@leicester.example.org")
    # The same page but for the address typed (and each page's script nonce).
    def same(page: str, address: str) -> str:
        return re.sub(r'nonce="[^"]+"', "", page.replace(address, "X"))

    assert same(known, CITY) == same(unknown, "nobody@leicester.example.org")
    work(hub)
    assert [r.recipients for r in inbox.received] == [[CITY]]
    bad = followed(client, client.post("/password-reset", data={
        "email": "not an address", "csrf_token": csrf_of(client.get("/password-reset").text)}))
    assert bad.status_code == 400 and 'id="email-error"' in bad.text


def test_a_link_expires_within_the_hour_and_asking_is_limited(hub: Hub, inbox: Inbox) -> None:
    client = client_of(hub)
    for _ in range(4):
        ask_reset(client, CITY)
    work(hub)
    assert len(inbox.to(CITY)) == 3
    path = reset_link_of(inbox.to(CITY)[0])
    hub.clock.now += timedelta(minutes=61)  # type: ignore[attr-defined]
    assert client.get(path).status_code == 404


def reset_link_of(message: object) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    [link] = [w for w in text.split() if w.startswith(f"{public_url()}/password-reset/")]
    return urlsplit(link).path


def test_an_invitation_is_mailed_with_its_link(hub: Hub, inbox: Inbox) -> None:
    admin = signed_in(hub, "opcc@leicestershire.example.org")
    answer = admin.post("/api/invitations", json={"email": "new.analyst@example.org"})
    assert answer.status_code == 201
    work(hub)
    [message] = inbox.to("new.analyst@example.org")
    assert message["Subject"] == (
        "You are invited to join Office of the Police and Crime Commissioner for "
        "Leicestershire on the Partnership Hub"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Priya Shah invited you" in text
    [link] = [w for w in text.split() if w.startswith(f"{public_url()}/invitations/")]
    assert client_of(hub).get(urlsplit(link).path).status_code == 200


@pytest.mark.usefixtures("welsh_locale")
def test_account_mail_is_written_in_the_readers_language(hub: Hub, inbox: Inbox) -> None:
    # A password reset in the language its account holder chose, whatever the asking browser.
    hub.accounts.set_locale(hub.accounts.user_by_email(CITY).user_id, "cy")
    ask_reset(client_of(hub), CITY)
    work(hub)
    [reset] = inbox.to(CITY)
    assert reset["Subject"] == WELSH["Reset your Partnership Hub password"]
    # An invitation (no account yet, so no language of its own) in the inviter's language.
    admin = signed_in(hub, "opcc@leicestershire.example.org")
    for email, language in (("cy.analyst@example.org", "cy"), ("en.analyst@example.org", "en")):
        answer = admin.post("/api/invitations", json={"email": email},
                            headers={"Accept-Language": language, "X-CSRF-Token": admin.csrf})  # type: ignore[attr-defined]
        assert answer.status_code == 201, answer.text
    work(hub)
    office = "Office of the Police and Crime Commissioner for Leicestershire"
    [welsh] = inbox.to("cy.analyst@example.org")
    assert welsh["Subject"] == WELSH[
        "You are invited to join %(organisation)s on the Partnership Hub"
    ] % {"organisation": office}
    [english] = inbox.to("en.analyst@example.org")
    assert english["Subject"] == (
        f"You are invited to join {office} on the Partnership Hub"
    )


def test_email_choices_are_saved_and_a_bad_one_is_shown_beside_its_field(hub: Hub) -> None:
    client = signed_in(hub, CITY)
    page = client.get("/mail/preferences")
    assert page.status_code == 200 and "Meeting invitations, changes and cancellations" in page.text
    assert "Formal requirements under section 7 are always sent." in page.text
    data = {kind: "now" for kind in (
        Kind.REPORT_REQUIRED, Kind.REPORT_DEADLINE, Kind.REPORT_PROGRESS, Kind.MERGER,
        Kind.MEETING_INVITATION, Kind.MEETING_PAPERS, Kind.MEETING_ACTIONS)}
    bad = followed(client, client.post("/mail/preferences", data={
        **data, Kind.MERGER: "weekly", "hour": "25", "csrf_token": csrf_of(page.text)}))
    assert bad.status_code == 400
    assert 'id="merger-error"' in bad.text and 'id="hour-error"' in bad.text
    good = client.post("/mail/preferences", data={
        **data, Kind.MEETING_PAPERS: "daily", Kind.MERGER: "off", "hour": "8",
        "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert good.status_code == 303
    user = hub.accounts.user_by_email(CITY)
    chosen = choices_of(hub.engine, user.user_id)
    assert chosen[Kind.MEETING_PAPERS] == "daily" and chosen[Kind.MERGER] == "off"


def test_the_unsubscribe_page_asks_first_and_a_made_up_token_is_not_found(hub: Hub) -> None:
    user = hub.accounts.user_by_email(CITY)
    token = unsubscribe_token(hub.settings.secret_key, user.user_id, Kind.MEETING_PAPERS)
    anonymous = client_of(hub)
    page = anonymous.get(f"/mail/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails" in page.text
    assert Kind.MEETING_PAPERS not in choices_of(hub.engine, user.user_id)
    assert anonymous.post(f"/mail/unsubscribe/{token}").status_code == 200
    assert choices_of(hub.engine, user.user_id)[Kind.MEETING_PAPERS] == "off"
    other = unsubscribe_token("another-secret", user.user_id, Kind.MERGER)
    assert anonymous.get(f"/mail/unsubscribe/{other}").status_code == 404
    assert anonymous.get("/mail/unsubscribe/made-up").status_code == 404


def test_an_admin_sets_the_shared_contact_address_beside_the_field(hub: Hub) -> None:
    admin = signed_in(hub, CITY)
    page = admin.get("/admin/mail-contact")
    assert page.status_code == 200 and "Shared contact address" in page.text
    bad = followed(admin, admin.post("/admin/mail-contact", data={
        "email": "not an address", "csrf_token": csrf_of(page.text)}))
    assert bad.status_code == 400 and 'id="email-error"' in bad.text
    saved = admin.post("/admin/mail-contact", data={
        "email": "CommunitySafety@leicester.example.org", "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303
    assert contact_of(hub.engine, "leicester-city-council") == (
        "communitysafety@leicester.example.org"
    )
    # Only admins: a member gets the same refusal as for the other admin pages.
    member = signed_in(hub, "police@leicestershire.example.org")
    assert member.get("/admin/mail-contact").status_code == 403
    assert member.get("/admin/outbox").status_code == 403
