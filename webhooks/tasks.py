"""Background work of the webhooks (run by `manage.py run_worker`)."""

from __future__ import annotations

from django.tasks import task

from webhooks import delivery


@task()
def deliver(endpoint_id: int, account_id: int) -> int:
    """Send an endpoint the account's due events, oldest first (safe to run twice)."""
    return delivery.send_pending(endpoint_id, account_id)


@task()
def requeue_overdue() -> int:
    """The sweeper; the scheduler enqueues it every minute (webhooks/apps.py)."""
    return delivery.requeue_overdue()
