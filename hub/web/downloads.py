"""Stored attachments sent to a browser or partner system as file downloads."""

from __future__ import annotations

from starlette.responses import FileResponse

from hub.attachments import AttachmentStore


def attachment_download(store: AttachmentStore, attachment_id: str) -> FileResponse:
    """A stored file as a download, never rendered inline, with its SHA-256 in a header.

    Starlette's ``FileResponse`` writes ``Content-Disposition``: the name as a quoted string
    when it is plain ASCII, else RFC 6266's ``filename*`` in RFC 5987 percent-encoding, so a
    ``"`` or a non-ASCII letter in an uploaded file's name cannot break out of the header.
    """
    stored = store.info(attachment_id)
    return FileResponse(
        store.path(attachment_id), media_type=stored.ref.media_type, filename=stored.ref.name,
        headers={"x-content-sha256": stored.ref.sha256, "x-content-type-options": "nosniff"},
    )
