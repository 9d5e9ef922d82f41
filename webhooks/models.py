"""The way back to the platform: its endpoints, the outbox of events, and every attempt.

An `Event` is written in the same transaction as the change it tells of (outbox.emit),
with one `Delivery` per endpoint that takes its type; the worker sends each delivery
(delivery.py) and records every try as an `Attempt`. See docs/api.md, "Webhooks".
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account

# A signing secret shorter than this is refused (admin and webhook_endpoint).
MIN_SECRET_LENGTH = 16


class EventType(models.TextChoices):
    MESSAGE_ACKNOWLEDGED = "message.acknowledged", _("message acknowledged")
    ONCALL_CHANGED = "oncall.changed", _("on-call changed")
    CHANGE_REQUEST_CREATED = "change_request.created", _("change request created")


class EndpointQuerySet(models.QuerySet):
    def active(self) -> EndpointQuerySet:
        return self.filter(active=True)

    def taking(self, event_type: str) -> list[Endpoint]:
        # A handful of rows at most: filtered here rather than with a JSON lookup, so
        # SQLite (the demo) and PostgreSQL behave the same.
        return [endpoint for endpoint in self.active() if event_type in endpoint.events]


class Endpoint(models.Model):
    """A URL of the platform that receives events, signed with a secret it shares."""

    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(
        _("events"), default=list, help_text=_("The event types sent to this URL.")
    )
    # Sent with every event as an HMAC key, so it is kept as given (not hashed).
    secret = models.CharField(_("secret"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"#{self.pk} {self.url}"


class Event(models.Model):
    """One fact the platform must learn of; its `uuid` is the id every retry carries."""

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    type = models.CharField(_("type"), max_length=32, choices=EventType.choices)
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.uuid}"


class Delivery(models.Model):
    """One event to one endpoint: pending until a 2xx answer, failed after 3 days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    # The event's account, here too: deliveries are sent in order per endpoint and account.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    # Failures since `retry_from`: what the next delay is picked by.
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    # When the current run of retries began (creation, or the last "resend" by staff).
    retry_from = models.DateTimeField(_("retries since"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Set while a worker sends it; a worker killed mid-delivery leaves it to expire.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["event_id", "endpoint_id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [
            # The worker's "oldest pending one of this endpoint and account".
            models.Index(
                fields=["endpoint", "account", "event"],
                condition=Q(status="pending"),
                name="delivery_pending_in_order",
            ),
            # The sweeper's "pending and overdue".
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class Attempt(models.Model):
    """One POST of a delivery: what came back (or what went wrong) and how long it took."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"))
    error = models.TextField(_("error"), blank=True)
    # The start of the answer's body, for a receiver's own error message.
    response = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
