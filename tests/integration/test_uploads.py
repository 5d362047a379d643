"""Uploads that nothing uses expire, each organisation has a storage quota, and a download's
name is quoted by RFC 6266 (issue 18, finding 12)."""

from __future__ import annotations

import dataclasses
import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import Message
from pathlib import Path

import pytest
from rq.job import Job

from hub.attachments import AttachmentStore, QuotaExceeded
from hub.bootstrap import Hub
from hub.queries.attachments import referenced_attachments
from hub.web.downloads import attachment_download
from tests.web import client_of, sign_in
from workers.uploads import arm_next, expire_unreferenced, resume_expiry

CITY = "leicester-city-council"
CSV = b"area,incidents\ncity centre,41\n"


def _save(store: AttachmentStore, organisation_id: str, content: bytes = CSV,
          name: str = "data.csv") -> str:
    return store.save(io.BytesIO(content), name=name, media_type="text/csv",
                      organisation_id=organisation_id).ref.attachment_id


@pytest.mark.parametrize(("name", "header"), [
    ('minutes "final".csv', "attachment; filename*=utf-8''minutes%20%22final%22.csv"),
    ("Übersicht.csv", "attachment; filename*=utf-8''%C3%9Cbersicht.csv"),
    ("plain.csv", 'attachment; filename="plain.csv"'),
])
def test_a_downloads_name_is_quoted_so_it_cannot_break_the_header(
    tmp_path: Path, name: str, header: str
) -> None:
    store = AttachmentStore(tmp_path)
    response = attachment_download(store, _save(store, CITY, name=name))
    assert response.headers["content-disposition"] == header
    # A standard parser reads back exactly the name uploaded.
    parsed = Message()
    parsed["content-disposition"] = response.headers["content-disposition"]
    assert parsed.get_filename() == name


def test_an_organisation_cannot_store_more_than_its_quota(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path, quota_bytes=2 * len(CSV))
    _save(store, CITY)
    _save(store, CITY)
    with pytest.raises(QuotaExceeded):
        _save(store, CITY)
    assert store.usage(CITY) == 2 * len(CSV)
    assert not list(tmp_path.glob(".upload-*")), "a refused upload leaves nothing behind"
    _save(store, "leicestershire-police")  # another organisation's room is its own


class _HeldOpen(io.BytesIO):
    """An upload's content that, once its first chunk is read, waits until every upload
    started with it has measured its room: as two browsers sending at the same moment."""

    def __init__(self, content: bytes, started: threading.Barrier) -> None:
        super().__init__(content)
        self.started = started

    def read(self, size: int | None = -1) -> bytes:
        if self.tell():
            self.started.wait(timeout=10)
        return super().read(size)


def test_two_uploads_at_once_cannot_both_take_the_last_room(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path, quota_bytes=len(CSV) * 3 // 2)
    started = threading.Barrier(2)

    def upload() -> str:
        try:
            store.save(_HeldOpen(CSV, started), name="data.csv", media_type="text/csv",
                       organisation_id=CITY)
        except QuotaExceeded:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _n: upload(), range(2)))
    assert outcomes == ["refused", "stored"]
    assert store.usage(CITY) == len(CSV) <= store.quota_bytes
    assert not list(tmp_path.glob(".upload-*")), "the refused upload leaves nothing behind"


def test_an_upload_over_the_quota_is_a_413_problem(demo_hub: Hub) -> None:
    demo_hub.settings = dataclasses.replace(demo_hub.settings, attachment_quota_bytes=1000)
    client = client_of(demo_hub)
    sign_in(client, "city@leicester.example.org")
    headers = {"content-type": "text/csv", "x-filename": "data.csv"}
    assert client.post("/api/attachments", content=CSV, headers=headers).status_code == 201
    answer = client.post("/api/attachments", content=b"a,b\n" * 300, headers=headers)
    assert answer.status_code == 413
    assert answer.json()["code"] == "attachment.quota_exceeded"


def test_unreferenced_uploads_expire_and_referenced_ones_stay(demo_hub: Hub) -> None:
    store = demo_hub.attachments
    referenced = referenced_attachments(demo_hub.engine)
    assert referenced, "the demo's reports and meetings refer to files"
    kept_before = {p.stem for p in store.directory.glob("*.json")}
    assert referenced <= kept_before
    orphan = _save(store, CITY)
    fresh = _save(store, CITY)
    day_old = time.time() - 25 * 3600
    os.utime(store.path(orphan), (day_old, day_old))
    for attachment_id in referenced:
        os.utime(store.path(attachment_id), (day_old, day_old))

    assert expire_unreferenced(demo_hub) == [orphan]
    left = {p.stem for p in store.directory.glob("*.json")}
    assert left == kept_before | {fresh}


def test_the_expiry_runs_every_hour_armed_as_a_worker_starts(demo_hub: Hub) -> None:
    now = demo_hub.clock()
    assert resume_expiry(demo_hub) == 1
    assert resume_expiry(demo_hub) == 0, "a worker starting leaves a waiting run alone"
    next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    job = Job.fetch(f"uploads-expire-{int(next_hour.timestamp())}", demo_hub.redis)
    assert job.kwargs == {"due": int(next_hour.timestamp())}
    # A run that starts a little before its hour schedules the hour after, not itself.
    assert arm_next(demo_hub, next_hour) == 1
    later = next_hour + timedelta(hours=1)
    assert Job.fetch(f"uploads-expire-{int(later.timestamp())}", demo_hub.redis)

