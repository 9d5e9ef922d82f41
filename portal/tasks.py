"""The portal's own scheduled task: the daily purge (portal/schedule.py enqueues it)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from portal.integrity import log_unshown
from portal.registry import purgers

logger = logging.getLogger("portal.tasks")


def purge(days: int | None = None, batch_size: int = 500) -> dict[str, int]:
    """Delete what every section registered as older than `days` (RETENTION_DAYS).

    Each section deletes in small batches, each its own short transaction, so the
    portal keeps serving; running it twice, or after a missed day, is harmless.
    """
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_DAYS if days is None else days)
    removed = {}
    for name, function in purgers:
        # One section's failure never stops the others' retention.
        try:
            removed[name] = function(cutoff, batch_size)
        except Exception:
            logger.exception("Purging %s failed; the other purges carry on.", name)
            removed[name] = 0
    logger.info("Purged what is older than %s: %s", cutoff.isoformat(), removed)
    # What the pages skip (instants outside the range, stored before the intake rules).
    log_unshown()
    return removed


@task()
def purge_expired() -> dict[str, int]:
    return purge()
