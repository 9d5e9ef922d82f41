"""Retries with exponential back-off for django.tasks (which has none of its own).

Declare a task with `task_with_retries` instead of `@task`:

    from portal.retry import task_with_retries

    @task_with_retries(attempts=6, backoff=timedelta(seconds=30), retry_on=(OSError,))
    def deliver_webhook(delivery_id: int) -> None:
        ...  # re-read the row by id; return early if already delivered

When an attempt raises an error that `retry_on` accepts and attempts remain, the same
task is enqueued again with `run_after` = now + backoff x 2^(attempt-1) (capped at
`max_backoff`, with up to 10 % random spread so that many failures do not retry in
one burst), and the attempt ends with `RetryScheduled` (chained to the error), so the
task result of that attempt says FAILED with the reason and when the next one runs.
Past the last attempt, or for an error `retry_on` refuses, `on_give_up(error, *args,
**kwargs)` is called (when given) and the error is raised as is.

A retried task runs again from the start, so it must be idempotent: take ids, re-read
the rows, and skip what is already done. The attempt number travels in the reserved
keyword `_attempt`; the task function itself never sees it.
"""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger("portal.tasks")

ATTEMPT_KEYWORD = "_attempt"


class RetryScheduled(Exception):  # noqa: N818 (it is not an error of its own: a notice)
    """This attempt failed; the task was enqueued again to run later."""


def backoff_delay(attempt: int, base: timedelta, cap: timedelta, spread: float = 0.1) -> timedelta:
    """The wait before attempt `attempt + 1`: base x 2^(attempt-1), at most `cap`,
    lengthened by a random 0 to `spread` of itself."""
    seconds = min(base.total_seconds() * 2 ** (attempt - 1), cap.total_seconds())
    return timedelta(seconds=seconds * (1 + random.uniform(0, spread)))


def _accepts(retry_on, error: BaseException) -> bool:
    if isinstance(retry_on, (tuple, type)):
        return isinstance(error, retry_on)
    return bool(retry_on(error))


def task_with_retries(
    function: Callable | None = None,
    *,
    attempts: int = 5,
    backoff: timedelta = timedelta(seconds=30),
    max_backoff: timedelta = timedelta(hours=1),
    retry_on: tuple[type[BaseException], ...] | Callable[[BaseException], bool] = (Exception,),
    on_give_up: Callable[..., Any] | None = None,
    **task_options: Any,
):
    """Like `django.tasks.task`, plus retries (see the module docstring).

    `retry_on` is a tuple of exception classes, or a function(error) -> bool (e.g. to
    retry a mail server's 4xx answers and not its 5xx ones).
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    takes_context = task_options.get("takes_context", False)

    def decorate(func: Callable):
        @functools.wraps(func)
        def run_attempt(*args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT_KEYWORD, 1))
            try:
                return func(*args, **kwargs)
            except Exception as error:
                if attempt >= attempts or not _accepts(retry_on, error):
                    logger.error(
                        "%s gave up after attempt %s of %s: %r",
                        the_task.name,
                        attempt,
                        attempts,
                        error,
                    )
                    if on_give_up is not None:
                        on_give_up(error, *args[1 if takes_context else 0 :], **kwargs)
                    raise
                when = timezone.now() + backoff_delay(attempt, backoff, max_backoff)
                again = the_task.using(run_after=when).enqueue(
                    *args[1 if takes_context else 0 :], **kwargs, **{ATTEMPT_KEYWORD: attempt + 1}
                )
                logger.warning(
                    "%s attempt %s of %s failed (%r); retry %s at %s",
                    the_task.name,
                    attempt,
                    attempts,
                    error,
                    again.id,
                    when.isoformat(),
                )
                raise RetryScheduled(
                    f"Attempt {attempt} of {attempts} failed ({error!r}); "
                    f"attempt {attempt + 1} is task {again.id}, to run at {when.isoformat()}."
                ) from error

        the_task = task(**task_options)(run_attempt)
        return the_task

    if function is not None:
        return decorate(function)
    return decorate


class RetryLogFilter(logging.Filter):
    """django.tasks logs every failed attempt at ERROR with its traceback; an attempt that
    will be retried is only a WARNING (this module already logged why and when).
    Installed on the "django.tasks" logger by settings.LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], RetryScheduled):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
            record.msg += " (will be retried)"
        return True
