"""Change e-mails: each contact whose time on call changes gets one e-mail, in the account's
language, sent by the background worker and coalesced within 5 minutes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from oncall import actions
from oncall.models import ChangeNotice
from oncall.notify import send_pending_changes
from tests.factories import add_email, future_day, make_contact, make_shift

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def run_worker(minutes_from_now: float) -> None:
    """Run the queue as the worker would at that moment (time moved, no sleeping).

    The worker closes "old" connections between jobs; inside a test's transaction that
    would close the test's own connection, so that one step is left out here.
    """
    moment = timezone.now() + timedelta(minutes=minutes_from_now)
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        call_command("db_worker", batch=True, verbosity=0)


@pytest.fixture
def ann(account):
    contact = make_contact(account, "Ann Base")
    add_email(contact, "ann@example.com")
    return contact


@pytest.fixture
def olga(account):
    contact = make_contact(account, "Olga Override")
    add_email(contact, "olga@example.com")
    return contact


@pytest.fixture
def night_shift(schedule):
    return make_shift(schedule, future_day(5, 7, 30), hours=24)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_an_override_emails_both_people_once_after_five_minutes(night_shift, ann, olga, alice):
    actions.assign(night_shift, 1, ann, alice, now=timezone.now() - H)
    mail.outbox.clear()
    ChangeNotice.objects.all().delete()
    start = night_shift.starts_at + 12 * H  # Tuesday 19:30
    actions.override(night_shift, 1, olga, start, start + 12 * H, alice)
    run_worker(1)
    assert mail.outbox == []  # still waiting for other changes
    run_worker(6)
    (to_olga,) = mails_to("olga@example.com")
    (to_ann,) = mails_to("ann@example.com")
    assert len(mail.outbox) == 2
    # The account (5201) writes in French.
    assert "Votre garde a changé" in to_olga.subject
    assert "Vous êtes maintenant de garde" in to_olga.body and "Urgences, rang 1" in to_olga.body
    assert "Alice" in to_olga.body
    assert "Vous n’êtes plus de garde" in to_ann.body
    run_worker(30)
    assert len(mail.outbox) == 2  # safe to run again: nothing left to send


def test_changes_within_five_minutes_make_one_email(night_shift, olga, alice):
    first = actions.override(
        night_shift, 1, olga, night_shift.starts_at + H, night_shift.starts_at + 2 * H, alice
    )
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + 3 * MINUTE):
        actions.override(
            night_shift,
            1,
            olga,
            night_shift.starts_at + 5 * H,
            night_shift.starts_at + 6 * H,
            alice,
        )
    assert first.pk
    run_worker(9)
    (sent,) = mail.outbox
    assert sent.body.count("Urgences, rang 1") == 2


def test_a_change_undone_within_the_window_sends_nothing(night_shift, olga, alice):
    row = actions.override(
        night_shift, 1, olga, night_shift.starts_at + H, night_shift.starts_at + 2 * H, alice
    )
    actions.unassign(row, alice)
    run_worker(6)
    assert mail.outbox == []
    assert not ChangeNotice.objects.filter(sent_at__isnull=True).exists()


def test_the_authors_own_actions_on_themselves_send_nothing(night_shift, account, alice):
    me = make_contact(account, "Alice Herself")
    add_email(me, "ALICE@example.com")  # the author's own address, in other letters
    actions.assign(night_shift, 1, me, alice)
    run_worker(6)
    assert mail.outbox == [] and not ChangeNotice.objects.exists()


def test_a_back_dated_change_and_a_contact_without_email_send_nothing(
    schedule, account, olga, alice
):
    past = make_shift(schedule, timezone.now() - 3 * H, hours=2)
    actions.assign(past, 1, olga, alice, now=past.starts_at - H)  # recorded as made back then
    phone_only = make_contact(account, "Phone Only")
    future = make_shift(schedule, future_day(4), hours=24)
    actions.assign(future, 1, phone_only, alice)
    run_worker(6)
    assert mail.outbox == [] and not ChangeNotice.objects.exists()


def test_english_account_gets_english_email(other_account, dave):
    from oncall.models import Schedule

    schedule = Schedule.objects.create(account=other_account, external_id="x", name="Heating")
    shift = make_shift(schedule, future_day(6), hours=24)
    person = make_contact(other_account, "Pat")
    add_email(person, "pat@example.com")
    actions.assign(shift, 1, person, dave)
    run_worker(6)
    (sent,) = mail.outbox
    assert "Your time on call has changed" in sent.subject
    assert "You are now on call" in sent.body and "Heating, rank 1" in sent.body
    assert "Dave changed who is on call" in sent.body


def test_sending_twice_sends_once(night_shift, olga, alice):
    actions.assign(night_shift, 1, olga, alice)
    assert send_pending_changes(olga.pk) == 1
    assert send_pending_changes(olga.pk) == 0
    assert len(mail.outbox) == 1


def test_change_emails_go_out_through_the_mail_queue(night_shift, olga, alice, queued_mail):
    from django_tasks_db.models import DBTaskResult

    actions.override(
        night_shift, 1, olga, night_shift.starts_at + H, night_shift.starts_at + 2 * H, alice
    )
    run_worker(6)  # the change e-mail's task queues the message; the worker then sends it
    (sent,) = mails_to("olga@example.com")
    assert "Votre garde a changé" in sent.subject
    assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
        ("oncall.tasks.send_change_email", "SUCCESSFUL"),
        ("jobs.tasks.deliver_email", "SUCCESSFUL"),
    }
