"""The scheduled clean-up: expired files go, interrupted jobs fail, leftovers vanish."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from jobs.models import ExportJob, QueuedEmail, exports_storage
from jobs.tasks import STALE_AFTER, delete_expired_exports
from tests.factories import make_export_job

pytestmark = pytest.mark.django_db


def test_expired_files_are_deleted_and_fresh_ones_kept(alice, account):
    old = make_export_job(account, alice, expires_at=timezone.now() - timedelta(minutes=1))
    fresh = make_export_job(account, alice)
    storage = exports_storage()
    old_name, fresh_name = old.file.name, fresh.file.name
    assert storage.exists(old_name)
    summary = delete_expired_exports.call()
    assert summary["expired_files"] == 1
    assert not storage.exists(old_name) and storage.exists(fresh_name)
    old.refresh_from_db()
    assert old.status == "expired" and not old.file
    assert ExportJob.objects.get(pk=fresh.pk).status == "done"
    assert delete_expired_exports.call()["expired_files"] == 0  # safe to run again


def test_a_job_cut_short_by_a_stopped_worker_is_marked_failed(alice, account):
    long_ago = timezone.now() - STALE_AFTER * 2
    stuck = make_export_job(
        account, alice, status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    # Started long ago too, but still reporting progress: a big export, not a dead one.
    busy = make_export_job(
        account, alice, status="running", started_at=long_ago, heartbeat_at=timezone.now()
    )
    assert delete_expired_exports.call()["interrupted_jobs"] == 1
    assert ExportJob.objects.get(pk=stuck.pk).status == "failed"
    assert ExportJob.objects.get(pk=busy.pk).status == "running"


def test_expired_rows_go_after_a_week(alice, account):
    make_export_job(account, alice, status="expired", expires_at=timezone.now() - timedelta(days=8))
    recent = make_export_job(
        account, alice, status="expired", expires_at=timezone.now() - timedelta(days=1)
    )
    assert delete_expired_exports.call()["old_jobs"] == 1
    assert list(ExportJob.objects.all()) == [recent]


def test_given_up_emails_go_after_two_weeks(db):
    QueuedEmail.objects.create(mailer="direct", payload={}, failed_at=timezone.now())
    QueuedEmail.objects.create(
        mailer="direct", payload={}, failed_at=timezone.now() - timedelta(days=15)
    )
    assert delete_expired_exports.call()["old_failed_emails"] == 1
    assert QueuedEmail.objects.count() == 1


def test_attachments_of_emails_that_were_never_queued_are_deleted(db):
    storage = exports_storage()
    queued = QueuedEmail.objects.create(mailer="direct", payload={})
    kept = storage.save(f"mail/{queued.pk}-0", ContentFile(b"kept"))
    orphan = storage.save("mail/0b0e7f7e-2f5c-4a59-9d0e-3c2f1f8f9b11-0", ContentFile(b"x"))
    young_orphan = storage.save("mail/5c1b2a8e-6f0e-4c1e-8a53-6b9a4b1f0c22-0", ContentFile(b"y"))
    hour_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    for name in (kept, orphan):
        os.utime(storage.path(name), (hour_ago, hour_ago))
    assert delete_expired_exports.call()["orphan_attachments"] == 1
    assert storage.exists(kept) and storage.exists(young_orphan)
    assert not storage.exists(orphan)


def test_the_clean_up_runs_on_an_empty_storage(db):
    assert delete_expired_exports.call() == {
        "expired_files": 0,
        "interrupted_jobs": 0,
        "old_jobs": 0,
        "old_failed_emails": 0,
        "orphan_attachments": 0,
    }


def test_a_deleted_account_takes_its_export_files_along(
    alice, account, django_capture_on_commit_callbacks
):
    job = make_export_job(account, alice)
    name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        account.delete()
    assert not ExportJob.objects.exists() and not exports_storage().exists(name)
