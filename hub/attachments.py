"""Files submitted with reports: stored on disk, limited in size and type, checksummed.

Each file is written to ``<directory>/<attachment id>`` with a ``<attachment id>.json``
beside it holding its name, media type, size, SHA-256 and the organisation that uploaded it.
Events reference a file by :class:`~schemas.events.reports.AttachmentRef` (id, name, size,
media type, checksum), or a meeting paper by ``PAPER_REFERENCE + id``, never by its content.
The directory defaults to ``<HUB_DATA_DIR>/attachments``; whoever builds an
:class:`AttachmentStore` chooses it.

An organisation's files together may take at most ``quota_bytes``: a file is counted and put in
place under the organisation's lock, so two uploads at once cannot both take the last room. A
file nothing refers to
(uploaded through the API and never named in a submission, say) is removed once it is older
than the expiry a scheduled job applies (:meth:`AttachmentStore.expire`).
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from hub.domain.errors import N_, DomainError
from hub.settings import Settings
from schemas.events.reports import AttachmentRef

CHUNK = 64 * 1024
HEAD_BYTES = 1024
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_QUOTA_BYTES = 1024 * 1024 * 1024
PAPER_REFERENCE = "attachment:"
"""How a meeting paper's ``reference`` names a file the hub keeps: this, then its id."""

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (_ZIP,),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (_ZIP,),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (_ZIP,),
    "application/vnd.oasis.opendocument.text": (_ZIP,),
    "application/vnd.oasis.opendocument.spreadsheet": (_ZIP,),
    "application/msword": (_OLE,),
    "application/vnd.ms-excel": (_OLE,),
}
"""How each binary type's content must begin, so a file is what it claims to be."""
TEXT_TYPES = frozenset({"text/plain", "text/csv"})
"""Types whose content must be UTF-8 text."""
DEFAULT_MEDIA_TYPES = frozenset(SIGNATURES) | TEXT_TYPES

_ID = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


class AttachmentTooLarge(DomainError):
    """The file is larger than the hub accepts."""

    code = "attachment.too_large"
    status = 413


class UnsupportedMediaType(DomainError):
    """The file's type is not accepted, or its content is not of the type it claims."""

    code = "attachment.unsupported_type"
    status = 415


class QuotaExceeded(DomainError):
    """The organisation's stored files would exceed its storage quota."""

    code = "attachment.quota_exceeded"
    status = 413


class AttachmentNotFound(DomainError):
    """No such file (or not one the organisation may use)."""

    code = "attachment.not_found"
    status = 404


class AttachmentCorrupt(DomainError):
    """The stored file no longer matches its checksum."""

    code = "attachment.corrupt"
    status = 500


ERRORS: tuple[type[DomainError], ...] = (
    AttachmentTooLarge, UnsupportedMediaType, QuotaExceeded, AttachmentNotFound,
    AttachmentCorrupt,
)


@dataclass(frozen=True)
class StoredAttachment:
    """A stored file's description and the organisation that uploaded it."""

    ref: AttachmentRef
    organisation_id: str


def default_directory(settings: Settings) -> Path:
    """Where attachments live unless configured otherwise: ``<data dir>/attachments``."""
    return settings.data_dir / "attachments"


def safe_name(name: str) -> str:
    """A file name fit to store and to send back: no directories, no control characters."""
    base = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[:255] or "attachment"


@dataclass
class AttachmentStore:
    """Files on disk under one directory, with limits on size and media type."""

    directory: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    quota_bytes: int = DEFAULT_QUOTA_BYTES
    media_types: frozenset[str] = field(default=DEFAULT_MEDIA_TYPES)

    def save(
        self,
        content: BinaryIO | bytes,
        *,
        name: str,
        media_type: str,
        organisation_id: str,
        attachment_id: str | None = None,
    ) -> StoredAttachment:
        """Store ``content``; refuse it if too large or not of an accepted type.

        The content is streamed to a temporary file while it is measured and hashed, and
        only moved into place once it has passed every check. The id is new and random
        unless one is given (32 lowercase hex digits; fixed data such as the demo's).
        """
        if attachment_id is not None and not _ID.match(attachment_id):
            raise ValueError("an attachment id is 32 lowercase hexadecimal digits")
        media_type = media_type.split(";", 1)[0].strip().lower()
        if media_type not in self.media_types:
            raise UnsupportedMediaType(
                N_("files of type %(media_type)s are not accepted"),
                media_type=media_type or 'unknown'
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        room = self.quota_bytes - self.usage(organisation_id)
        chunks = _chunks(content)
        digest, size = hashlib.sha256(), 0
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                head = b""
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise AttachmentTooLarge(
                            N_("files may be at most %(max_bytes)s bytes"), max_bytes=self.max_bytes
                        )
                    if size > room:
                        raise QuotaExceeded(self._over_quota)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            _check_content(media_type, head)
            attachment_id = attachment_id or uuid.uuid4().hex
            ref = AttachmentRef(
                attachment_id=attachment_id, name=safe_name(name), size=size,
                media_type=media_type, sha256=digest.hexdigest(),
            )
            stored = StoredAttachment(ref, organisation_id)
            with self._quota_lock(organisation_id):
                # Counted again now that no other upload of the organisation can be put in
                # place: the room measured before streaming may since have been taken.
                if size > self.quota_bytes - self.usage(organisation_id):
                    raise QuotaExceeded(self._over_quota)
                self._write_meta(stored)
                os.replace(temp, self._path(attachment_id))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return stored

    @property
    def _over_quota(self) -> str:
        return (
            "your organisation's files would take more than its "
            f"{self.quota_bytes} bytes; ask the hub's operator for more room"
        )

    @contextlib.contextmanager
    def _quota_lock(self, organisation_id: str) -> Iterator[None]:
        # An advisory lock file per organisation (flock: held across the processes of one
        # machine, and let go should a process die holding it).
        name = hashlib.sha256(organisation_id.encode()).hexdigest()[:32]
        with (self.directory / f".quota-{name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def info(self, attachment_id: str) -> StoredAttachment:
        """The description of a stored file; :class:`AttachmentNotFound` if there is none."""
        meta = self._meta_path(attachment_id)
        if not meta.is_file() or not self._path(attachment_id).is_file():
            raise AttachmentNotFound(N_("no such attachment"))
        data = json.loads(meta.read_text())
        return StoredAttachment(AttachmentRef(**data["ref"]), data["organisation_id"])

    def open(self, attachment_id: str) -> tuple[StoredAttachment, BinaryIO]:
        """A stored file's description and its content, open for reading (close it after)."""
        stored = self.info(attachment_id)
        return stored, self._path(attachment_id).open("rb")

    def verify(self, attachment_id: str) -> StoredAttachment:
        """Check a stored file against its checksum; :class:`AttachmentCorrupt` if it differs."""
        stored, content = self.open(attachment_id)
        with content:
            digest = hashlib.sha256()
            for chunk in iter(lambda: content.read(CHUNK), b""):
                digest.update(chunk)
        if digest.hexdigest() != stored.ref.sha256:
            raise AttachmentCorrupt(
                N_("attachment %(attachment_id)s does not match its checksum"),
                attachment_id=attachment_id
            )
        return stored

    def discard(self, attachment_id: str) -> None:
        """Remove a stored file nothing refers to (e.g. its paper was refused); no error if gone."""
        # The description first: without it the file is never served, even if unlinking the
        # content fails half-way.
        self._meta_path(attachment_id).unlink(missing_ok=True)
        self._path(attachment_id).unlink(missing_ok=True)

    def path(self, attachment_id: str) -> Path:
        """Where a stored file's content is (:class:`AttachmentNotFound` if there is none)."""
        self.info(attachment_id)
        return self._path(attachment_id)

    def usage(self, organisation_id: str) -> int:
        """How many bytes the organisation's stored files take."""
        return sum(s.ref.size for s in self._all() if s.organisation_id == organisation_id)

    def expire(self, referenced: Collection[str], uploaded_before: datetime) -> list[str]:
        """Remove files uploaded before ``uploaded_before`` that are not ``referenced``, and
        uploads left unfinished by then (a process stopped mid-upload); the ids removed.

        A file's upload time is its content's modification time: it is written once.
        """
        cutoff = uploaded_before.timestamp()
        removed = []
        for stored in self._all():
            attachment_id = stored.ref.attachment_id
            if attachment_id in referenced:
                continue
            with contextlib.suppress(FileNotFoundError):
                if self._path(attachment_id).stat().st_mtime < cutoff:
                    self.discard(attachment_id)
                    removed.append(attachment_id)
        for partial in self.directory.glob(".upload-*"):
            with contextlib.suppress(FileNotFoundError):
                if partial.stat().st_mtime < cutoff:
                    partial.unlink()
        return removed

    def _all(self) -> Iterable[StoredAttachment]:
        if not self.directory.is_dir():
            return
        for meta in self.directory.glob("*.json"):
            with contextlib.suppress(AttachmentNotFound, FileNotFoundError):
                yield self.info(meta.stem)

    def refs_for(self, attachment_ids: Iterable[str], organisation_id: str) -> list[AttachmentRef]:
        """The references of files ``organisation_id`` uploaded, in the order given.

        Another organisation's file is answered as not found, so ids cannot be borrowed.
        """
        refs: dict[str, AttachmentRef] = {}
        for attachment_id in attachment_ids:
            stored = self.info(attachment_id)
            if stored.organisation_id != organisation_id:
                raise AttachmentNotFound(N_("no such attachment"))
            refs[attachment_id] = stored.ref
        return list(refs.values())

    def _path(self, attachment_id: str) -> Path:
        if not _ID.match(attachment_id):
            raise AttachmentNotFound(N_("no such attachment"))
        return self.directory / attachment_id

    def _meta_path(self, attachment_id: str) -> Path:
        return self._path(attachment_id).with_suffix(".json")

    def _write_meta(self, stored: StoredAttachment) -> None:
        body = {"ref": stored.ref.model_dump(), "organisation_id": stored.organisation_id}
        meta = self._meta_path(stored.ref.attachment_id)
        partial = meta.with_suffix(".json.partial")
        partial.write_text(json.dumps(body, sort_keys=True))
        os.replace(partial, meta)


def _chunks(content: BinaryIO | bytes) -> Iterable[bytes]:
    if isinstance(content, bytes):
        return (content[i : i + CHUNK] for i in range(0, len(content), CHUNK))
    return iter(lambda: content.read(CHUNK), b"")


def _check_content(media_type: str, head: bytes) -> None:
    signatures = SIGNATURES.get(media_type)
    if signatures is not None and not head.startswith(signatures):
        raise UnsupportedMediaType(
            N_("the file's content is not %(media_type)s"),
            media_type=media_type
        )
    if media_type in TEXT_TYPES:
        # Only the first kilobyte is checked; it may end inside a character, so decode it as
        # an unfinished stream unless it is the whole file.
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(head, final=len(head) < HEAD_BYTES)
        except UnicodeDecodeError:
            raise UnsupportedMediaType(N_("text files must be UTF-8")) from None
