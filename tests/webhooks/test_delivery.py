"""Webhooks reach a real receiver: signed, retried on the schedule, in order, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from tests.factories import make_endpoint
from webhooks import delivery
from webhooks.models import Delivery, Event
from webhooks.outbox import emit

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0123456789abcdef"


def emit_now(account, data: dict, event_type: str = "change_request.created") -> Event:
    with transaction.atomic():
        return emit(account, event_type, data)


def test_it_answers_500_twice_then_200_and_the_event_arrives_three_times_on_schedule(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, "change_request.created", secret=SECRET)
    receiver.answers = [500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        event = emit_now(account, {"id": 7, "subject": "directory", "text": "Ajout", "by": "A"})
    start = clock.now

    run_tasks()
    assert len(receiver.received) == 1
    clock.advance(seconds=59)
    run_tasks()
    assert len(receiver.received) == 1  # not before its minute
    clock.advance(seconds=1)
    run_tasks()
    assert len(receiver.received) == 2
    clock.advance(minutes=4, seconds=59)
    run_tasks()
    assert len(receiver.received) == 2
    clock.advance(seconds=1)
    run_tasks()

    arrivals = receiver.wait_for(3)
    assert len(arrivals) == 3
    assert [a.timestamp - int(start.timestamp()) for a in arrivals] == [0, 60, 360]
    assert {a.json["id"] for a in arrivals} == {str(event.uuid)}
    assert all(a.signed_with(SECRET) for a in arrivals)
    assert arrivals[0].body == arrivals[2].body
    assert arrivals[0].json == {
        "id": str(event.uuid),
        "type": "change_request.created",
        "created_at": start.astimezone(account.tzinfo).isoformat(),
        "account": "5201",
        "data": {"id": 7, "subject": "directory", "text": "Ajout", "by": "A"},
    }
    assert arrivals[0].headers["Content-Type"] == "application/json"
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.DELIVERED and row.attempt_count == 3
    assert [a.status_code for a in row.attempts.all()] == [500, 500, 200]
    clock.advance(hours=7)
    assert run_tasks() == 0 and len(receiver.received) == 3


def test_a_signature_with_another_secret_or_another_body_does_not_verify(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    arrival = receiver.wait_for(1)[0]
    assert arrival.signed_with(SECRET)
    assert not arrival.signed_with("another-secret-0123456789")
    tampered = type(arrival)(arrival.headers, arrival.body.replace(b'"x"', b'"y"'), arrival.at)
    assert not tampered.signed_with(SECRET)
    stale = type(arrival)(arrival.headers, arrival.body, arrival.at + timedelta(minutes=6))
    assert not stale.signed_with(SECRET)


def test_it_retries_every_6_hours_for_3_days_then_marks_the_delivery_failed(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    receiver.answers = [503] * 100
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    start = clock.now
    run_tasks()
    row = Delivery.objects.get()
    while row.status == Delivery.Status.PENDING:
        clock.now = row.next_attempt_at
        run_tasks()
        row.refresh_from_db()

    waits = [a.timestamp for a in receiver.received]
    gaps = [later - earlier for earlier, later in zip(waits, waits[1:], strict=False)]
    assert gaps[:5] == [60, 300, 1800, 7200, 21600]
    assert set(gaps[5:]) == {21600}
    assert row.status == Delivery.Status.FAILED and row.next_attempt_at is None
    assert row.attempt_count == len(receiver.received) == 16
    assert clock.now - start <= timedelta(days=3)
    assert {a.json["id"] for a in receiver.received} == {str(row.event.uuid)}


def test_no_answer_within_the_timeout_is_a_failure_retried_later(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.5)
    make_endpoint(receiver.url, secret=SECRET)
    held = receiver.hold_next()
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    held.set()

    row = Delivery.objects.get()
    attempt = row.attempts.get()
    assert attempt.status_code is None and "timed out" in attempt.error.lower()
    assert row.status == Delivery.Status.PENDING
    assert row.next_attempt_at == clock.now + timedelta(minutes=1)


def test_an_unreachable_endpoint_is_recorded_as_an_error(
    account, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint("http://127.0.0.1:9/nothing-listens-here", secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    attempt = Delivery.objects.get().attempts.get()
    assert attempt.status_code is None and attempt.error


def test_a_redirect_is_a_failure_and_is_not_followed(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    receiver.answers = [302]
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    row = Delivery.objects.get()
    assert [a.status_code for a in row.attempts.all()] == [302]
    assert row.status == Delivery.Status.PENDING and len(receiver.received) == 1


def test_events_of_an_account_arrive_in_the_order_they_happened(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(1, 6):
            emit_now(account, {"id": number, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    assert [a.json["data"]["id"] for a in receiver.wait_for(5)] == [1, 2, 3, 4, 5]


def test_an_event_waiting_for_its_retry_does_not_hold_back_the_next_ones(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
        emit_now(account, {"id": 2, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    clock.advance(minutes=1)
    run_tasks()
    assert [a.json["data"]["id"] for a in receiver.wait_for(3)] == [1, 2, 1]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_only_active_endpoints_taking_the_type_get_the_event(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, "message.acknowledged", secret=SECRET)
    make_endpoint(receiver.url + "/off", "change_request.created", active=False)
    wanted = make_endpoint(receiver.url + "/requests", "change_request.created")
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [wanted.pk]
    assert [a.headers["Host"] for a in receiver.wait_for(1)] and len(receiver.received) == 1


def test_an_event_is_stored_even_when_no_endpoint_takes_it(account):
    event = emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    assert Event.objects.get() == event and not Delivery.objects.exists()


def test_a_change_rolled_back_leaves_no_event_and_sends_nothing(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        emit(account, "change_request.created", {"id": 1})
        1 / 0  # noqa: B018
    run_tasks()
    assert not Event.objects.exists() and receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused(account):
    with pytest.raises(RuntimeError):
        emit(account, "change_request.created", {"id": 1})
    assert not Event.objects.exists()


def test_an_unknown_event_type_is_refused(account):
    with pytest.raises(ValueError), transaction.atomic():
        emit(account, "message.deleted", {})


def test_the_sweeper_wakes_a_worker_only_for_overdue_unclaimed_deliveries(
    account, receiver, clock, run_tasks
):
    make_endpoint(receiver.url, secret=SECRET)
    # No on-commit capture: the wake-up is lost, as when the process dies after COMMIT.
    emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    assert run_tasks() == 0
    assert delivery.requeue_overdue() == 0  # not overdue yet
    clock.advance(minutes=2)
    assert delivery.requeue_overdue() == 1
    run_tasks()
    assert len(receiver.wait_for(1)) == 1
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    clock.advance(hours=1)
    assert delivery.requeue_overdue() == 0


def test_purge_removes_old_events_with_their_deliveries_and_attempts(
    account, receiver, clock, run_tasks, django_capture_on_commit_callbacks
):
    make_endpoint(receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        emit_now(account, {"id": 1, "subject": "directory", "text": "x", "by": None})
    run_tasks()
    clock.advance(days=61)
    with django_capture_on_commit_callbacks(execute=True):
        kept = emit_now(account, {"id": 2, "subject": "directory", "text": "x", "by": None})
    assert delivery.purge_events(clock.now - timedelta(days=60), batch_size=1) == 1
    assert list(Event.objects.all()) == [kept]
    assert Delivery.objects.get().event == kept
