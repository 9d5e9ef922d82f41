"""Enqueue the scheduled jobs of portal/schedule.py on the worker, at their times.

Run exactly one per installation (it only enqueues: the workers do the work). On
PostgreSQL it holds an advisory lock while it runs, so a second one started by mistake
waits as a stand-by instead of enqueuing everything twice, and takes over if the
first one stops. SIGTERM or Ctrl-C stops it at once.
"""

from __future__ import annotations

import logging
import signal
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.schedule import SCHEDULE, Scheduled

logger = logging.getLogger("portal.scheduler")

# pg_try_advisory_lock key: "portal scheduler" (any constant the project does not reuse).
LOCK_KEY = 7_301_202_611
STANDBY_POLL_SECONDS = 30


def resolve(entry: Scheduled) -> tuple[Task, CronTrigger]:
    """The entry's task and trigger; a clear error for a wrong path or expression."""
    try:
        found = import_string(entry.task)
    except ImportError as error:
        raise CommandError(f"{entry.name}: cannot import {entry.task} ({error})") from error
    if not isinstance(found, Task):
        raise CommandError(f"{entry.name}: {entry.task} is not a django.tasks task")
    try:
        trigger = CronTrigger.from_crontab(entry.cron, timezone=settings.TIME_ZONE)
    except ValueError as error:
        raise CommandError(f"{entry.name}: bad cron expression {entry.cron!r} ({error})") from error
    return found, trigger


def enqueue(name: str, path: str) -> str:
    """What the scheduler does at each time: put the task on the worker's queue."""
    result = import_string(path).enqueue()
    logger.info("Enqueued %s (%s) as task %s", name, path, result.id)
    return result.id


def _enqueue_on_time(name: str, path: str) -> None:
    # A scheduler thread's connection may have been idle for a day: check it first.
    close_old_connections()
    try:
        enqueue(name, path)
    finally:
        close_old_connections()


def build_scheduler(schedule: list[Scheduled] = SCHEDULE) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=settings.TIME_ZONE,
        # A time missed while the process was down or busy runs once when it can,
        # within an hour; several missed times run once.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for entry in schedule:
        _task, trigger = resolve(entry)
        scheduler.add_job(
            _enqueue_on_time, trigger, args=[entry.name, entry.task], id=entry.name, name=entry.name
        )
    return scheduler


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs (portal/schedule.py) at their times. Run exactly one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print each job and its next time, then exit."
        )
        parser.add_argument(
            "--run-now", metavar="NAME", help="Enqueue this job once, now, then exit."
        )
        parser.add_argument(
            "--standby-poll",
            type=float,
            default=STANDBY_POLL_SECONDS,
            help="Seconds between a stand-by's tries to take over (default: %(default)s).",
        )

    def handle(self, *args, run_now: str | None, **options):
        entries = {entry.name: entry for entry in SCHEDULE}
        if run_now:
            if run_now not in entries:
                raise CommandError(f"No scheduled job {run_now!r}; known: {', '.join(entries)}")
            resolve(entries[run_now])
            task_id = enqueue(run_now, entries[run_now].task)
            self.stdout.write(f"{run_now}: enqueued as task {task_id}")
            return
        if options["list"]:
            now = timezone.now()
            for entry in SCHEDULE:
                _task, trigger = resolve(entry)
                upcoming = trigger.get_next_fire_time(None, now)
                self.stdout.write(f"{entry.name}\t{entry.cron}\t{entry.task}\tnext {upcoming}")
            return
        self._run(build_scheduler(), options["standby_poll"])

    def _run(self, scheduler: BackgroundScheduler, standby_poll: float) -> None:
        stopping = threading.Event()
        lost_lock = threading.Event()

        def stop(signum, frame):
            logger.info("Scheduler stopping (%s)", signal.Signals(signum).name)
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        lock = self._take_lock(stopping, standby_poll)
        if stopping.is_set():
            return
        if lock is not None:

            def check_lock() -> None:
                # The lock is held by this connection: if it is lost, another
                # scheduler may now hold the lock, so this one stops.
                try:
                    lock.execute("SELECT 1")
                except Exception:
                    logger.exception("Lost the scheduler lock's connection: stopping")
                    lost_lock.set()
                    stopping.set()

            scheduler.add_job(check_lock, "interval", seconds=30, id="_scheduler_lock")
        scheduler.start()
        names = ", ".join(f"{e.name} ({e.cron})" for e in SCHEDULE)
        logger.info("Scheduler started (%s): %s", settings.TIME_ZONE, names)
        while not stopping.wait(1):
            pass
        scheduler.shutdown(wait=False)
        logger.info("Scheduler stopped")
        if lock is not None:
            lock.close()
        if lost_lock.is_set():
            raise CommandError("Lost the scheduler lock")

    def _take_lock(self, stopping: threading.Event, poll: float):
        """On PostgreSQL, a connection of its own holding the advisory lock (None
        elsewhere); waits as a stand-by while another scheduler holds it."""
        if connection.vendor != "postgresql":
            return None
        lock = connection.get_new_connection(connection.get_connection_params())
        lock.autocommit = True
        said = False
        while not stopping.is_set():
            if lock.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
                return lock
            if not said:
                logger.warning("Another scheduler is running: waiting as a stand-by")
                said = True
            stopping.wait(poll)
        lock.close()
        return None
