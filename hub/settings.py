"""One Settings object, read from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Everything the hub reads from its environment.

    With neither ``DATABASE_URL`` nor ``REDIS_URL`` set the hub is *embedded*: a SQLite file,
    an in-process Redis stand-in, and the dispatcher and a worker inside the web process.
    """

    database_url: str = ""
    redis_url: str = ""
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    dispatcher_poll_seconds: float = 2.0
    dispatcher_batch: int = 500
    dispatcher_lease_seconds: float = 10.0
    redis_connect_timeout_seconds: float = 5.0
    redis_socket_timeout_seconds: float = 5.0
    event_page_limit: int = 500
    live_queue_limit: int = 1000
    report_due_weeks: int = 8
    attachments_directory: str = ""
    attachment_max_bytes: int = 25 * 1024 * 1024
    attachment_quota_bytes: int = 1024 * 1024 * 1024
    upload_expiry_hours: float = 24.0
    live_heartbeat_seconds: float = 15.0
    live_send_timeout_seconds: float = 10.0
    secret_key: str = "dev-only-secret-change-me"
    cursor_key: str = ""
    two_step_key: str = ""
    log_level: str = "INFO"
    queue_name: str = "hub"
    sign_in_attempts_per_account: int = 5
    sign_in_attempts_per_address: int = 30
    sign_in_window_minutes: int = 15
    metrics_token: str = ""
    two_step_for_admins: bool | None = None

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from ``os.environ``; see the README for each variable."""
        data_dir = Path(_env("HUB_DATA_DIR", "var"))
        return cls(
            database_url=_env("DATABASE_URL", ""),
            redis_url=_env("REDIS_URL", ""),
            data_dir=data_dir,
            host=_env("HUB_HOST", "127.0.0.1"),
            port=int(_env("HUB_PORT", "8000")),
            dispatcher_poll_seconds=float(_env("HUB_DISPATCHER_POLL_SECONDS", "2.0")),
            dispatcher_batch=int(_env("HUB_DISPATCHER_BATCH", "500")),
            dispatcher_lease_seconds=float(_env("HUB_DISPATCHER_LEASE_SECONDS", "10")),
            redis_connect_timeout_seconds=float(_env("HUB_REDIS_CONNECT_TIMEOUT_SECONDS", "5")),
            redis_socket_timeout_seconds=float(_env("HUB_REDIS_SOCKET_TIMEOUT_SECONDS", "5")),
            event_page_limit=int(_env("HUB_EVENT_PAGE_LIMIT", "500")),
            live_queue_limit=int(_env("HUB_LIVE_QUEUE_LIMIT", "1000")),
            report_due_weeks=int(_env("HUB_REPORT_DUE_WEEKS", "8")),
            attachments_directory=_env("HUB_ATTACHMENTS_DIR", ""),
            attachment_max_bytes=int(_env("HUB_ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024))),
            attachment_quota_bytes=int(_env("HUB_ATTACHMENT_QUOTA_BYTES", str(1024**3))),
            upload_expiry_hours=float(_env("HUB_UPLOAD_EXPIRY_HOURS", "24")),
            live_heartbeat_seconds=float(_env("HUB_LIVE_HEARTBEAT_SECONDS", "15")),
            live_send_timeout_seconds=float(_env("HUB_LIVE_SEND_TIMEOUT_SECONDS", "10")),
            secret_key=_env("HUB_SECRET_KEY", "dev-only-secret-change-me"),
            cursor_key=_env("HUB_CURSOR_KEY", ""),
            two_step_key=_env("HUB_TWO_STEP_KEY", ""),
            log_level=_env("HUB_LOG_LEVEL", "INFO"),
            queue_name=_env("HUB_QUEUE", "hub"),
            sign_in_attempts_per_account=int(_env("HUB_SIGN_IN_ATTEMPTS_PER_ACCOUNT", "5")),
            sign_in_attempts_per_address=int(_env("HUB_SIGN_IN_ATTEMPTS_PER_ADDRESS", "30")),
            sign_in_window_minutes=int(_env("HUB_SIGN_IN_WINDOW_MINUTES", "15")),
            metrics_token=_env("HUB_METRICS_TOKEN", ""),
            two_step_for_admins=_flag(os.environ.get("HUB_TWO_STEP_FOR_ADMINS", "")),
        )

    @property
    def admins_need_two_step(self) -> bool:
        """Whether organisation admins must sign in in two steps: ``HUB_TWO_STEP_FOR_ADMINS``,
        by default in production and not in embedded mode (the demo stays a password away)."""
        if self.two_step_for_admins is not None:
            return self.two_step_for_admins
        return not self.embedded

    @property
    def cursor_material(self) -> str:
        """The secret the opaque event cursors are keyed from: ``HUB_CURSOR_KEY``, else
        ``HUB_SECRET_KEY`` (set the first to rotate the second without breaking partners'
        saved cursors)."""
        return self.cursor_key or self.secret_key

    @property
    def two_step_material(self) -> str:
        """The secret two-step sign-in's TOTP secrets are sealed under at rest:
        ``HUB_TWO_STEP_KEY``, else ``HUB_SECRET_KEY``."""
        return self.two_step_key or self.secret_key

    @property
    def embedded(self) -> bool:
        """True when the hub runs everything in one process (no Redis server configured)."""
        return not self.redis_url

    @property
    def attachments_dir(self) -> Path:
        """Where report attachments are stored: ``HUB_ATTACHMENTS_DIR`` or under the data dir."""
        return Path(self.attachments_directory) if self.attachments_directory else (
            self.data_dir / "attachments"
        )

    @property
    def effective_database_url(self) -> str:
        """The configured database, or the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'hub.sqlite3').resolve()}"


WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def public_url() -> str:
    """The hub's address as people and partner systems reach it, without a trailing slash.

    ``HUB_PUBLIC_URL`` when set (its https address behind a proxy); otherwise where ``hub
    serve`` listens (``HUB_HOST`` and ``HUB_PORT``, which ``hub serve --host/--port`` set for
    its own process), with a wildcard address read as this machine's name. Every address the
    hub writes (``dataschema`` in webhooks and in ``/api/events``, the catalogue, feed links,
    links in mail) comes from here, so one event reads the same wherever it is seen.
    """
    configured = os.environ.get("HUB_PUBLIC_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    host = os.environ.get("HUB_HOST", "").strip() or Settings.host
    port = os.environ.get("HUB_PORT", "").strip() or str(Settings.port)
    if host in WILDCARD_HOSTS:
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _flag(value: str) -> bool | None:
    """A yes/no setting: ``1``/``true``/``on`` or ``0``/``false``/``off``; None when unset."""
    value = value.strip().lower()
    if not value:
        return None
    return value in ("1", "true", "on", "yes")


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs (as operators write them) at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
