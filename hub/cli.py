"""The ``hub`` command: serve, worker, dispatcher, migrate, projections rebuild, demo."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence

from hub.bootstrap import Hub
from hub.domain.errors import DomainError
from hub.logs import configure_logging
from hub.migrate import DatabaseNotMigrated, require_migrated, upgrade
from hub.settings import Settings


def _hub() -> Hub:
    return Hub(Settings.from_env())


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app (and, embedded, the dispatcher and a worker in the same process)."""
    import uvicorn

    from hub.web.app import create_app, prepare_heap_for_serving
    from hub.web.wsprotocol import HubWebSocketProtocol

    hub = _hub()
    if hub.settings.embedded:
        upgrade(hub.engine)
        if args.demo:
            _load_demo(hub)
    host = args.host or hub.settings.host
    port = args.port or hub.settings.port
    # Addresses the hub writes (hub.settings.public_url) follow where it listens, in the web
    # app and in the embedded worker alike, unless HUB_PUBLIC_URL says otherwise.
    os.environ["HUB_HOST"], os.environ["HUB_PORT"] = host, str(port)
    mode = "embedded" if hub.settings.embedded else "production"
    print(f"Partnership Hub ({mode}) listening on http://{host}:{port}/ — {hub.describe()}")
    app = create_app(hub)
    prepare_heap_for_serving()
    # No permessage-deflate on live sockets (the Procfile says the same): its zlib state is
    # about 40 KiB per connection, and each event would be compressed once per connection.
    # log_config=None: uvicorn's lines go through the hub's format (hub.logs), not its own.
    uvicorn.run(app, host=host, port=port, log_level="warning", ws_per_message_deflate=False,
                ws=HubWebSocketProtocol, log_config=None)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run an RQ worker with its scheduler."""
    from workers.worker import run_worker

    hub = _hub()
    require_migrated(hub.engine)
    run_worker(hub, burst=args.burst)
    return 0


def cmd_dispatcher(_args: argparse.Namespace) -> int:
    """Run the dispatcher until SIGTERM or SIGINT."""
    from workers.dispatcher import Dispatcher

    hub = _hub()
    require_migrated(hub.engine)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Dispatcher(hub).run(stop)
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    hub = _hub()
    upgrade(hub.engine)
    print(f"migrated: {hub.describe()}")
    return 0


def cmd_rebuild(_args: argparse.Namespace) -> int:
    """Replay the log into empty read tables."""
    hub = _hub()
    require_migrated(hub.engine)
    count = hub.projections.rebuild(hub.store)
    print(f"rebuilt read models from {count} events")
    return 0


def cmd_demo(_args: argparse.Namespace) -> int:
    """Load the demo data (idempotent)."""
    hub = _hub()
    if hub.settings.embedded:
        upgrade(hub.engine)
    require_migrated(hub.engine)
    _load_demo(hub)
    return 0


def _load_demo(hub: Hub) -> None:
    from hub.demo.load import load_demo
    from hub.demo.users import (
        DEMO_PASSWORD,
        DEMO_USERS,
        DEMO_WORKSPACE_ROLES,
        load_demo_roles,
        load_demo_users,
    )

    print(f"demo data: {load_demo(hub)} events appended")
    load_demo_users(hub)
    print(f"demo workspace roles: {load_demo_roles(hub)} events appended")
    print(f"demo users (password {DEMO_PASSWORD!r}):")
    for user in DEMO_USERS:
        print(f"  {user.email:40} {user.role.value:7} {user.organisation_id}")
    for workspace_id, email, role in DEMO_WORKSPACE_ROLES:
        print(f"  {email} is {role.value} in workspace {workspace_id}")


def cmd_invite(args: argparse.Namespace) -> int:
    """Invite someone to an organisation and print the single-use link."""
    from hub.access.accounts import Role

    hub = _hub()
    require_migrated(hub.engine)
    token = hub.accounts.invite(
        email=args.email, organisation_id=args.organisation, role=Role(args.role),
        invited_by="cli",
    )
    base = args.base_url or f"http://{hub.settings.host}:{hub.settings.port}"
    print(f"{base.rstrip('/')}/invitations/{token}")
    return 0


def cmd_disable_user(args: argparse.Namespace) -> int:
    """Disable a user: their sign-in, sessions and open live sockets stop at once."""
    hub = _hub()
    require_migrated(hub.engine)
    hub.accounts.disable_user(args.email)
    print(f"disabled {args.email}")
    return 0


def cmd_reset_two_step(args: argparse.Namespace) -> int:
    """Forget a user's second sign-in step (they lost their device and recovery codes)."""
    hub = _hub()
    require_migrated(hub.engine)
    user = hub.accounts.user_by_email(args.email)
    if user is None:
        print(f"no user has the email address {args.email}")
        return 1
    hub.two_step.reset(user.user_id)
    print(f"{args.email} sets up two-step sign-in again when next signing in")
    return 0


def cmd_workspace_role(args: argparse.Namespace) -> int:
    """Set a person's role within a workspace as the hub's operator (e.g. to restore a lead
    when no one left in the workspace may)."""
    from hub.access.policy import SYSTEM
    from hub.handlers.workspaces import assign_role
    from schemas.events.directory import WorkspaceRole

    hub = _hub()
    require_migrated(hub.engine)
    user = hub.accounts.user_by_email(args.email)
    if user is None:
        print(f"no user with email {args.email}", file=sys.stderr)
        return 1
    result = assign_role(hub, SYSTEM, args.workspace, user.user_id, WorkspaceRole(args.role))
    change = "already" if not result.events else "now"
    print(f"{args.email} is {change} {args.role} in workspace {args.workspace}")
    return 0


def cmd_transfer(args: argparse.Namespace) -> int:
    """Pass an area's PCC functions to a successor body on a date (an operator's act)."""
    from datetime import date

    from hub.access.policy import SYSTEM
    from hub.domain import directory
    from hub.service import handle
    from schemas.commands.directory import TransferGovernance

    hub = _hub()
    require_migrated(hub.engine)
    command = TransferGovernance(
        area_id=args.area, to_organisation_id=args.to, kind=args.kind,
        on_date=date.fromisoformat(args.on),
    )
    result = handle(hub, directory.POLICE_AREA, args.area, command, SYSTEM)
    effect = "now" if len(result.events) > 1 else "on that date, by the scheduled switch"
    print(f"{args.area}: PCC functions pass to {args.to} ({args.kind}) on {args.on}, in "
          f"force {effect}; event at position {result.last_position}")
    return 0


def cmd_statutory_power(args: argparse.Namespace) -> int:
    """Record that reg 14A applies to MOPAC, or a Police and Crime Board's commencement."""
    from datetime import date

    from hub.access.policy import SYSTEM
    from hub.domain import directory
    from hub.service import handle
    from schemas.commands.directory import RecordCommencement, RecordReg14aPower

    hub = _hub()
    require_migrated(hub.engine)
    command: RecordReg14aPower | RecordCommencement
    if args.command == "record-reg14a-power":
        command = RecordReg14aPower(area_id=args.area, applies=args.applies == "yes")
    else:
        command = RecordCommencement(area_id=args.area, on_date=date.fromisoformat(args.on))
    result = handle(hub, directory.POLICE_AREA, args.area, command, SYSTEM)
    print(f"{args.area}: recorded; event at position {result.last_position}")
    return 0


def cmd_end_organisations(args: argparse.Namespace) -> int:
    """End organisations on a date with successors (``--dry-run``: list what would move)."""
    import json
    from datetime import date

    from hub.access.policy import SYSTEM
    from hub.domain.directory import london_today
    from hub.handlers import reorganisation
    from schemas.events.directory import Succession

    hub = _hub()
    require_migrated(hub.engine)
    ends = []
    for pair in args.ends:
        old, _, new = pair.partition("=")
        if not old or not new:
            print(f"hub: give each as OLD=NEW[,NEW...], not {pair!r}", file=sys.stderr)
            return 2
        ends.append(Succession(organisation_id=old, successor_ids=new.split(",")))
    on = date.fromisoformat(args.on)
    if args.dry_run:
        preview = reorganisation.preview_change(hub, SYSTEM, on_date=on, ends=ends,
                                                area_id=args.area)
        print(json.dumps(preview, indent=2))
        return 0
    created = reorganisation.record_change(hub, SYSTEM, on_date=on, ends=ends,
                                           area_id=args.area)
    effect = "now" if on <= london_today(hub.clock()) else "on that date, by the scheduled job"
    print(f"{created.id}: recorded, in force {effect}")
    return 0


def cmd_messages(args: argparse.Namespace) -> int:
    """Extract the strings into the catalogue and update every locale (see hub/messages.py)."""
    from hub import messages

    progress = messages.refresh()
    if args.add_locale:
        print(f"started {messages.add_locale(args.add_locale)}")
        progress = messages.refresh()
    for locale in progress:
        print(f"{locale.locale}: {locale.translated} of {locale.total} strings translated")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per process or operator task."""
    parser = argparse.ArgumentParser(prog="hub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--demo", action="store_true", help="load the demo data first (embedded)")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run an RQ worker with its scheduler")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("dispatcher", help="tail the log into Redis").set_defaults(func=cmd_dispatcher)
    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo data").set_defaults(func=cmd_demo)

    invite = sub.add_parser("invite", help="invite a user and print the single-use link")
    invite.add_argument("email")
    invite.add_argument("--organisation", required=True, help="organisation id, e.g. llr-icb")
    invite.add_argument("--role", choices=["admin", "member", "viewer"], default="member")
    invite.add_argument("--base-url", help="the hub's public URL (default: HUB_HOST:HUB_PORT)")
    invite.set_defaults(func=cmd_invite)

    disable = sub.add_parser("disable-user", help="disable a user's account at once")
    disable.add_argument("email")
    disable.set_defaults(func=cmd_disable_user)

    reset = sub.add_parser("reset-two-step", help="forget a user's two-step sign-in")
    reset.add_argument("email")
    reset.set_defaults(func=cmd_reset_two_step)

    role = sub.add_parser(
        "workspace-role", help="set a person's role within a workspace (as the operator)"
    )
    role.add_argument("workspace", help="workspace id, e.g. csp-safer-leicester")
    role.add_argument("email")
    role.add_argument("role", choices=["lead", "member", "observer"])
    role.set_defaults(func=cmd_workspace_role)

    transfer = sub.add_parser(
        "transfer-governance", help="pass an area's PCC functions to a successor body"
    )
    transfer.add_argument("area", help="police area id, e.g. west-mercia")
    transfer.add_argument("--to", required=True, help="the successor's organisation id")
    transfer.add_argument(
        "--kind", required=True,
        choices=["pcc", "pfcc", "mayor", "mopac", "city_of_london", "police_and_crime_board"],
    )
    transfer.add_argument("--on", required=True, help="the date, e.g. 2028-05-08")
    transfer.set_defaults(func=cmd_transfer)

    reg14a = sub.add_parser(
        "record-reg14a-power", help="record whether reg 14A's power applies to MOPAC"
    )
    reg14a.add_argument("area", help="police area id, e.g. metropolitan")
    reg14a.add_argument("--applies", required=True, choices=["yes", "no"])
    reg14a.set_defaults(func=cmd_statutory_power)

    commencement = sub.add_parser(
        "record-commencement",
        help="record when a Police and Crime Board's statutory powers commence",
    )
    commencement.add_argument("area", help="police area id")
    commencement.add_argument("--on", required=True, help="the date, e.g. 2028-05-08")
    commencement.set_defaults(func=cmd_statutory_power)

    end = sub.add_parser(
        "end-organisations",
        help="end organisations on a date with their successors (reorganisation)",
    )
    end.add_argument("ends", nargs="+", metavar="OLD=NEW[,NEW...]",
                     help="an organisation that ends and its successor(s), by id")
    end.add_argument("--on", required=True, help="the successors' first day, e.g. 2028-04-01")
    end.add_argument("--area", help="the police area it concerns (default: the first's)")
    end.add_argument("--dry-run", action="store_true",
                     help="list what would move (records, memberships, feeds); write nothing")
    end.set_defaults(func=cmd_end_organisations)

    catalogue = sub.add_parser(
        "messages", help="extract the strings a person reads into the translation catalogue"
    )
    catalogue.add_argument("--add-locale", metavar="LOCALE", help="start a catalogue, e.g. cy")
    catalogue.set_defaults(func=cmd_messages)

    projections = sub.add_parser("projections", help="read-model maintenance")
    projections_sub = projections.add_subparsers(dest="action", required=True)
    projections_sub.add_parser("rebuild", help="replay the log into the read tables").set_defaults(
        func=cmd_rebuild
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hub`` console script."""
    args = build_parser().parse_args(argv)
    configure_logging(Settings.from_env().log_level)
    try:
        return int(args.func(args))
    except DatabaseNotMigrated as error:
        print(f"hub: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"hub: {error.message} ({error.code})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
