"""A real `manage.py db_worker`, killed in the middle of a delivery: nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from tests.factories import make_endpoint
from webhooks.delivery import requeue_overdue
from webhooks.models import Delivery
from webhooks.outbox import emit

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker() -> subprocess.Popen:
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": database_url()}
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_delivery_loses_nothing(account, receiver, run_tasks, clock):
    make_endpoint(receiver.url, "change_request.created")
    held = receiver.hold_next()  # the receiver takes the POST and does not answer
    with transaction.atomic():
        event = emit(account, "change_request.created", {"id": 1, "subject": "directory"})

    worker = start_worker()
    try:
        receiver.wait_for(1, timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        held.set()

    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and row.claimed_until is not None
    assert row.attempts.count() == 0  # it died before it could record anything
    assert requeue_overdue() == 0  # its claim still holds

    clock.advance(minutes=3)  # the claim expires; the delivery is overdue
    assert requeue_overdue() == 1
    run_tasks()

    arrivals = receiver.wait_for(2)
    assert [a.json["id"] for a in arrivals] == [str(event.uuid)] * 2
    row.refresh_from_db()
    assert row.status == Delivery.Status.DELIVERED
    assert [a.status_code for a in row.attempts.all()] == [200]
