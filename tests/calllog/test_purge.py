import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from calllog.actions import purge_calls
from calllog.models import Call
from tests.factories import make_call, make_recorded_call

pytestmark = pytest.mark.django_db


def test_purge_removes_old_calls_and_their_files_in_batches(
    account, django_capture_on_commit_callbacks
):
    old = [
        make_recorded_call(account, started_at=timezone.now() - timedelta(days=61 + i))
        for i in range(5)
    ]
    make_call(account, started_at=timezone.now() - timedelta(days=70))
    kept = make_recorded_call(account, started_at=timezone.now() - timedelta(days=59))
    storage = kept.recording.storage
    names = [call.recording.name for call in old]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        removed = purge_calls(timezone.now() - timedelta(days=60), batch_size=2)
    assert removed == 6
    assert len(callbacks) == 3  # one per batch of rows
    assert list(Call.objects.all()) == [kept]
    assert not any(storage.exists(name) for name in names)
    assert storage.exists(kept.recording.name)


def test_files_stay_when_the_row_deletion_is_rolled_back(
    account, django_capture_on_commit_callbacks
):
    call = make_recorded_call(account, started_at=timezone.now() - timedelta(days=61))
    storage, name = call.recording.storage, call.recording.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                purge_calls(timezone.now() - timedelta(days=60))
                raise RuntimeError("the batch failed")
        except RuntimeError:
            pass
    # The outer transaction was rolled back: the row is back, and its file was never touched.
    assert Call.objects.filter(pk=call.pk).exists()
    assert storage.exists(name)
    assert callbacks == []  # the file deletion was dropped with the rolled-back batch


def test_file_is_deleted_only_after_the_row_is_committed(
    account, django_capture_on_commit_callbacks
):
    call = make_recorded_call(account, started_at=timezone.now() - timedelta(days=61))
    storage, name = call.recording.storage, call.recording.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge_calls(timezone.now() - timedelta(days=60))
        assert not Call.objects.filter(pk=call.pk).exists()
        assert storage.exists(name)  # not yet: the deletion waits for the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert not storage.exists(name)


def test_purge_expired_command_runs_the_calls_purger(account, django_capture_on_commit_callbacks):
    make_call(account, started_at=timezone.now() - timedelta(days=61))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_expired", stdout=io.StringIO())
    assert not Call.objects.exists()
