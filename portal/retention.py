"""Deleting expired rows in batches that a bad row cannot stop.

Each section's purger (portal.registry) hands `delete_in_batches` a query of the expired
rows and a function deleting a list of their primary keys (with whatever goes with them:
events, read marks, files, rollups). Each batch is one short transaction. A batch that
fails is retried row by row, each in its own transaction: a row that still fails (a
value the database or Python cannot handle) is logged and left for `manage.py
check_data`, and the purge carries on with the next rows, so one bad message never stops
retention for every account.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.db.models import QuerySet

logger = logging.getLogger("portal.retention")


def delete_in_batches(
    expired: QuerySet,
    delete: Callable[[list], object],
    batch_size: int,
    *,
    what: str,
) -> int:
    """Delete the rows of `expired` by `delete(pks)`, `batch_size` at a time; returns
    how many were deleted. Rows that cannot be deleted are skipped, with a log line."""
    removed = 0
    skipped: list = []
    while True:
        pks = list(
            expired.exclude(pk__in=skipped).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            break
        try:
            with transaction.atomic():
                delete(pks)
            removed += len(pks)
            continue
        except (DatabaseError, ValueError, OverflowError, RecursionError):
            logger.warning("Purging %s: a batch failed, retrying it row by row.", what)
        for pk in pks:
            try:
                with transaction.atomic():
                    delete([pk])
                removed += 1
            except (DatabaseError, ValueError, OverflowError, RecursionError):
                logger.exception(
                    "Purging %s: row %s cannot be deleted and is skipped: run "
                    "`manage.py check_data`.",
                    what,
                    pk,
                )
                skipped.append(pk)
    return removed
