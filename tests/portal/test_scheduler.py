"""The scheduler (manage.py run_scheduler) and its one registry (portal/schedule.py),
filled by the apps."""

import io
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from portal.management.commands.run_scheduler import LOCK_KEY, build_scheduler, enqueue, resolve
from portal.schedule import SCHEDULE, Scheduled, register_scheduled

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_scheduled_job_names_a_task_and_a_valid_time():
    names = [entry.name for entry in SCHEDULE]
    assert len(names) == len(set(names))
    for entry in SCHEDULE:
        task, trigger = resolve(entry)
        assert task.module_path == entry.task


def test_the_apps_register_their_jobs_at_their_times():
    assert {(entry.name, entry.task, entry.cron) for entry in SCHEDULE} == {
        ("purge_expired", "portal.tasks.purge_expired", "30 3 * * *"),
        ("delete_expired_exports", "jobs.tasks.delete_expired_exports", "*/15 * * * *"),
        ("oncall_gap_alerts", "oncall.tasks.send_gap_alerts", "0 7 * * *"),
        ("webhooks_requeue_overdue", "webhooks.tasks.requeue_overdue", "* * * * *"),
        ("prune_task_results", "jobs.tasks.prune_task_results", "15 4 * * *"),
    }


def test_the_daily_prune_deletes_only_old_finished_task_results(run_tasks, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASK_RESULTS_KEPT_DAYS = 14
    for _ in range(3):
        enqueue("purge_expired", "portal.tasks.purge_expired")
    run_tasks()
    old, recent, _third = DBTaskResult.objects.order_by("enqueued_at")
    long_ago = timezone.now() - timedelta(days=15)
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=long_ago)
    DBTaskResult.objects.filter(pk=_third.pk).update(
        status="RUNNING",
        finished_at=None,
        enqueued_at=long_ago,  # still running: kept
    )

    enqueue("prune_task_results", "jobs.tasks.prune_task_results")
    run_tasks(limit=1)

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old.pk not in left and {recent.pk, _third.pk} <= left


def test_registering_a_job_twice_keeps_one():
    before = list(SCHEDULE)
    register_scheduled("purge_expired", "portal.tasks.purge_expired", "0 1 * * *")
    assert before == SCHEDULE


def test_the_daily_purge_runs_every_registered_purger(run_tasks):
    enqueue("purge_expired", "portal.tasks.purge_expired")
    run_tasks()
    removed = DBTaskResult.objects.get().return_value
    assert {"messages", "calls", "webhook events", "access log", "ended sessions"} <= set(removed)


def test_the_webhook_sweeper_runs_on_the_worker(run_tasks):
    enqueue("webhooks_requeue_overdue", "webhooks.tasks.requeue_overdue")
    assert run_tasks() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_wrong_entry_is_refused_with_its_name():
    with pytest.raises(CommandError, match="nightly: cannot import"):
        resolve(Scheduled("nightly", "portal.tasks.no_such_task", "0 3 * * *"))
    with pytest.raises(CommandError, match="nightly: .* is not a django.tasks task"):
        resolve(Scheduled("nightly", "portal.tasks.purge", "0 3 * * *"))
    with pytest.raises(CommandError, match="nightly: bad cron expression"):
        resolve(Scheduled("nightly", "portal.tasks.purge_expired", "every night"))


def test_the_scheduler_holds_one_job_per_entry_at_its_local_time():
    scheduler = build_scheduler(
        [Scheduled("purge_expired", "portal.tasks.purge_expired", "30 3 * * *")]
    )
    (job,) = scheduler.get_jobs()
    assert job.id == "purge_expired" and job.args == ("purge_expired", "portal.tasks.purge_expired")
    assert str(job.trigger.timezone) == "America/Toronto"
    assert "hour='3'" in str(job.trigger) and "minute='30'" in str(job.trigger)


def test_at_its_time_a_job_is_only_enqueued_for_the_worker(run_tasks):
    task_id = enqueue("purge_expired", "portal.tasks.purge_expired")
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == task_id and queued.status == "READY"
    assert queued.task_path == "portal.tasks.purge_expired"
    run_tasks()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and "messages" in queued.return_value


def test_run_now_and_list():
    out = io.StringIO()
    call_command("run_scheduler", "--run-now", "delete_expired_exports", stdout=out)
    assert "delete_expired_exports: enqueued as task" in out.getvalue()
    assert DBTaskResult.objects.get().task_path == "jobs.tasks.delete_expired_exports"
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "purge_expired\t30 3 * * *\tportal.tasks.purge_expired\tnext " in out.getvalue()
    with pytest.raises(CommandError, match="No scheduled job 'nope'"):
        call_command("run_scheduler", "--run-now", "nope")


def read_lines(process) -> tuple[queue.Queue, threading.Thread]:
    """The process's output, line by line, read by a thread (joined once it ends)."""
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in iter(process.stdout.readline, ""):
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    return lines, reader


def wait_for(lines: queue.Queue, text: str, seconds: float = 60) -> str:
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"{text!r} not seen in:\n{''.join(seen)}")


def test_a_second_scheduler_waits_as_a_stand_by_and_sigterm_stops_it(process_env):
    holder = psycopg.connect(
        process_env["DATABASE_URL"].replace("postgres://", "postgresql://", 1), autocommit=True
    )
    holder.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler", "--standby-poll", "0.2"],
        cwd=ROOT,
        env=process_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines, reader = read_lines(process)
    try:
        wait_for(lines, "Another scheduler is running: waiting as a stand-by")
        holder.close()  # the first scheduler stops: the stand-by takes over
        wait_for(lines, "Scheduler started")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        wait_for(lines, "Scheduler stopped", seconds=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        process.stdout.close()
        holder.close()
