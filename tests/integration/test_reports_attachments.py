"""Files submitted with reports: stored on disk with limits on size and type, and checksummed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from hub.attachments import (
    AttachmentCorrupt,
    AttachmentNotFound,
    AttachmentStore,
    AttachmentTooLarge,
    UnsupportedMediaType,
    default_directory,
    safe_name,
)
from hub.settings import Settings

PDF = b"%PDF-1.7\n" + b"x" * 200_000
COUNCIL = "leicester-city-council"


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "files", max_bytes=300_000)


def test_a_file_is_stored_with_its_size_type_and_sha256(store: AttachmentStore) -> None:
    stored = store.save(io.BytesIO(PDF), name="report.pdf", media_type="application/pdf",
                        organisation_id=COUNCIL)
    ref = stored.ref
    assert (ref.size, ref.media_type, ref.name) == (len(PDF), "application/pdf", "report.pdf")
    assert ref.sha256 == hashlib.sha256(PDF).hexdigest()
    info, content = store.open(ref.attachment_id)
    with content:
        assert content.read() == PDF
    assert info == stored and store.verify(ref.attachment_id) == stored
    assert store.refs_for([ref.attachment_id, ref.attachment_id], COUNCIL) == [ref]


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_left_behind(
    store: AttachmentStore,
) -> None:
    with pytest.raises(AttachmentTooLarge) as caught:
        store.save(PDF + b"y" * 200_000, name="big.pdf", media_type="application/pdf",
                   organisation_id=COUNCIL)
    assert caught.value.status == 413
    assert list(store.directory.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (b"MZ\x90\x00", "application/x-msdownload"),  # not an accepted type
        (b"just text", "application/pdf"),  # not what it claims to be
        (b"\xff\xfe\x00bad", "text/csv"),  # text that is not UTF-8
    ],
    ids=["type", "content", "encoding"],
)
def test_only_accepted_types_with_matching_content_are_stored(
    store: AttachmentStore, content: bytes, media_type: str
) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        store.save(content, name="f", media_type=media_type, organisation_id=COUNCIL)
    assert caught.value.status == 415
    assert not store.directory.exists() or list(store.directory.iterdir()) == []


def test_a_tampered_file_fails_its_checksum(store: AttachmentStore) -> None:
    ref = store.save(b"a,b\n1,2\n", name="d.csv", media_type="text/csv; charset=utf-8",
                     organisation_id=COUNCIL).ref
    assert ref.media_type == "text/csv"
    (store.directory / ref.attachment_id).write_bytes(b"a,b\n9,9\n")
    with pytest.raises(AttachmentCorrupt):
        store.verify(ref.attachment_id)


@pytest.mark.parametrize("attachment_id", ["../../etc/passwd", "0" * 32, "ABC"])
def test_unknown_or_malformed_ids_are_not_found(store: AttachmentStore, attachment_id: str) -> None:
    with pytest.raises(AttachmentNotFound):
        store.open(attachment_id)


def test_an_organisation_cannot_submit_another_organisations_file(store: AttachmentStore) -> None:
    ref = store.save(b"hello", name="h.txt", media_type="text/plain",
                     organisation_id="leicestershire-police").ref
    with pytest.raises(AttachmentNotFound):
        store.refs_for([ref.attachment_id], COUNCIL)


def test_names_lose_directories_and_control_characters() -> None:
    assert safe_name("..\\..\\secret/plan\x00.pdf") == "plan_.pdf"
    assert safe_name("  ") == "attachment"
    assert len(safe_name("a" * 400)) == 255


def test_the_default_directory_is_under_the_data_directory(tmp_path: Path) -> None:
    assert default_directory(Settings(data_dir=tmp_path)) == tmp_path / "attachments"
