"""Messages the agents took for a client, with their dispatch history and read state."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from portal.bounds import LATEST_INSTANT


def normalise(text: str) -> str:
    """Lower case without accents: "Problème" -> "probleme" (for the search column)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def retention_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.RETENTION_DAYS)


class MessageQuerySet(models.QuerySet):
    def for_account(self, account: Account) -> MessageQuerySet:
        return self.filter(account=account)

    def retained(self) -> MessageQuerySet:
        """Never older than the retention period, even before purge_expired runs; never
        after the portal's range either (a row stored before the API's intake rules is
        skipped, and `manage.py check_data` lists it)."""
        return self.filter(taken_at__gte=retention_cutoff(), taken_at__lt=LATEST_INSTANT)

    def taken_between(self, start: datetime | None, end: datetime | None) -> MessageQuerySet:
        qs = self
        if start is not None:
            qs = qs.filter(taken_at__gte=start)
        if end is not None:
            qs = qs.filter(taken_at__lt=end)
        return qs

    def matching(self, text: str) -> MessageQuerySet:
        """Case- and accent-insensitive search over subject, caller and field values."""
        words = normalise(text).split()
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs

    def urgent_only(self) -> MessageQuerySet:
        return self.filter(urgent=True)

    def with_read_state(self, user) -> MessageQuerySet:
        """Annotate `is_read` for this user in the same query (no query per row)."""
        return self.annotate(
            is_read=models.Exists(
                MessageRead.objects.filter(message=models.OuterRef("pk"), user=user)
            )
        )

    def unread_by(self, user) -> MessageQuerySet:
        return self.with_read_state(user).filter(is_read=False)

    def unacknowledged(self) -> MessageQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def acknowledged(self) -> MessageQuerySet:
        return self.filter(acknowledged_at__isnull=False)

    def newest_id(self) -> int:
        """The id of the newest message stored (0 when none): what the live inbox watches."""
        return self.order_by("-pk").values_list("pk", flat=True).first() or 0


class Message(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="messages", verbose_name=_("account")
    )
    external_id = models.CharField(_("message ID"), max_length=64)
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.CharField(_("taken by"), max_length=32, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=200, blank=True)
    caller_number = models.CharField(_("caller number"), max_length=64, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    # The message's fields in the agents' order: [{"label": "...", "value": "..."}, ...]
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # normalise() of subject, caller and field values, kept by save(): what search reads.
    search_text = models.TextField(editable=False, default="")
    # The first acknowledgement, by a client user in the portal (actions.acknowledge) or
    # recorded by the platform as an "acknowledged" event; never changed afterwards.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=254, blank=True)
    acknowledged_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by (user)"),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="message_external_id_unique"
            )
        ]
        indexes = [
            # The inbox's order (newest first, then by id), and its count read from the
            # index alone; the urgent filter has its own, smaller one.
            models.Index(fields=["account", "-taken_at", "-id"], name="message_account_taken_id"),
            models.Index(
                fields=["account", "-taken_at", "-id"],
                condition=models.Q(urgent=True),
                name="message_account_urgent",
            ),
            # The live inbox's poll: "anything newer than id N in this account?"
            models.Index(fields=["account", "-id"], name="message_account_newest"),
            # The home page's urgent messages still waiting for an acknowledgement.
            models.Index(
                fields=["account", "-taken_at"],
                condition=models.Q(urgent=True, acknowledged_at__isnull=True),
                name="message_urgent_unacknowledged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.subject}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [self.external_id, self.subject, self.caller_name, self.caller_number]
        parts += [str(field.get("value", "")) for field in self.fields or []]
        return normalise(" ".join(p for p in parts if p))


class MessageEvent(models.Model):
    """One step of a message's dispatch history. Added, never changed or removed."""

    class Kind(models.TextChoices):
        TAKEN = "taken", _("Taken")
        DISPATCHED = "dispatched", _("Dispatched")
        EMAIL_INITIATED = "email_initiated", _("E-mail initiated")
        EMAIL_COMPLETED = "email_completed", _("E-mail completed")
        SMS_SENT = "sms_sent", _("SMS sent")
        FAX_SENT = "fax_sent", _("Fax sent")
        PAGE_SENT = "page_sent", _("Page sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        READ = "read", _("Read")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="events", verbose_name=_("message")
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("target"), max_length=254, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    # sha256 of (at, kind, target, detail): an event equal to a stored one is never added twice.
    fingerprint = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("dispatch event")
        verbose_name_plural = _("dispatch history")
        constraints = [
            models.UniqueConstraint(fields=["message", "fingerprint"], name="message_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.target}"

    def save(self, *args, **kwargs):
        self.fingerprint = self.make_fingerprint(self.at, self.kind, self.target, self.detail)
        super().save(*args, **kwargs)

    @staticmethod
    def make_fingerprint(at: datetime, kind: str, target: str, detail: str) -> str:
        key = "\x1f".join([at.astimezone(UTC).isoformat(), kind, target, detail])
        return hashlib.sha256(key.encode()).hexdigest()


class MessageRead(models.Model):
    """That a user has opened a message (per user: a colleague's reading does not count)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="message_read_once")
        ]
        # "Unread only" and its count: the user's read marks, read from the index alone.
        indexes = [models.Index(fields=["user", "message"], name="message_read_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.message_id}"
