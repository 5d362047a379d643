"""The shapes of the JSON API's answers, published in ``/openapi.json`` beside the requests
(``schemas.requests``): what a write answers, and how records, pages and histories are read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    """One recorded event, as a write's answer hands it out (its place in the log is not
    shown: the event feed, webhooks and sockets give it as a cursor)."""

    id: str
    stream_id: str
    stream_type: str
    version: int = Field(ge=1)
    type: str = Field(description="<record>.<happened>, e.g. report_request.submitted")
    schema_version: int = Field(ge=1)
    data: dict[str, Any]
    meta: dict[str, Any]
    workspaces: list[str]
    recorded_at: str = Field(description="ISO 8601 time it was recorded")


class WriteAnswer(BaseModel):
    """The answer to every command: the record's new version and the events it recorded. A
    retried command (the same Idempotency-Key) answers 200 with the first result, ``replayed``
    true."""

    version: int = Field(ge=0)
    replayed: bool
    events: list[Envelope]
    id: str | None = Field(default=None, description="the record's id (or the created one's)")
    created_id: str | None = Field(
        default=None, description="the id of a part the command created, e.g. a meeting action"
    )


class HistoryActor(BaseModel):
    """Who recorded an event: the user and the organisation they acted for."""

    user: str | None
    organisation: str | None


class HistoryItem(BaseModel):
    """One event of a record's history."""

    position: int
    version: int
    type: str
    time: str = Field(description="ISO 8601 time it was recorded")
    actor: HistoryActor
    data: dict[str, Any]


class History(BaseModel):
    """A record's history: every event, oldest first."""

    items: list[HistoryItem]


class Object(BaseModel):
    """A JSON object whose keys the operation's description gives."""

    model_config = ConfigDict(extra="allow")


class Items(BaseModel):
    """A list of objects."""

    items: list[dict[str, Any]]


class CloudEvent(BaseModel):
    """One event as a CloudEvents 1.0 structured JSON object (as webhooks deliver it)."""

    model_config = ConfigDict(extra="allow")

    specversion: str
    id: str
    source: str
    type: str
    subject: str
    time: str
    datacontenttype: str
    dataschema: str
    position: str = Field(description="an opaque cursor: hand it back as after= to resume")
    recordversion: int
    data: dict[str, Any]


class EventPage(BaseModel):
    """The caller's events after a position, and the position to ask after next."""

    events: list[CloudEvent]
    next_after: str = Field(description="the cursor to ask after next")


class SearchResult(BaseModel):
    """A record found, with the path of its page."""

    record_type: str
    record_id: str
    title: str
    date: str
    path: str


class SearchAnswer(BaseModel):
    """The records matching every word of ``query``, best first."""

    query: str
    results: list[SearchResult]


class Me(BaseModel):
    """Who the caller is, and what they see."""

    model_config = ConfigDict(extra="allow")

    user_id: str | None
    name: str | None
    organisation_id: str | None
    role: str | None
    area_ids: list[str]
    workspace_roles: dict[str, str]
    workspaces: list[str]
    csrf_token: str | None = None


class Invited(BaseModel):
    """An invitation sent: the address, and the link that accepts it."""

    email: str
    link: str


class ClientIssued(BaseModel):
    """A new API client and its token (shown this once)."""

    client_id: str
    token: str


class Feed(BaseModel):
    """A calendar feed (never its token; its URLs only when it is made or rotated)."""

    model_config = ConfigDict(extra="allow")

    feed_id: str
    kind: str
    name: str | None
    organisation_id: str | None
    workspace_id: str | None
    created_at: str | None
    rotated_at: str | None
    last_used_at: str | None
    revoked: bool
    revoked_at: str | None
    url: str | None = None
    webcal_url: str | None = None


class Feeds(BaseModel):
    """Calendar feeds."""

    items: list[Feed]


class SecretRotated(BaseModel):
    """A webhook endpoint's new secret, and when the previous ones stop being used."""

    secret: str
    previous_secrets_expire_at: str | None


class TestSent(BaseModel):
    """A test message sent to a webhook endpoint, and its first attempt."""

    message_id: str
    attempt: dict[str, Any]
