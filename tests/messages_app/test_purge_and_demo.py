import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.demo import seed_tenants
from messages_app.actions import mark_read, purge_messages
from messages_app.demo import seed_messages
from messages_app.models import Message, MessageEvent, MessageRead
from tests.factories import make_message

pytestmark = pytest.mark.django_db


def test_purge_removes_old_messages_with_events_and_reads_in_batches(account, alice):
    old = [make_message(account, ago=timedelta(days=61 + n)) for n in range(5)]
    kept = make_message(account, ago=timedelta(days=10))
    mark_read(old[0], alice)
    cutoff = timezone.now() - timedelta(days=60)
    with CaptureQueriesContext(connection) as queries:
        removed = purge_messages(cutoff, batch_size=2)
    assert removed == 5
    assert list(Message.objects.all()) == [kept]
    assert not MessageEvent.objects.exclude(message=kept).exists()
    assert not MessageRead.objects.exists()
    selects = [q for q in queries.captured_queries if "LIMIT 2" in q["sql"]]
    assert len(selects) == 4  # three batches of at most two, and the empty look that ends it


def test_purge_expired_command_runs_the_messages_purger(account):
    make_message(account, ago=timedelta(days=90))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "messages: 1 removed" in out.getvalue()
    assert not Message.objects.exists()


def test_demo_seed_is_idempotent_and_has_yesterdays_urgent_problemes(db):
    accounts = seed_tenants()
    seed_messages(accounts, random.Random("demo-messages"), StringIO())
    counts = (Message.objects.count(), MessageEvent.objects.count())
    seed_messages(accounts, random.Random("demo-messages"), StringIO())
    assert (Message.objects.count(), MessageEvent.objects.count()) == counts
    for number in (5201, 5202, 7300):
        assert Message.objects.for_account(accounts[number]).count() > 60
    plumbing = accounts[5201]
    yesterday = timezone.localdate(timezone.now(), plumbing.tzinfo) - timedelta(days=1)
    start = timezone.make_aware(
        timezone.datetime.combine(yesterday, timezone.datetime.min.time()), plumbing.tzinfo
    )
    found = (
        Message.objects.for_account(plumbing)
        .taken_between(start, start + timedelta(days=1))
        .urgent_only()
        .matching("probleme")
    )
    assert found.count() >= 2
    assert {e.kind for e in found.first().events.all()} >= {"taken", "email_initiated", "delivered"}
    assert not Message.objects.filter(taken_at__gt=timezone.now()).exists()
    assert not Message.objects.filter(taken_at__lt=timezone.now() - timedelta(days=60)).exists()


def test_search_column_has_a_trigram_index_on_postgresql():
    assert connection.vendor == "postgresql"  # the tests run on PostgreSQL (README)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'message_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
