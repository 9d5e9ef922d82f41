"""What runs on a timetable: ONE registry, one line per job.

`manage.py run_scheduler` (one process for the whole installation) reads this list and,
at each time a line's cron expression names (minute hour day month weekday, in
settings.TIME_ZONE), enqueues that task on the worker. The task does the work; it
must be safe to run twice and to skip a day, since a scheduler restart can do either.

To add a job, write its task (a django.tasks task taking no arguments, in the app's
tasks.py) and add a line here, e.g.:

    Scheduled("oncall_gap_alerts", "oncall.tasks.gap_alerts", "0 7 * * *"),
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    name: str  # unique; shown in the scheduler's log
    task: str  # dotted path of a django.tasks Task taking no arguments
    cron: str  # "minute hour day month weekday", local time (settings.TIME_ZONE)


SCHEDULE: list[Scheduled] = [
    # Messages, calls and recordings past RETENTION_DAYS.
    Scheduled("purge_expired", "portal.tasks.purge_expired", "30 3 * * *"),
    # Export files past EXPORT_RETENTION_HOURS, interrupted jobs, left-over attachments.
    Scheduled("delete_expired_exports", "jobs.tasks.delete_expired_exports", "*/15 * * * *"),
]
