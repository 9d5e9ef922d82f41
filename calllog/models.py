"""Calls handled for a client, with their telephony offsets and optional recording."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.functions import Replace
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from portal.bounds import LATEST_INSTANT
from portal.fields import BoundedJSONField


class _RecordingsStorage(LazyObject):
    """STORAGES["recordings"] as configured now: the FileField keeps this proxy, so a
    changed setting (a test's temporary directory, a new bucket) is followed."""

    _wrapped: object  # the Storage once set up; `empty` until then

    def _setup(self) -> None:
        self._wrapped = storages["recordings"]


_recordings = _RecordingsStorage()


@receiver(setting_changed)
def _follow_storages_setting(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _recordings._wrapped = empty


def recordings_storage():
    return _recordings


def recording_path(call: Call, filename: str) -> str:
    # The platform's id may hold any character: keep only what is safe in a file name.
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", call.external_id)
    return f"{call.account.number}/{call.started_at:%Y/%m/%d}/{safe_id}-{filename}"


class Digits(models.Func):
    """The digits of a text, in order ("(514) 555-0199" -> "5145550199"). PostgreSQL keeps
    only 0-9; SQLite (the demo), which has no regular expressions, drops the separators
    a telephone number is written with."""

    function = "REGEXP_REPLACE"
    template = "REGEXP_REPLACE(%(expressions)s, '[^0-9]+', '', 'g')"
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        number = self.source_expressions[0]
        for separator in (" ", "-", "(", ")", ".", "+", "/"):
            number = Replace(number, models.Value(separator), models.Value(""))
        return compiler.compile(number)


RECENT_DAYS = 7


def recent_boundary(account: Account, now: datetime | None = None) -> datetime:
    """Where "Last 7 days" ends and the archive (8-60 days) begins: local midnight at the
    start of the day seven days before today, in the account's time zone.

    A call of today or of any of the seven previous local days is recent; a call
    of the eighth day back or older is in the archive. E.g. on Sunday 22 March (any
    hour), the boundary is Sunday 15 March 00:00 local time.
    """
    tz = account.tzinfo
    today = timezone.localtime(now or timezone.now(), tz).date()
    return datetime.combine(today - timedelta(days=RECENT_DAYS), time(0), tzinfo=tz)


def retention_cutoff(now: datetime | None = None) -> datetime:
    """The oldest instant a call is still shown from (RETENTION_DAYS back)."""
    return (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)


class CallQuerySet(models.QuerySet["Call"]):
    def for_account(self, account: Account) -> CallQuerySet:
        return self.filter(account=account)

    def retained(self) -> CallQuerySet:
        """Never older than the retention period, nor after the portal's range (a row
        stored before the API's intake rules is skipped; `manage.py check_data` lists it)."""
        return self.filter(started_at__gte=retention_cutoff(), started_at__lt=LATEST_INSTANT)

    def started_between(self, start: datetime | None, end: datetime | None) -> CallQuerySet:
        qs = self
        if start is not None:
            qs = qs.filter(started_at__gte=start)
        if end is not None:
            qs = qs.filter(started_at__lt=end)
        return qs

    def with_recording(self) -> CallQuerySet:
        return self.exclude(recording="")

    def from_caller(self, text: str) -> CallQuerySet:
        """Calls whose number holds these digits ("514 555" finds "(514) 555-0199"),
        or, for text without digits, whose caller name holds the text."""
        digits = "".join(c for c in text if c.isdigit())
        if not digits:
            return self.filter(caller_name__icontains=text.strip())
        return self.filter(caller_digits__contains=digits)

    def by_agent(self, agent: str) -> CallQuerySet:
        return self.filter(agent__iexact=agent.strip())

    def of_kind(self, kind: str) -> CallQuerySet:
        return self.filter(kind=kind)

    def older_than(self, cutoff: datetime) -> CallQuerySet:
        return self.filter(started_at__lt=cutoff)

    def totals_around(self, boundary: datetime) -> dict:
        """Count and total duration of the calls from `boundary` on and of those before,
        in one aggregate query: {"recent_count", "recent_seconds", "archive_count",
        "archive_seconds"} (seconds 0 when there is no call)."""
        recent = models.Q(started_at__gte=boundary)
        totals = self.aggregate(
            recent_count=models.Count("pk", filter=recent),
            recent_seconds=models.Sum("duration_s", filter=recent, default=0),
            archive_count=models.Count("pk", filter=~recent),
            archive_seconds=models.Sum("duration_s", filter=~recent, default=0),
        )
        return totals

    def inbound(self) -> CallQuerySet:
        return self.filter(direction=Call.Direction.INBOUND)

    def billed(self) -> CallQuerySet:
        return self.exclude(invoice_number="").filter(billing_units__isnull=False)


class Call(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", _("Conversation")
        TRANSACTION = "transaction", _("Transaction")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="calls", verbose_name=_("account")
    )
    external_id = models.CharField(_("call ID"), max_length=64)
    started_at = models.DateTimeField(_("started at"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    caller_number = models.CharField(_("caller number"), max_length=64, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=200, blank=True)
    # The caller number's digits, kept by the database: what the caller search reads,
    # through a trigram index (PostgreSQL), so "514555" finds "(514) 555-0199" fast.
    caller_digits = models.GeneratedField(
        expression=Digits("caller_number"),
        output_field=models.CharField(max_length=64, blank=True),
        db_persist=True,
    )
    dialed_number = models.CharField(_("dialed number"), max_length=64, blank=True)
    agent = models.CharField(_("agent"), max_length=32, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The platform's id of the message this call produced; the message may arrive later.
    message_external_id = models.CharField(_("message ID"), max_length=64, blank=True)

    # Telephony figures, in seconds from the start of the call (docs/statistics.md).
    duration_s = models.PositiveIntegerField(_("duration (s)"))
    busy = models.BooleanField(_("busy"), default=False)
    queued_s = models.PositiveIntegerField(_("queued at (s)"), null=True, blank=True)
    assigned_s = models.PositiveIntegerField(_("assigned at (s)"), null=True, blank=True)
    answered_s = models.PositiveIntegerField(_("answered at (s)"), null=True, blank=True)
    work_s = models.PositiveIntegerField(_("work time (s)"), null=True, blank=True)
    hold_s = models.PositiveIntegerField(_("hold time (s)"), default=0)
    patch_s = models.PositiveIntegerField(_("patch time (s)"), null=True, blank=True)

    # What the "Details" button shows for a transaction without a conversation.
    details = BoundedJSONField(_("details"), default=dict, blank=True)

    # Billing: decimal minutes billed, and the invoice that billed them.
    billing_units = models.DecimalField(
        _("billed minutes"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)

    recording = models.FileField(
        _("recording"),
        storage=recordings_storage,
        upload_to=recording_path,
        blank=True,
        max_length=300,
    )
    recording_content_type = models.CharField(_("recording type"), max_length=32, blank=True)
    recording_size = models.PositiveBigIntegerField(
        _("recording size (bytes)"), null=True, blank=True
    )
    recording_duration_s = models.FloatField(_("recording duration (s)"), null=True, blank=True)
    # sha256 of the stored audio: the same recording sent again is not written twice.
    recording_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="call_external_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["account", "-started_at"], name="call_account_started"),
            models.Index(fields=["account", "invoice_number"], name="call_account_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def has_recording(self) -> bool:
        return bool(self.recording)


class CallDay(models.Model):
    """One account's calls of one local day, summed: what the call log's and the billable
    calls' totals read instead of scanning 60 days of calls on every request.

    Kept by PostgreSQL triggers on the calls table, in the same transaction as every write
    (the API's write functions, the purge, a bulk load), and recomputed for an account
    whose time zone changes; `manage.py rebuild_rollups` recomputes it from the calls.
    Other databases (the SQLite demo) do not keep it: totals are computed from the calls.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the calls' local date, in the account's time zone
    calls = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)  # sum of duration_s
    billed_calls = models.IntegerField(default=0)  # CallQuerySet.billed()
    billed_units = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="call_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.calls}"
