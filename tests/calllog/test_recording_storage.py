"""An upload is written under a temporary name and moved into place once its row
commits; files that no row names are removed by the purge once a day old, on a local
folder and on S3 (moto)."""

import os
import time
from datetime import timedelta

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from moto import mock_aws

from calllog import actions
from calllog.actions import attach_recording, purge_orphan_recordings
from calllog.models import Call, recordings_storage
from portal.tasks import purge
from tests.factories import make_call, make_recorded_call, wav_bytes

pytestmark = pytest.mark.django_db

AUDIO = wav_bytes(0.25)


def test_the_file_is_moved_into_place_only_when_the_row_commits(
    account, django_capture_on_commit_callbacks
):
    call = make_call(account)
    storage = recordings_storage()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attach_recording(call, AUDIO, "audio/wav")
        call.refresh_from_db()
        # Not committed yet: the row has its final name, the bytes wait elsewhere.
        assert not storage.exists(call.recording.name)
        _folders, waiting = storage.listdir(actions.UPLOAD_FOLDER)
        assert len(waiting) == 1 and waiting[0].endswith(".part")
    for callback in callbacks:
        callback()
    assert storage.exists(call.recording.name)
    with storage.open(call.recording.name, "rb") as stored:
        assert stored.read() == AUDIO
    assert storage.listdir(actions.UPLOAD_FOLDER)[1] == []


def test_a_rolled_back_upload_leaves_no_file_where_a_row_points(account):
    call = make_recorded_call(account, content=AUDIO)
    before = call.recording.name
    with pytest.raises(RuntimeError), transaction.atomic():
        attach_recording(call, wav_bytes(0.5), "audio/wav")
        raise RuntimeError("the worker dies")
    call.refresh_from_db()
    assert call.recording.name == before
    assert recordings_storage().exists(before)


def _age(storage, name: str, days: float) -> None:
    when = time.time() - days * 86400
    os.utime(storage.path(name), (when, when))


def test_the_purge_removes_files_no_row_names_once_a_day_old(account):
    kept = make_recorded_call(account, content=AUDIO)
    storage = recordings_storage()
    partial = storage.save("incoming/dead-worker.part", ContentFile(b"RIFF half"))
    stray = storage.save("5201/2026/01/01/lost-recording.wav", ContentFile(b"RIFF"))
    fresh = storage.save("incoming/still-writing.part", ContentFile(b"RIFF"))
    for name in (partial, stray, kept.recording.name):
        _age(storage, name, 2)
    removed = purge()
    assert removed["orphan recordings"] == 2
    assert not storage.exists(partial) and not storage.exists(stray)
    assert storage.exists(fresh)  # less than a day old: maybe an upload in progress
    assert storage.exists(kept.recording.name)  # named by its call


@pytest.fixture
def s3_recordings(settings):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="recordings")
        settings.STORAGES = {
            **settings.STORAGES,
            "recordings": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "recordings",
                    "region_name": "us-east-1",
                    "file_overwrite": False,
                    "access_key": "test",
                    "secret_key": "test",
                },
            },
        }
        storages._storages.pop("recordings", None)
        yield
        storages._storages.pop("recordings", None)


def test_on_s3_the_upload_moves_into_place_and_orphans_go(
    account, s3_recordings, monkeypatch, django_capture_on_commit_callbacks
):
    call = make_call(account)
    with django_capture_on_commit_callbacks(execute=True):
        attach_recording(call, AUDIO, "audio/wav")
    call.refresh_from_db()
    storage = recordings_storage()
    with storage.open(call.recording.name, "rb") as stored:
        assert stored.read() == AUDIO
    orphan = storage.save("incoming/dead-worker.part", ContentFile(b"RIFF half"))
    assert purge_orphan_recordings(timezone.now()) == 0  # not a day old yet
    monkeypatch.setattr(actions, "ORPHAN_AGE", timedelta(seconds=-60))
    assert purge_orphan_recordings(timezone.now()) == 1
    assert not storage.exists(orphan)
    assert storage.exists(call.recording.name)
    assert Call.objects.get(pk=call.pk).recording.name == call.recording.name
