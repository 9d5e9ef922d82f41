"""Remove messages, calls and recordings older than RETENTION_DAYS (default 60).

Each section registers what it purges (portal.registry); each deletes in small batches,
each batch its own short transaction, so the portal keeps serving while it runs.
The access log has its own retention (ACCESS_LOG_RETENTION_DAYS, registered by accounts);
invoices and payments are never purged. The scheduler enqueues the same work daily
(portal.tasks.purge_expired); this command runs it at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.tasks import purge


class Command(BaseCommand):
    help = "Delete the data older than the retention period (messages, calls, recordings)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RETENTION_DAYS)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, days, batch_size, **options):
        cutoff = timezone.now() - timedelta(days=days)
        for name, removed in purge(days, batch_size).items():
            self.stdout.write(f"{name}: {removed} removed (older than {cutoff:%Y-%m-%d %H:%M} UTC)")
