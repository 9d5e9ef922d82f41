"""Gap alerts: one e-mail per account to its managers listing the shifts not fully covered in
the next 7 days, never the same gap twice within 24 hours, nothing when all is covered."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from oncall import actions
from oncall.models import GapAlert, Schedule
from oncall.notify import send_gap_alerts
from tests.factories import future_day, make_contact, make_shift, make_user

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def run_command() -> str:
    out = io.StringIO()
    call_command("oncall_gap_alerts", stdout=out)
    return out.getvalue()


def test_command_emails_the_managers_one_list_with_links(schedule, account, ann, alice, bob):
    second_manager = make_user("maria", (account, "manager"))
    covered = make_shift(schedule, future_day(1), hours=24)
    actions.assign(covered, 1, ann, alice, notify=False)
    empty = make_shift(schedule, covered.ends_at, hours=24)
    partial = make_shift(schedule, empty.ends_at, hours=24, ranks=2)
    actions.assign(partial, 1, ann, alice, notify=False)
    make_shift(schedule, timezone.now() + timedelta(days=9), hours=24)  # beyond 7 days
    assert "1 e-mail" in run_command()
    (sent,) = mail.outbox
    assert sorted(sent.to) == sorted([alice.email, second_manager.email])
    assert bob.email not in sent.to
    assert "2 quarts" in sent.subject  # the account writes in French
    assert f"http://localhost:8000/a/{account.number}/oncall/{schedule.pk}/shifts/{empty.pk}/" in (
        sent.body
    )
    assert f"/shifts/{partial.pk}/" in sent.body and f"/shifts/{covered.pk}/" not in sent.body
    assert "rang 2" in sent.body and GapAlert.objects.count() == 2


def test_the_same_gap_is_not_sent_twice_within_a_day(schedule, alice):
    make_shift(schedule, future_day(2), hours=24)
    assert send_gap_alerts() == 1
    assert send_gap_alerts() == 0
    assert send_gap_alerts(timezone.now() + timedelta(hours=23)) == 0
    assert send_gap_alerts(timezone.now() + timedelta(hours=25)) == 1
    assert len(mail.outbox) == 2


def test_a_new_gap_is_sent_the_same_day_with_only_the_new_one(schedule, account, ann, alice):
    first = make_shift(schedule, future_day(2), hours=24)
    assert send_gap_alerts() == 1
    second = make_shift(schedule, first.ends_at, hours=24)
    assert send_gap_alerts() == 1
    latest = mail.outbox[-1].body
    assert f"/shifts/{second.pk}/" in latest and f"/shifts/{first.pk}/" not in latest


def test_nothing_is_sent_when_everything_is_covered(schedule, ann, alice):
    shift = make_shift(schedule, future_day(2), hours=24)
    actions.assign(shift, 1, ann, alice, notify=False)
    assert "0 e-mail" in run_command()
    assert mail.outbox == [] and not GapAlert.objects.exists()


def test_each_account_gets_its_own_email_in_its_language(schedule, other_account, alice, dave):
    make_shift(schedule, future_day(2), hours=24)
    theirs = Schedule.objects.create(account=other_account, external_id="h", name="Heating")
    make_shift(theirs, future_day(3), hours=24)
    assert send_gap_alerts() == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "not fully covered" in by_to[dave.email].subject
    assert "Heating" in by_to[dave.email].body and "Urgences" not in by_to[dave.email].body
    assert "Urgences" in by_to[alice.email].body and "Heating" not in by_to[alice.email].body


def test_an_account_without_managers_is_skipped_without_failing(account, schedule):
    make_shift(schedule, future_day(2), hours=24)
    assert send_gap_alerts() == 0 and mail.outbox == []


def test_a_gap_only_partly_in_the_next_seven_days_lists_that_part(schedule, ann, alice):
    shift = make_shift(schedule, timezone.now() + timedelta(days=6), hours=48)
    actions.override(shift, 1, ann, shift.starts_at, shift.starts_at + 2 * H, alice, notify=False)
    assert send_gap_alerts() == 1
    assert "rang 1" in mail.outbox[0].body


@pytest.fixture
def ann(account):
    return make_contact(account, "Ann Base")


def test_the_daily_job_finds_the_gaps_and_the_worker_sends_them_through_the_queue(
    schedule, alice, queued_mail, run_tasks
):
    from django_tasks_db.models import DBTaskResult

    empty = make_shift(schedule, future_day(2), hours=24)
    call_command("run_scheduler", "--run-now", "oncall_gap_alerts", stdout=io.StringIO())
    assert mail.outbox == []  # the scheduler only enqueues
    assert run_tasks() == 2  # the gap alerts (queueing the e-mail), then its delivery
    (sent,) = mail.outbox
    assert sent.to == [alice.email] and f"/shifts/{empty.pk}/" in sent.body
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
        "oncall.tasks.send_gap_alerts",
        "jobs.tasks.deliver_email",
    }
    assert GapAlert.objects.count() == 1
