"""Benchmark mail delivery against a plain ``smtplib`` loop sending to the same SMTP server.

Run ``python bench/mail.py --help``; ``--users 2 --digests 100 --repeats 1`` is a quick run.

**The server** is ``aiosmtpd`` in a process of its own on 127.0.0.1, accepting every message
(plain SMTP: no TLS, no AUTH, the same for both senders), so the figures are for the senders.

**Ours** is the hub in embedded mode (a SQLite file, the in-process Redis stand-in) with the
demo's directory and ``--users`` people in each organisation, in a fresh directory each run.
Two measures:

* **requirement**: the Leicestershire office requires a formal report of each of its 9 CSPs
  (the commands are made before the clock starts); the clock runs from the mail reaction of the
  first event to the last message accepted by the server: each reaction works out who may see
  the request, renders and stores one message per person, and queues delivery jobs, which an
  RQ worker (``HubWorker``, burst) runs, claiming, sending over one connection and recording
  every attempt.
* **digest**: ``--digests`` people of one council take report requests as a daily summary; an
  informal request to their CSP holds a message for each; the clock runs over the digest run
  at their hour: each digest composed and stored, then sent by the worker as above.

**The peer** is a plain ``smtplib.SMTP`` loop on one connection sending the very same messages
(subject, plain text and HTML parts, read back from our run), built with ``email.message``.

Reported: messages per second, the median of ``--repeats`` runs, and ours as a share of the peer.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import smtplib
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.access.policy import Actor  # noqa: E402
from hub.access.secrets import hash_password  # noqa: E402
from hub.access.tables import users_table  # noqa: E402
from hub.bootstrap import Hub  # noqa: E402
from hub.demo.load import load_demo  # noqa: E402
from hub.handlers import reports as report_handlers  # noqa: E402
from hub.mail.notices import Kind  # noqa: E402
from hub.mail.tables import messages_table, preferences_table  # noqa: E402
from hub.migrate import upgrade  # noqa: E402
from hub.settings import Settings  # noqa: E402
from workers import mail as mail_jobs  # noqa: E402
from workers.runtime import use_hub  # noqa: E402
from workers.worker import HubWorker  # noqa: E402

CSPS = ("safer-leicester", "safer-rutland", "blaby-csp", "charnwood-csp", "harborough-csp",
        "hinckley-and-bosworth-csp", "melton-csp", "north-west-leicestershire-csp",
        "oadby-and-wigston-csp")
OFFICE = Actor(user_id="bench-office", organisation_id="leicestershire-opcc",
               area_ids=frozenset({"leicestershire"}))
DIGEST_ORGANISATION = "rutland-county-council"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Clock:
    """The hub's clock, moved by the benchmark."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def run_server(port: int, ready: Any) -> None:
    """The SMTP server's process: accept every message until killed."""
    from aiosmtpd.controller import Controller

    class Accept:
        async def handle_DATA(self, _server: Any, _session: Any, _envelope: Any) -> str:
            return "250 OK"

    controller = Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    asyncio.run(asyncio.Event().wait())


@dataclass(frozen=True)
class Measure:
    """One measure of one run: messages, and seconds for ours and for the peer."""

    messages: int
    ours: float
    peer: float


def add_people(hub: Hub, per_organisation: int, organisations: list[str], tag: str) -> list[str]:
    """``per_organisation`` people in each organisation (one password hash for all: argon2
    for each would dominate the set-up); their ids."""
    password = hash_password("bench-password-not-used")
    rows = [
        {"user_id": f"{tag}-{org}-{n}", "email": f"{tag}.{n}@{org}.example.org",
         "name": f"Person {n}", "organisation_id": org, "role": "member",
         "password_hash": password, "created_at": NOW}
        for org in organisations for n in range(per_organisation)
    ]
    with hub.engine.begin() as conn:
        conn.execute(insert(users_table), rows)
    return [str(r["user_id"]) for r in rows]


def drain(hub: Hub) -> None:
    """Run every queued job, as an embedded worker would."""
    HubWorker([hub.queue], connection=hub.redis).work(burst=True)


def mail_reactions(hub: Hub, after: int) -> None:
    """Run the mail reaction of every event after ``after``, as the dispatcher's jobs do."""
    for event in hub.store.read_all(after, 10_000):
        if event.type.startswith("report_request."):
            mail_jobs.mail_event(hub, event)


def peer(port: int, rows: list[Any]) -> float:
    """Seconds for a plain smtplib loop to send ``rows`` (subject, text, HTML, recipient)."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for row in rows:
            message = EmailMessage()
            message["From"] = "Partnership Hub <hub@bench.example.org>"
            message["To"] = row.recipient
            message["Subject"] = row.subject
            message.set_content(row.text_body)
            message.add_alternative(row.html_body, subtype="html")
            connection.send_message(message)
    return time.perf_counter() - started


def sent_rows(hub: Hub, kind: str) -> list[Any]:
    with hub.engine.connect() as conn:
        rows = list(conn.execute(select(messages_table).where(
            messages_table.c.kind == kind, messages_table.c.status == "sent")))
    return rows


def one_run(port: int, users: int, digests: int) -> tuple[Measure, Measure]:
    """A fresh embedded hub: both measures, ours then the peer's."""
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as directory:
        hub = Hub(Settings(data_dir=Path(directory)))
        hub.clock = Clock()
        upgrade(hub.engine)
        load_demo(hub, progress=False, records=False)
        use_hub(hub)
        with hub.engine.connect() as conn:
            from hub.projections.directory import csps
            authorities = sorted({org for row in conn.execute(
                select(csps.c.responsible_authorities).where(csps.c.csp_id.in_(CSPS))
            ) for org in row[0]})
        add_people(hub, users, authorities, "staff")

        start = hub.store.head_position()
        for csp in CSPS:
            report_handlers.require_report(
                hub, OFFICE, csp_id=csp, kind="formal", title=f"Serious violence in {csp}",
                matters="Serious violence, 2025-26.", due_on=date(2027, 2, 1),
                not_satisfied_reasons="The strategy is late.",
                proportionate_reasons="One short report.", s6_functions_confirmed=True,
            )
        began = time.perf_counter()
        mail_reactions(hub, start)
        drain(hub)
        ours_required = time.perf_counter() - began
        required_rows = sent_rows(hub, Kind.REPORT_REQUIRED)
        required = Measure(len(required_rows), ours_required, peer(port, required_rows))

        daily = add_people(hub, digests, [DIGEST_ORGANISATION], "digest")
        with hub.engine.begin() as conn:
            conn.execute(insert(preferences_table), [
                {"user_id": u, "kind": Kind.REPORT_REQUIRED, "choice": "daily"} for u in daily])
        start = hub.store.head_position()
        report_handlers.require_report(
            hub, OFFICE, csp_id="safer-rutland", kind="informal", title="Rural crime",
            matters="Rural crime, 2025-26.", due_on=date(2026, 11, 30),
        )
        mail_reactions(hub, start)
        drain(hub)
        began = time.perf_counter()
        keys = mail_jobs.digests.compose_due(hub, datetime(2026, 11, 25, 7, tzinfo=UTC))
        mail_jobs.queue_sending(hub, keys)
        drain(hub)
        ours_digest = time.perf_counter() - began
        digest_rows = sent_rows(hub, "digest")
        digest = Measure(len(digest_rows), ours_digest, peer(port, digest_rows))
        hub.close()
    return required, digest


def report(name: str, measures: list[Measure]) -> None:
    messages = measures[0].messages
    ours = statistics.median(m.messages / m.ours for m in measures)
    theirs = statistics.median(m.messages / m.peer for m in measures)
    print(f"{name:<12} {messages:>8,} {ours:>12,.0f} {theirs:>12,.0f} {ours / theirs:>9.0%}")


def main() -> int:
    """Parse the options, run both measures ``--repeats`` times, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10,
                        help="people in each addressed organisation (default 10)")
    parser.add_argument("--digests", type=int, default=1000,
                        help="people taking a daily digest (default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith(("HUB_SMTP_", "HUB_NOTIFY_"))]:
        del os.environ[name]
    from tests.e2e.processes import free_port

    port = free_port()
    os.environ.update({"HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": str(port),
                       "HUB_SMTP_STARTTLS": "0", "HUB_MAIL_FROM": "hub@bench.example.org"})
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=run_server, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    runs = [one_run(port, args.users, args.digests) for _ in range(args.repeats)]
    server.kill()
    print(f"\nMail, median of {args.repeats} run(s), messages per second")
    print(f"{'measure':<12} {'messages':>8} {'ours':>12} {'smtplib':>12} {'ours/peer':>9}")
    report("requirement", [r[0] for r in runs])
    report("digest", [r[1] for r in runs])
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
