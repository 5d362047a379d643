"""Files uploaded through a page: kept only if what they were uploaded for is accepted.

A page that takes files (a meeting's paper, a report's attachments) stores them first, since
the command names them by id, and then carries out the command. If the command is refused, a
file would be named by nothing and is removed again (:func:`kept_if_accepted`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from starlette.datastructures import FormData, UploadFile

from hub.attachments import (
    AttachmentStore,
    AttachmentTooLarge,
    StoredAttachment,
    UnsupportedMediaType,
)
from hub.i18n import N_, _

ACCEPTED = N_("A PDF, Word, Excel, PowerPoint, OpenDocument, image, text or CSV file")
"""The types the attachment store accepts, in words (a file input's hint, translated where
shown)."""

REFUSED = (AttachmentTooLarge, UnsupportedMediaType)
"""What the store refuses a file for."""


def uploads_in(form: FormData, name: str) -> list[UploadFile]:
    """The files posted under ``name`` (a browser posts an empty part for no file chosen)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def refusal(error: Exception, store: AttachmentStore) -> str:
    """What to say beside a file input when the store refuses a file."""
    if isinstance(error, AttachmentTooLarge):
        return _("The file must be smaller than %(size)s MB") % {
            "size": f"{store.max_bytes / (1024 * 1024):g}"}
    return _("The file must be a PDF, Word, Excel, PowerPoint, OpenDocument, image, text or CSV "
             "file")


@contextmanager
def kept_if_accepted(
    store: AttachmentStore, uploads: Iterable[UploadFile], organisation_id: str
) -> Iterator[list[StoredAttachment]]:
    """Store ``uploads`` for ``organisation_id``; remove them again if the block fails.

    One the store refuses (:data:`REFUSED`) is raised from here, the ones before it removed.
    """
    kept: list[StoredAttachment] = []
    try:
        for upload in uploads:
            kept.append(store.save(
                upload.file, name=upload.filename or "", media_type=upload.content_type or "",
                organisation_id=organisation_id,
            ))
        yield kept
    except BaseException:
        for stored in kept:
            store.discard(stored.ref.attachment_id)
        raise
