"""On-call schedules (docs/oncall.md): schedules, shifts with ranks, append-only
assignments, comments.

Assignment rows are only ever created and ended (ended_at/ended_by set once), so the
history of who was on call, and who the agents were told was on call at any moment,
can always be rebuilt. The one function that answers "who is on call" is in resolver.py.
"""

from __future__ import annotations

import logging
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, validate_timezone
from directory.models import Contact
from portal.bounds import EARLIEST_INSTANT, LATEST_INSTANT

MAX_RANKS = 10

# Every reader shows only shifts inside these bounds (the API's intake bounds): a row
# written before those bounds existed is skipped with a log line, never a 500.
EARLIEST = EARLIEST_INSTANT
LATEST = LATEST_INSTANT

logger = logging.getLogger("oncall")


class ScheduleQuerySet(models.QuerySet):
    def for_account(self, account: Account) -> ScheduleQuerySet:
        return self.filter(account=account)


class Schedule(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("account")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )

    # Bumped by oncall.actions.record_change on every change to the schedule, its shifts
    # or their people: the calendar feeds are cached per version.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True, editable=False)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="schedule_external_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.timezone:
            self.timezone = self.account.timezone
        super().save(*args, **kwargs)

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone or self.account.timezone)


class ShiftQuerySet(models.QuerySet):
    def for_account(self, account: Account) -> ShiftQuerySet:
        return self.filter(account=account)

    def overlapping(self, start, end) -> ShiftQuerySet:
        """Shifts that share at least one instant with [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def displayable(self, where: str = "") -> ShiftQuerySet:
        """These shifts less any with an instant outside [EARLIEST, LATEST], logged.

        The comparison happens in the database, so a row that Python could not even load
        (a year after 9999 in UTC) never reaches a page, an export, a feed or the API.
        """
        bounded = Q(starts_at__gte=EARLIEST, ends_at__lte=LATEST)
        skipped = list(self.exclude(bounded).order_by().values_list("pk", flat=True)[:20])
        if skipped:
            logger.warning(
                "on-call shifts %s have instants outside %s..%s and are not shown (%s)",
                skipped,
                EARLIEST.date(),
                LATEST.date(),
                where or "query",
            )
        return self.filter(bounded)


class Shift(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("schedule")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    ranks = models.PositiveSmallIntegerField(
        _("ranks"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RANKS)],
        help_text=_("How many people are on call at once, called in order (rank 1 first)."),
    )
    # When its times or ranks last changed (the calendar feeds' DTSTAMP).
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "external_id"], name="shift_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="shift_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(ranks__gte=1, ranks__lte=MAX_RANKS), name="shift_ranks_1_to_10"
            ),
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"], name="shift_schedule_start")]

    def __str__(self) -> str:
        tz = self.schedule.tzinfo
        start = timezone.localtime(self.starts_at, tz)
        end = timezone.localtime(self.ends_at, tz)
        return f"{self.schedule} {start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        """The rules of a shift's times live in oncall.actions (check_shift), for every door."""
        if self.schedule_id and not self.account_id:
            self.account_id = self.schedule.account_id
        if self.schedule_id and self.starts_at and self.ends_at:
            from oncall.actions import check_shift

            check_shift(self.schedule, self.starts_at, self.ends_at, self.ranks, shift=self)

    def overlapping_shifts(self) -> ShiftQuerySet:
        others = Shift.objects.filter(schedule_id=self.schedule_id).overlapping(
            self.starts_at, self.ends_at
        )
        return others.exclude(pk=self.pk) if self.pk else others

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def rank_numbers(self) -> range:
        return range(1, self.ranks + 1)


class AssignmentQuerySet(models.QuerySet):
    def active(self) -> AssignmentQuerySet:
        return self.filter(ended_at__isnull=True)

    def as_seen_at(self, moment) -> AssignmentQuerySet:
        """The rows the agents knew at `moment`: created by then and not yet ended."""
        return self.filter(created_at__lte=moment).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment)
        )


class Assignment(models.Model):
    """One person on one rank of one shift: the whole shift (base) or a window (override).

    A row is effective from max(its start, created_at) to min(its end, ended_at): a change
    made while a shift runs takes effect from then, and an unassignment keeps the time
    already served. Unassigning before the row's start means it was never effective.
    """

    class Kind(models.TextChoices):
        BASE = "base", _("Assigned")
        OVERRIDE = "override", _("Override")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shift")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # Overrides: their window. Bases: NULL, meaning the whole shift.
    start = models.DateTimeField(_("from"), null=True, blank=True)
    end = models.DateTimeField(_("until"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="base", start__isnull=True, end__isnull=True)
                | Q(
                    kind="override",
                    start__isnull=False,
                    end__isnull=False,
                    start__lt=models.F("end"),
                ),
                name="assignment_window_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_RANKS), name="assignment_rank_1_to_10"
            ),
            models.UniqueConstraint(
                fields=["shift", "rank"],
                condition=Q(kind="base", ended_at__isnull=True),
                name="one_active_base_per_rank",
            ),
        ]
        indexes = [models.Index(fields=["shift", "rank"], name="assignment_shift_rank")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rank}: {self.contact}"

    @property
    def is_override(self) -> bool:
        return self.kind == self.Kind.OVERRIDE

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def window(self, shift: Shift | None = None) -> tuple:
        shift = shift or self.shift
        if self.is_override:
            return self.start, self.end
        return shift.starts_at, shift.ends_at

    def effective(
        self, shift: Shift | None = None, ended_at=None, *, ignore_end: bool = False
    ) -> tuple:
        """[from, until) during which this row names its contact (may be empty)."""
        start, end = self.window(shift)
        start = max(start, self.created_at)
        ended = None if ignore_end else (ended_at or self.ended_at)
        if ended is not None:
            end = min(end, ended)
        return start, end


class ShiftComment(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="comments", verbose_name=_("shift")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class FeedLinkQuerySet(models.QuerySet):
    def active(self) -> FeedLinkQuerySet:
        return self.filter(revoked_at__isnull=True)


class FeedLink(models.Model):
    """A secret calendar feed address (/ical/<token>.ics) of a schedule, or of one contact in it.

    Only a hash of the token is kept: the address is shown once, when it is made.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="feed_links", verbose_name=_("schedule")
    )
    # Empty: the whole schedule; otherwise only this contact's time on call ("my shifts").
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    include_methods = models.BooleanField(_("include contact methods"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = FeedLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.schedule} · {self.contact or '*'}"


class ChangeNotice(models.Model):
    """One contact gained or lost [start, end) on one rank: waits to be e-mailed (coalesced)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="+", verbose_name=_("schedule")
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="+", verbose_name=_("shift")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    gained = models.BooleanField(_("gained"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        indexes = [models.Index(fields=["contact", "sent_at"], name="notice_contact_pending")]

    def __str__(self) -> str:
        return f"{self.contact} {'+' if self.gained else '-'} {self.start:%Y-%m-%d %H:%M}"


class GapAlert(models.Model):
    """A gap (one shift's uncovered stretches) e-mailed to the managers, so it is not sent
    again within a day."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="+", verbose_name=_("shift")
    )
    # A digest of the uncovered stretches: a gap that changes shape is a new gap.
    signature = models.CharField(_("signature"), max_length=64)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("gap alert")
        verbose_name_plural = _("gap alerts")
        indexes = [models.Index(fields=["shift", "sent_at"], name="gapalert_shift_sent")]

    def __str__(self) -> str:
        return f"{self.shift_id} @ {self.sent_at:%Y-%m-%d %H:%M}"
