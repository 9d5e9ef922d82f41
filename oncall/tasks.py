"""Background work of on-call: the change e-mails and the daily gap alerts (run by
`manage.py run_worker`; the scheduler enqueues the gap alerts, oncall/apps.py)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from oncall.models import ChangeNotice


def schedule_change_email(contact_id: int) -> None:
    """Queue the e-mail for a contact's pending changes, due NOTICE_DELAY after the first one.

    Called for every change: changes made within that window share one due time, and the
    first task to run sends them all (the others find nothing left to send).
    """
    from oncall.actions import NOTICE_DELAY

    first = (
        ChangeNotice.objects.filter(contact_id=contact_id, sent_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    due = (first or timezone.now()) + NOTICE_DELAY
    send_change_email.using(run_after=due).enqueue(contact_id)


@task()
def send_gap_alerts() -> int:
    """The daily gap alerts (oncall.notify.send_gap_alerts); safe to run twice, since a
    gap already sent in the last day is not sent again."""
    from oncall.notify import send_gap_alerts as send

    return send()


@task()
def send_change_email(contact_id: int) -> int:
    """E-mail a contact what changed in their time on call; safe to run twice."""
    from oncall.notify import send_pending_changes

    return send_pending_changes(contact_id)
