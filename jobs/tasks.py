"""The worker's tasks for exports and e-mail, and the clean-up the scheduler enqueues.

Each takes ids, re-reads its rows, and is safe to run twice (docs/operations.md).
"""

from __future__ import annotations

import logging
import smtplib
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMessage, mailers
from django.db import DatabaseError, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.models import ExportJob, QueuedEmail, exports_storage
from portal.retry import task_with_retries

logger = logging.getLogger("jobs")

# A running job that showed no sign of life for this long was cut short (its worker was
# killed): every export reports progress at least every few seconds.
STALE_AFTER = timedelta(minutes=10)
# Given-up e-mails stay this long in the admin, then go.
FAILED_EMAIL_KEPT = timedelta(days=14)


# --- E-mail -------------------------------------------------------------------------


def temporary_mail_error(error: BaseException) -> bool:
    """Worth trying again: no connection, a time-out, a dropped line or a 4xx answer.
    A 5xx answer (unknown mailbox, refused sender...) is final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, OSError))


def _email_given_up(error: BaseException, queued_id: str) -> None:
    QueuedEmail.objects.filter(pk=queued_id).update(
        failed_at=timezone.now(), last_error=repr(error)[:2000]
    )


@task_with_retries(
    attempts=settings.EMAIL_ATTEMPTS,
    backoff=timedelta(seconds=30),
    max_backoff=timedelta(hours=1),
    retry_on=temporary_mail_error,
    on_give_up=_email_given_up,
)
def deliver_email(queued_id: str) -> str:
    """Hand a queued e-mail to the real mail server; the row goes once it is accepted."""
    from jobs.mail import delete_attachments, rebuild

    failure = None
    with transaction.atomic():
        queued = (
            QueuedEmail.objects.select_for_update(skip_locked=True).filter(pk=queued_id).first()
        )
        if queued is None:
            return "nothing to send (already sent, or being sent by another worker)"
        try:
            mailers[queued.mailer].send_messages([rebuild(queued)])
        except Exception as error:
            failure = error
            QueuedEmail.objects.filter(pk=queued_id).update(
                attempts=F("attempts") + 1, last_error=repr(error)[:2000], failed_at=None
            )
        else:
            queued.delete()
            # An e-mailed export's page now says "sent".
            ExportJob.objects.filter(email_id=queued_id).update(sent_at=timezone.now())
    if failure is not None:
        raise failure
    delete_attachments(queued)
    return "sent"


# --- Exports ------------------------------------------------------------------------


def temporary_export_error(error: BaseException) -> bool:
    """A database or storage hiccup (not a fault of the export itself)."""
    if isinstance(error, (DatabaseError, OSError)):
        return True
    return type(error).__module__.startswith(("botocore", "boto3", "urllib3"))


def _export_given_up(error: BaseException, job_id: str) -> None:
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
    )


@task_with_retries(
    attempts=3,
    backoff=timedelta(seconds=20),
    retry_on=temporary_export_error,
    on_give_up=_export_given_up,
)
def run_export(job_id: str) -> str:
    """Build an export job's file, store it (or e-mail it) and mark the job done."""
    from jobs.exports import ExportRun, get_kind

    claimed = ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.PENDING, expires_at__gt=timezone.now()
    ).update(
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
        done=0,
        error="",
    )
    if not claimed:
        return "not waiting (done, running elsewhere, expired or gone)"
    job = ExportJob.objects.select_related("account", "owner").get(pk=job_id)
    try:
        kind = get_kind(job.kind)
        with translation.override(job.language), tempfile.TemporaryDirectory() as work:
            export = kind.build(ExportRun(job=job, work_dir=Path(work)))
            try:
                # Kept for EXPORT_RETENTION_HOURS either way: an e-mail the mail server
                # finally refuses leaves the file to download from the job's page.
                name, size = _store(job, export)
                if job.delivery == ExportJob.Delivery.EMAIL:
                    try:
                        email_id, sent_at = _email_export(job, kind, export)
                    except BaseException:
                        exports_storage().delete(name)
                        raise
                    ExportJob.objects.filter(pk=job_id).update(email_id=email_id, sent_at=sent_at)
            finally:
                if export.path is not None:  # may live outside work_dir (write_xlsx)
                    export.path.unlink(missing_ok=True)
    except Exception as error:
        # Waiting again: the retry (if any) claims it; giving up marks it failed.
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.PENDING, error=repr(error)[:2000]
        )
        raise
    finished = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        file=name,
        filename=export.filename,
        content_type=export.content_type,
        size=size,
        done=job.total if job.total is not None else job.done,
        finished_at=finished,
        expires_at=finished + ExportJob.lifetime(),
    )
    return "done"


def _store(job: ExportJob, export) -> tuple[str, int]:
    storage = exports_storage()
    name = f"{job.account.number}/{job.pk}-{export.filename}"
    if export.path is not None:
        with open(export.path, "rb") as handle:
            stored = storage.save(name, File(handle, name=export.filename))
        size = export.path.stat().st_size
    else:
        from django.core.files.base import ContentFile

        stored = storage.save(name, ContentFile(export.content))
        size = len(export.content)
    return stored, size


def _email_export(job: ExportJob, kind, export) -> tuple[uuid.UUID | None, object]:
    """Hand the file to the mail queue; returns the queued e-mail's id (None, with the
    time it was sent, when the configured mailer sent it at once).

    Every header is one line of text (portal.reports.one_line): an account name with a
    line break or a control character can neither fail the e-mail nor add a header."""
    from portal.reports import MAX_SUBJECT, one_line

    names = {"name": job.account.name, "number": job.account.number, "what": kind.label}
    body = _("The file you asked for is attached.")
    if job.description:
        body += "\n\n" + _("Selection: %(selection)s") % {"selection": job.description}
    subject = _("%(what)s of %(name)s (account %(number)s)") % names
    if job.description:
        # The selection in words ("from 20 to 25 November 2026, urgent only").
        subject = _("%(subject)s, %(selection)s") % {
            "subject": subject,
            "selection": job.description,
        }
    message = EmailMessage(
        subject=one_line(subject)[:MAX_SUBJECT],
        body=body,
        to=[one_line(job.email_to)],
    )
    filename = one_line(export.filename) or "export"
    message.attach(filename, export.read(), export.content_type.split(";")[0])
    message.send()
    queued_id = getattr(message, "queued_id", None)
    return queued_id, None if queued_id else timezone.now()


# --- Clean-up (scheduled) -----------------------------------------------------------


@task()
def prune_task_results() -> int:
    """Delete the worker's finished task results older than TASK_RESULTS_KEPT_DAYS, with
    django-tasks-db's own prune_db_task_results (every queue). Tasks still waiting or
    running, retries included, are never touched. Returns how many results are left."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=settings.TASK_RESULTS_KEPT_DAYS,
        verbosity=0,
    )
    return DBTaskResult.objects.count()


@task()
def delete_expired_exports() -> dict:
    """Delete export files past their expiry, jobs cut short, old rows and leftovers.

    Safe to run at any time and any number of times: each step only finds what is left.
    """
    now = timezone.now()
    storage = exports_storage()
    removed_files = 0
    for job in ExportJob.objects.expired(now).exclude(status=ExportJob.Status.EXPIRED).iterator():
        if job.file:
            storage.delete(job.file.name)
            removed_files += 1
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
    stale = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    ).update(
        status=ExportJob.Status.FAILED,
        finished_at=now,
        error="Interrupted: the worker stopped before the export was finished.",
    )
    # Expired rows are kept a week so an old link still says "expired", then go.
    old_rows, _detail = ExportJob.objects.filter(
        status=ExportJob.Status.EXPIRED, expires_at__lt=now - timedelta(days=7)
    ).delete()
    old_emails, _detail = QueuedEmail.objects.filter(failed_at__lt=now - FAILED_EMAIL_KEPT).delete()
    leftovers = _delete_orphan_attachments(storage, now)
    summary = {
        "expired_files": removed_files,
        "interrupted_jobs": stale,
        "old_jobs": old_rows,
        "old_failed_emails": old_emails,
        "orphan_attachments": leftovers,
    }
    logger.info("Export clean-up: %s", summary)
    return summary


def _delete_orphan_attachments(storage, now) -> int:
    """Attachments (mail/<e-mail id>-<n>) whose e-mail row is gone: its transaction was
    rolled back after the file was stored."""
    from jobs.mail import ATTACHMENTS_DIR

    try:
        _folders, files = storage.listdir(ATTACHMENTS_DIR)
    except FileNotFoundError:
        return 0
    owners = {name: name.rsplit("-", 1)[0] for name in files}
    known = {
        str(pk)
        for pk in QueuedEmail.objects.filter(pk__in=_uuids(set(owners.values()))).values_list(
            "pk", flat=True
        )
    }
    removed = 0
    for name, owner in owners.items():
        path = f"{ATTACHMENTS_DIR}/{name}"
        if owner not in known and now - storage.get_modified_time(path) > timedelta(hours=1):
            storage.delete(path)
            removed += 1
    return removed


def _uuids(names) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(str(uuid.UUID(name)))
        except ValueError:
            continue
    return found
