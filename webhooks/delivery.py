"""Sending the outbox: signing, the 10-second POST, retries with back-off, the sweeper.

The promise (docs/api.md, "Webhooks"): every event is delivered at least once to every
endpoint that takes its type, with the same `id` each time; events of one account reach
an endpoint in the order they happened, except that an event waiting for a retry does
not hold back the ones after it. Any answer but 2xx, or none within 10 seconds, is a
failure, retried after about 1 min, 5 min, 30 min, 2 h, 6 h, then every 6 h; once the
next try would fall more than 3 days after the first, the delivery is marked failed
(staff can resend it from the admin).

How a worker sends (`send_pending`, run by the `deliver` task for one endpoint and one
account): it takes the OLDEST pending delivery that is due, claims it for LEASE (a row
lock held only for that instant), posts it, records the attempt, and moves on to the
next. If the oldest due one is claimed by another worker, it stops: that worker sends
the rest, in order. A worker killed mid-delivery leaves its claim to expire;
`requeue_overdue` (run every few minutes by the scheduler) then wakes a worker for
every overdue delivery, so nothing is lost; the receiver may see that event twice and
deduplicates by its id.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.retention import delete_in_batches
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.outbox import instant
from webhooks.signing import HEADER, header_value

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# The waits after the 1st, 2nd, ... failure in a row; the last one repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
GIVE_UP_AFTER = timedelta(days=3)
# How long a worker may hold a delivery it is sending (well over the timeout).
LEASE = timedelta(seconds=60)
# A due delivery left this long without a worker is re-enqueued by the sweeper.
OVERDUE_AFTER = timedelta(minutes=2)
# One task sends at most this many before handing over to a fresh task.
BATCH = 100
# How much of a receiver's answer is kept with the attempt.
ANSWER_EXCERPT = 500


def delay_after(failures: int) -> timedelta:
    return BACKOFF[min(failures, len(BACKOFF)) - 1]


def body_of(event: Event) -> bytes:
    """The JSON POSTed for an event: the same bytes on every attempt."""
    document = {
        "id": str(event.uuid),
        "type": event.type,
        "created_at": instant(event.created_at, event.account.tzinfo),
        "account": str(event.account.number),
        "data": event.data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer but 2xx: a failure, never followed (nor re-signed)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """POST once; (status or None, start of the answer, error)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, _excerpt(response), ""
    except urllib.error.HTTPError as error:
        return error.code, _excerpt(error), f"HTTP {error.code}"
    except Exception as error:  # no answer: refused, timed out, bad TLS, bad URL...
        reason = getattr(error, "reason", None) or error
        return None, "", f"{type(error).__name__}: {reason}"[:1000]


def _excerpt(response) -> str:
    try:
        return response.read(ANSWER_EXCERPT).decode("utf-8", "replace")
    except Exception:
        return ""


def claim_next(endpoint: Endpoint, account_id: int, now: datetime) -> Delivery | None:
    """The oldest pending delivery that is due, claimed; None when there is none or when
    another worker is sending it (that one goes on with the rest, in order)."""
    with transaction.atomic():
        head = (
            Delivery.objects.select_for_update()
            .filter(
                endpoint=endpoint,
                account_id=account_id,
                status=Delivery.Status.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("event_id")
            .first()
        )
        if head is None or (head.claimed_until is not None and head.claimed_until > now):
            return None
        head.claimed_until = now + LEASE
        head.save(update_fields=["claimed_until"])
        return head


def attempt(delivery: Delivery, endpoint: Endpoint) -> Attempt:
    """POST the delivery's event once and record what happened."""
    event = Event.objects.select_related("account").get(pk=delivery.event_id)
    body = body_of(event)
    now = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "answering-portal-webhooks/1",
        HEADER: header_value(endpoint.secret, int(now.timestamp()), body),
    }
    started = time.monotonic()
    status, answer, error = post(endpoint.url, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    return record(delivery, now, status, duration_ms, error, answer)


def record(
    delivery: Delivery,
    at: datetime,
    status: int | None,
    duration_ms: int,
    error: str,
    answer: str,
) -> Attempt:
    """Store the attempt and decide what comes next: done, a retry, or failed."""
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        done = Attempt.objects.create(
            delivery=row,
            account_id=row.account_id,
            at=at,
            status_code=status,
            duration_ms=duration_ms,
            error=error,
            response=answer,
        )
        row.attempt_count += 1
        row.claimed_until = None
        if done.succeeded:
            row.status = Delivery.Status.DELIVERED
            row.delivered_at = at
            row.next_attempt_at = None
        else:
            row.failures += 1
            retry_at = at + delay_after(row.failures)
            if retry_at > row.retry_from + GIVE_UP_AFTER:
                row.status = Delivery.Status.FAILED
                row.next_attempt_at = None
            else:
                row.next_attempt_at = retry_at
                pair = (row.endpoint_id, row.account_id)
                transaction.on_commit(lambda: enqueue(*pair, run_after=retry_at))
        row.save(
            update_fields=[
                "attempt_count",
                "claimed_until",
                "status",
                "delivered_at",
                "next_attempt_at",
                "failures",
            ]
        )
    return done


def send_pending(endpoint_id: int, account_id: int) -> int:
    """Send this endpoint the account's due deliveries, oldest first; how many were tried."""
    endpoint = Endpoint.objects.active().filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0
    tried = 0
    while tried < BATCH:
        delivery = claim_next(endpoint, account_id, timezone.now())
        if delivery is None:
            return tried
        attempt(delivery, endpoint)
        tried += 1
    enqueue(endpoint_id, account_id)  # more may be due: a fresh task goes on
    return tried


def enqueue(endpoint_id: int, account_id: int, run_after: datetime | None = None) -> None:
    from webhooks.tasks import deliver

    task = deliver.using(run_after=run_after) if run_after else deliver
    try:
        task.enqueue(endpoint_id, account_id)
    except Exception:
        logger.exception("Could not enqueue webhook delivery %s/%s", endpoint_id, account_id)


def requeue_overdue(now: datetime | None = None) -> int:
    """Wake a worker for every endpoint and account with a delivery overdue and unclaimed.

    The safety net for a task that was lost: its worker was killed mid-delivery, or the
    wake-up after the commit never got enqueued. Safe to run at any time and as often as
    wanted (every minute suits); returns how many tasks were enqueued.
    """
    now = now or timezone.now()
    pairs = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now - OVERDUE_AFTER,
            endpoint__active=True,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .values_list("endpoint_id", "account_id")
        .distinct()
        .order_by()
    )
    count = 0
    for endpoint_id, account_id in pairs:
        enqueue(endpoint_id, account_id)
        count += 1
    return count


def resend(deliveries) -> int:
    """Staff's "resend": start the retries over, now, for these deliveries (any status)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(deliveries.select_for_update())
        for row in rows:
            row.status = Delivery.Status.PENDING
            row.failures = 0
            row.retry_from = now
            row.next_attempt_at = now
            row.delivered_at = None
        Delivery.objects.bulk_update(
            rows, ["status", "failures", "retry_from", "next_attempt_at", "delivered_at"]
        )
        pairs = sorted({(row.endpoint_id, row.account_id) for row in rows})

        def enqueue_all() -> None:
            for pair in pairs:
                enqueue(*pair)

        transaction.on_commit(enqueue_all)
    return len(rows)


def purge_events(cutoff: datetime, batch_size: int) -> int:
    """Delete events (with their deliveries and attempts) created before `cutoff`."""

    def delete(pks: list[int]) -> None:
        Attempt.objects.filter(delivery__event_id__in=pks).delete()
        Delivery.objects.filter(event_id__in=pks).delete()
        Event.objects.filter(pk__in=pks).delete()

    return delete_in_batches(
        Event.objects.filter(created_at__lt=cutoff), delete, batch_size, what="webhook events"
    )
