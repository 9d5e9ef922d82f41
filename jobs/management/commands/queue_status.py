"""How the background work is doing: the worker's queue, export jobs, queued e-mail.

    python manage.py queue_status [--max-wait SECONDS]

Prints one line per figure; exits 1 when a task has been due for longer than
--max-wait seconds (the workers are not keeping up, or none is running), so it can
serve as a health check or a monitoring probe (docs/operations.md, "Monitor").
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs.models import ExportJob, QueuedEmail


class Command(BaseCommand):
    help = "Show the background queue; exit 1 if a due task waited over --max-wait seconds."

    def add_arguments(self, parser):
        parser.add_argument("--max-wait", type=int, default=None, metavar="SECONDS")

    def handle(self, *args, max_wait: int | None, **options):
        now = timezone.now()
        due = DBTaskResult.objects.ready()
        # A task is due from when it was enqueued, or from its run_after (a retry).
        waiting_since = due.annotate(
            due_at=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=Greatest("enqueued_at", "run_after"),
            )
        ).aggregate(at=Min("due_at"))["at"]
        waited = int((now - waiting_since).total_seconds()) if waiting_since else 0
        day_ago = now - timedelta(days=1)
        figures = {
            "tasks due": due.count(),
            "longest wait (s)": max(waited, 0),
            "tasks running": DBTaskResult.objects.running().count(),
            "retries scheduled": DBTaskResult.objects.filter(
                status="READY", run_after__gt=now
            ).count(),
            "tasks failed (24 h)": DBTaskResult.objects.failed()
            .filter(finished_at__gte=day_ago)
            .exclude(exception_class_path="portal.retry.RetryScheduled")
            .count(),
            "exports waiting or running": ExportJob.objects.filter(
                status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
            ).count(),
            "e-mails queued": QueuedEmail.objects.filter(failed_at__isnull=True).count(),
            "e-mails given up": QueuedEmail.objects.filter(failed_at__isnull=False).count(),
        }
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value}")
        if max_wait is not None and waited > max_wait:
            raise CommandError(f"A task has been due for {waited} s (more than {max_wait} s).")
