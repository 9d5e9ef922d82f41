"""What runs on a timetable: ONE registry, one line per job, filled by the apps.

`manage.py run_scheduler` (one process for the whole installation) reads this list and,
at each time a line's cron expression names (minute hour day month weekday, in
settings.TIME_ZONE), enqueues that task on the worker. The task does the work; it
must be safe to run twice and to skip a time, since a scheduler restart can do either.

Like the section, demo and purge registries (portal/registry.py), each app adds its own
lines in its AppConfig.ready(), so portal/ names no app; `run_scheduler --list` prints
the whole timetable. To add a job, write its task (a django.tasks task taking no
arguments, in the app's tasks.py) and register it:

    from portal.schedule import register_scheduled

    register_scheduled("oncall_gap_alerts", "oncall.tasks.send_gap_alerts", "0 7 * * *")
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    name: str  # unique; shown in the scheduler's log
    task: str  # dotted path of a django.tasks Task taking no arguments
    cron: str  # "minute hour day month weekday", local time (settings.TIME_ZONE)


SCHEDULE: list[Scheduled] = []


def register_scheduled(name: str, task: str, cron: str) -> None:
    """Add a job to the timetable (once: ready() may run again in tests)."""
    if all(entry.name != name for entry in SCHEDULE):
        SCHEDULE.append(Scheduled(name, task, cron))
