"""Stored attachments sent to a browser or partner system as file downloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from starlette.responses import StreamingResponse

from hub.attachments import StoredAttachment

CHUNK_BYTES = 65536


def attachment_download(stored: StoredAttachment, stream: BinaryIO) -> StreamingResponse:
    """Stream ``stored`` as a download, never rendered inline, with its SHA-256 in a header."""

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk

    return StreamingResponse(
        chunks(), media_type=stored.ref.media_type,
        headers={
            "content-disposition": f'attachment; filename="{stored.ref.name}"',
            "x-content-sha256": stored.ref.sha256,
            "x-content-type-options": "nosniff",
        },
    )
