"""portal.retry: a task that fails is enqueued again later, with exponential back-off."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.retry import backoff_delay, task_with_retries

pytestmark = pytest.mark.django_db

# What the test tasks below saw and must do, per test (module level: the worker
# imports the tasks by their dotted path).
calls: list[tuple] = []
failures: dict[str, int] = {}
gave_up: list[tuple] = []


def _note_give_up(error, key, **kwargs):
    gave_up.append((key, type(error).__name__))


@task_with_retries(
    attempts=3,
    backoff=timedelta(seconds=10),
    max_backoff=timedelta(seconds=15),
    retry_on=(ConnectionError,),
    on_give_up=_note_give_up,
)
def flaky(key: str, *, note: str = "") -> str:
    calls.append((key, note))
    if failures.get(key, 0) > 0:
        failures[key] -= 1
        raise ConnectionError(f"{key} is down")
    if key == "broken":
        raise ValueError("a bug, not a hiccup")
    return f"done {key}"


@task_with_retries(attempts=2, retry_on=lambda error: "temporary" in str(error))
def picky(message: str) -> None:
    raise RuntimeError(message)


@pytest.fixture(autouse=True)
def _fresh():
    calls.clear()
    failures.clear()
    gave_up.clear()


def results():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_failed_attempt_is_enqueued_again_later_and_then_succeeds(run_tasks):
    failures["mail"] = 1
    flaky.enqueue("mail", note="hello")
    before = timezone.now()
    assert run_tasks() == 1  # the retry is not due yet
    first, retry = results()
    assert first.status == "FAILED"
    assert first.exception_class_path == "portal.retry.RetryScheduled"
    assert "ConnectionError" in first.traceback and "attempt 2" in first.traceback
    assert retry.status == "READY"
    assert retry.args_kwargs == {"args": ["mail"], "kwargs": {"note": "hello", "_attempt": 2}}
    wait = (retry.run_after - before).total_seconds()
    assert 10 <= wait <= 11 + 1  # 10 s, plus at most 10 % spread
    make_due()
    assert run_tasks() == 1
    assert results()[1].status == "SUCCESSFUL" and results()[1].return_value == "done mail"
    assert calls == [("mail", "hello"), ("mail", "hello")]  # the task never sees _attempt


def test_the_wait_doubles_up_to_the_cap(run_tasks):
    failures["x"] = 2
    flaky.enqueue("x")
    run_tasks()
    make_due()
    before = timezone.now()
    run_tasks()
    third = results()[-1]
    assert third.args_kwargs["kwargs"] == {"_attempt": 3}
    # 10 s doubled is 20 s, capped at 15 s (plus spread).
    assert 15 <= (third.run_after - before).total_seconds() <= 16.5 + 1


def test_after_the_last_attempt_it_gives_up_with_the_original_error(run_tasks):
    failures["dead"] = 10
    flaky.enqueue("dead")
    for _ in range(3):
        make_due()
        run_tasks()
    statuses = [(r.status, r.exception_class_path) for r in results()]
    assert statuses == [
        ("FAILED", "portal.retry.RetryScheduled"),
        ("FAILED", "portal.retry.RetryScheduled"),
        ("FAILED", "builtins.ConnectionError"),
    ]
    assert gave_up == [("dead", "ConnectionError")]
    assert len(calls) == 3


def test_an_error_it_is_not_told_to_retry_gives_up_at_once(run_tasks):
    flaky.enqueue("broken")
    run_tasks()
    (only,) = results()
    assert only.status == "FAILED" and only.exception_class_path == "builtins.ValueError"
    assert gave_up == [("broken", "ValueError")]


def test_a_predicate_can_choose_what_to_retry(run_tasks):
    picky.enqueue("temporary glitch")
    picky.enqueue("permanent refusal")
    run_tasks()
    by_message = {r.args_kwargs["args"][0]: r for r in results() if r.status == "FAILED"}
    assert by_message["temporary glitch"].exception_class_path == "portal.retry.RetryScheduled"
    assert by_message["permanent refusal"].exception_class_path == "builtins.RuntimeError"
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_backoff_delay_doubles_from_the_base_and_stops_at_the_cap():
    base, cap = timedelta(seconds=30), timedelta(hours=1)
    plain = [backoff_delay(n, base, cap, spread=0).total_seconds() for n in range(1, 10)]
    assert plain == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    spread = [backoff_delay(1, base, cap).total_seconds() for _ in range(50)]
    assert all(30 <= value <= 33 for value in spread) and len(set(spread)) > 1


def test_attempts_must_be_at_least_one():
    with pytest.raises(ValueError, match="at least 1"):
        task_with_retries(attempts=0)


def test_an_attempt_that_will_be_retried_is_logged_as_a_warning(run_tasks, caplog):
    failures["logged"] = 1
    flaky.enqueue("logged")
    with caplog.at_level("INFO", logger="django.tasks"):
        run_tasks()
    (finished,) = [r for r in caplog.records if r.name == "django.tasks" and "FAILED" in r.message]
    assert finished.levelname == "WARNING" and finished.exc_info is None
    assert finished.getMessage().endswith("(will be retried)")
    make_due()
    failures["logged"] = 0
    failures["dead2"] = 5
    caplog.clear()
    flaky.enqueue("broken")
    with caplog.at_level("INFO", logger="django.tasks"):
        run_tasks()
    errors = [r for r in caplog.records if r.name == "django.tasks" and r.levelname == "ERROR"]
    assert len(errors) == 1 and errors[0].exc_info  # a real failure stays an error
