"""Telling the platform: `emit(account, type, data)` inside the transaction of the change.

    with transaction.atomic():
        ...the change...
        emit(account, "oncall.changed", oncall_change_data(assignment, "assign", by))

The event row and one delivery row per endpoint taking that type are written in the
caller's transaction, so they exist exactly when the change does (nothing is lost if the
process dies right after the commit, and nothing is sent for a change rolled back).
`transaction.on_commit` only wakes the worker; should that fail, the sweeper
(delivery.requeue_overdue) sends the event a few minutes later. The bodies of each type
are in docs/api.md ("Webhooks").
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from webhooks.models import Delivery, Endpoint, Event, EventType

logger = logging.getLogger(__name__)


def emit(account: Account, event_type: str, data: dict) -> Event:
    """Write an event for the platform in the current transaction; the worker sends it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it tells of.")
    if event_type not in EventType.values:
        raise ValueError(f"Unknown event type {event_type!r}.")
    now = timezone.now()
    event = Event.objects.create(account=account, type=event_type, data=data, created_at=now)
    endpoints = Endpoint.objects.taking(event_type)
    Delivery.objects.bulk_create(
        Delivery(
            event=event,
            endpoint=endpoint,
            account=account,
            retry_from=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    if endpoints:
        pairs = [(endpoint.pk, account.pk) for endpoint in endpoints]
        transaction.on_commit(lambda: wake(pairs))
    return event


def wake(pairs: list[tuple[int, int]]) -> None:
    """Ask the worker to send what is pending for these (endpoint, account) pairs."""
    from webhooks.tasks import deliver

    for endpoint_id, account_id in pairs:
        try:
            deliver.enqueue(endpoint_id, account_id)
        except Exception:
            # The change is committed and its event is stored: the sweeper sends it.
            logger.exception("Could not enqueue webhook delivery %s/%s", endpoint_id, account_id)


def instant(moment: datetime | None, tz: tzinfo) -> str | None:
    """An ISO 8601 instant with the offset of `tz` (2026-03-22T09:25:00-04:00)."""
    return timezone.localtime(moment, tz).isoformat() if moment else None


def user_name(user) -> str | None:
    return user.display_name() if user is not None else None


def message_acknowledged_data(message) -> dict:
    return {
        "external_id": message.external_id,
        "acknowledged_at": instant(message.acknowledged_at, message.account.tzinfo),
        "acknowledged_by": message.acknowledged_by,
    }


CHANGE_REQUEST_SUBJECTS = {"directory": "directory", "info_page": "info page"}


def change_request_data(change) -> dict:
    return {
        "id": change.pk,
        "subject": CHANGE_REQUEST_SUBJECTS[change.subject],
        "text": change.text,
        "by": user_name(change.requested_by),
    }


def oncall_change_data(assignment, action: str, by) -> dict:
    """The body of `oncall.changed` for an assignment just made or ended.

    `action` is "assign" (a whole-shift assignment), "override" (a window of the shift) or
    "unassign" (the assignment ended now). starts_at/ends_at are when the change holds:
    for an assignment, from when it was made (or the shift's start) to the shift's end;
    for an override, its window; for an unassignment, from its ending to the end of what
    was removed, with `contact` null (nobody from that assignment any more).
    """
    shift = assignment.shift
    tz = shift.schedule.tzinfo
    if action == "unassign":
        starts_at = assignment.ended_at
        ends_at = assignment.end or shift.ends_at
        contact = None
    elif action == "override":
        starts_at, ends_at = assignment.start, assignment.end
        contact = assignment.contact.name
    elif action == "assign":
        starts_at = max(shift.starts_at, assignment.created_at)
        ends_at = shift.ends_at
        contact = assignment.contact.name
    else:
        raise ValueError(f"Unknown on-call action {action!r}.")
    return {
        "schedule": shift.schedule.external_id,
        "shift": shift.external_id,
        "action": action,
        "rank": assignment.rank,
        "contact": contact,
        "starts_at": instant(starts_at, tz),
        "ends_at": instant(ends_at, tz),
        "by": user_name(by),
    }
