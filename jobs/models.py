"""Work the worker does for people: export jobs a user waits for, and queued e-mail."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _


class _ExportsStorage(LazyObject):
    """STORAGES["exports"] as configured now: the FileField keeps this proxy, so a
    changed setting (a test's temporary directory, a bucket) is followed."""

    _wrapped: object

    def _setup(self):
        self._wrapped = storages["exports"]


_exports = _ExportsStorage()


@receiver(setting_changed)
def _follow_storages_setting(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _exports._wrapped = empty


def exports_storage():
    """Where export files and e-mail attachments waiting to be sent are kept."""
    return _exports


class ExportJobQuerySet(models.QuerySet):
    def for_owner(self, account, user) -> ExportJobQuerySet:
        """Only the user who asked sees a job, and only under the account it was for."""
        return self.filter(account=account, owner=user)

    def expired(self, now=None) -> ExportJobQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class ExportJob(models.Model):
    """An export or report made by the worker while the user watches its progress.

    The finished file lives in STORAGES["exports"] until `expires_at` (24 hours by
    default), and is served only to `owner`; the scheduled clean-up deletes it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Delivery(models.TextChoices):
        DOWNLOAD = "download", _("Download")
        EMAIL = "email", _("E-mail")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("account"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("asked by"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    description = models.CharField(_("selection"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    delivery = models.CharField(
        _("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.DOWNLOAD
    )
    email_to = models.EmailField(_("send to"), blank=True)
    # The e-mail carrying the file, while the worker hands it to the mail server (a
    # QueuedEmail; the row goes once sent, and `sent_at` is set).
    email_id = models.UUIDField(_("e-mail"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    back_url = models.CharField(_("back to"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    file = models.FileField(_("file"), storage=exports_storage, max_length=500, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Moved on by the worker with each progress report: a running job whose heartbeat
    # stopped was cut short (its worker was killed) and is marked failed by the clean-up.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            models.Index(fields=["account", "owner", "-created_at"], name="jobs_export_owner_idx"),
            models.Index(fields=["expires_at"], name="jobs_export_expiry_idx"),
            models.Index(fields=["status", "created_at"], name="jobs_export_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(hours=settings.EXPORT_RETENTION_HOURS)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def downloadable(self) -> bool:
        """The file may be fetched: a download, or an e-mail the mail server refused
        (the file is kept beside the e-mail, so nothing is lost)."""
        return (
            self.status == self.Status.DONE
            and bool(self.file)
            and self.expires_at > timezone.now()
            and (self.delivery == self.Delivery.DOWNLOAD or self.email_state == "failed")
        )

    @property
    def email_state(self) -> str:
        """For an e-mailed export once made: "sending" (not handed over yet), "retrying"
        (the mail server refused or could not be reached; the worker tries again),
        "failed" (given up) or "sent"."""
        if self.delivery != self.Delivery.EMAIL or self.status != self.Status.DONE:
            return ""
        if self.sent_at is not None or self.email_id is None:
            return "sent"
        if not hasattr(self, "_queued_email"):
            self._queued_email = QueuedEmail.objects.filter(pk=self.email_id).first()
        queued = self._queued_email
        if queued is None:  # sent and gone (or removed by support)
            return "sent"
        if queued.failed_at is not None:
            return "failed"
        return "retrying" if queued.attempts else "sending"

    @property
    def email_attempts(self) -> int:
        queued = getattr(self, "_queued_email", None)
        return queued.attempts if queued is not None else 0

    @property
    def waiting(self) -> bool:
        """The page keeps polling: the file is being made, or the e-mail is on its way."""
        return not self.is_finished or self.email_state in ("sending", "retrying")


@receiver(post_delete, sender=ExportJob)
def _delete_export_file(sender, instance: ExportJob, **kwargs) -> None:
    """A job deleted with its account or user takes its file along (once committed)."""
    if instance.file:
        name = instance.file.name
        transaction.on_commit(lambda: exports_storage().delete(name))


class QueuedEmail(models.Model):
    """An e-mail waiting for the worker to hand it to the mail server.

    Django's mail API stores the message here (jobs.mail.QueuedEmailBackend) and the
    worker sends it with retries; the row and its stored attachments are deleted once
    the mail server accepted it. Rows left are those still being retried or given up
    on (`failed_at` set): support sees them in the admin and can send them again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mailer = models.CharField(_("mailer"), max_length=64)
    subject = models.TextField(_("subject"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    # Everything needed to rebuild the EmailMessage; attachments are stored files.
    payload = models.JSONField(_("message"))
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"
