"""seed_scale at a tiny size: the shapes the benchmark relies on, and the same rows again
for the same seed and moment."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from accounts import scale
from accounts.models import AccessEvent, Account, Membership
from calllog.models import Call, CallDay
from messages_app.models import Message, MessageEvent, MessageRead
from stats.models import CallRollup
from stats.rollup import drift

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 22, 15, 30, tzinfo=UTC)
SIZE = {"accounts": 30, "calls": 2400, "messages": 1200}


def seed(**changes) -> None:
    call_command(
        "seed_scale", f"--now={NOW.isoformat()}", **{**SIZE, **changes}, stdout=io.StringIO()
    )


def snapshot() -> dict:
    return {
        "accounts": sorted(Account.objects.values_list("number", "name", "timezone", "language")),
        "calls": sorted(
            Call.objects.values_list(
                "account__number",
                "external_id",
                "started_at",
                "duration_s",
                "queued_s",
                "answered_s",
                "caller_number",
                "caller_name",
                "billing_units",
                "invoice_number",
                "recording",
            )
        ),
        "messages": sorted(
            Message.objects.values_list(
                "account__number", "external_id", "taken_at", "subject", "urgent", "search_text"
            )
        ),
        "events": sorted(
            MessageEvent.objects.values_list("message__external_id", "at", "kind", "fingerprint")
        ),
    }


def seeded_then_undone(**changes) -> dict:
    with transaction.atomic():
        seed(**changes)
        found = snapshot()
        transaction.set_rollback(True)
    return found


def test_the_same_seed_and_moment_give_the_same_rows():
    first = seeded_then_undone()
    assert first == seeded_then_undone()
    assert first["calls"] != seeded_then_undone(seed=16)["calls"]


def test_the_sizes_and_shapes_the_benchmark_relies_on():
    seed()
    cutoff = scale.expired_cutoff(NOW)
    big = Account.objects.get(number=scale.BIG_NUMBER)
    kept_calls = Call.objects.filter(started_at__gte=cutoff)
    kept_messages = Message.objects.filter(taken_at__gte=cutoff)
    assert Account.objects.count() == 30
    assert kept_calls.count() == 2400
    assert kept_messages.count() == 1200
    assert not Call.objects.filter(started_at__gt=NOW).exists()
    # One more day, just before the retention cutoff: what the daily purge removes.
    assert Call.objects.filter(
        started_at__lt=cutoff, started_at__gte=cutoff - timedelta(days=1)
    ).exists()
    # The biggest account holds 1/24 of each, and no account holds more.
    per_account = kept_calls.values("account").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_account) == 100
    assert kept_calls.filter(account=big).count() == 100
    assert kept_messages.filter(account=big).count() == 50
    # 2 to 5 dispatch events per message; about 10 % urgent; accented names.
    events = Message.objects.annotate(n=Count("events")).values_list("n", flat=True)
    assert set(events) <= {2, 3, 4, 5} and min(events) == 2
    assert 0.05 < Message.objects.filter(urgent=True).count() / Message.objects.count() < 0.15
    assert Message.objects.filter(caller_name__regex="[éèêëàâçîïôûü]").exists()
    # Calls of every kind the statistics count.
    inbound = Call.objects.filter(direction="inbound")
    assert inbound.filter(busy=True).exists()
    assert inbound.filter(queued_s__isnull=True, busy=False, duration_s__gt=6).exists()
    assert inbound.filter(assigned_s__isnull=True, queued_s__isnull=False).exists()
    assert inbound.filter(assigned_s__isnull=False, answered_s__isnull=True).exists()
    assert inbound.filter(answered_s__isnull=False, hold_s__gt=10).exists()
    assert inbound.filter(patch_s__isnull=False).exists()
    assert Call.objects.filter(direction="outbound").exists()
    assert Call.objects.filter(kind="transaction").exists()
    assert Call.objects.exclude(recording="").exists()
    # Billed calls carry their minutes; every account's zone is a real one.
    assert not Call.objects.exclude(invoice_number="").filter(billing_units__isnull=True).exists()
    assert Call.objects.exclude(invoice_number="").exists()
    for account in Account.objects.all():
        assert account.tzinfo is not None
    # Most urgent messages are acknowledged (not before they were taken, never in the
    # future); in the biggest account by the bench user in the portal, as its history says.
    urgent = Message.objects.filter(urgent=True)
    assert 0.6 < urgent.filter(acknowledged_at__isnull=False).count() / urgent.count() < 1
    assert not Message.objects.filter(acknowledged_at__lt=F("taken_at")).exists()
    assert not Message.objects.filter(acknowledged_at__gt=NOW).exists()
    acknowledged = Message.objects.filter(account=big, acknowledged_at__isnull=False)
    assert acknowledged.exists()
    assert not acknowledged.exclude(acknowledged_by_user__username=scale.BENCH_USER).exists()
    for message in acknowledged[:20]:
        ack = message.events.get(kind="acknowledged")
        assert (ack.at, ack.detail) == (message.acknowledged_at, "portal")
    # The bench user manages the biggest account, signed in on most days and has read some
    # of its messages, each reading a line of the account's access log.
    bench = Membership.objects.get(user__username=scale.BENCH_USER, account=big)
    assert bench.role == "manager"
    reads = MessageRead.objects.filter(account=big, read_at__lt=NOW)
    assert reads.exists()
    log = AccessEvent.objects.filter(account=big, user=bench.user)
    assert log.filter(action="viewed").count() == reads.count()
    assert log.filter(action="signed_in").count() > 20
    assert not log.filter(at__gt=NOW).exists()
    # Both rollups are filled (the COPY goes around the triggers, then they are rebuilt):
    # the call days, and the statistics' cells.
    assert CallDay.objects.filter(account=big).aggregate(n=Count("pk"))["n"] > 0
    for account in Account.objects.all():
        total = sum(CallDay.objects.filter(account=account).values_list("calls", flat=True))
        assert total == Call.objects.filter(account=account).count()
    assert CallRollup.objects.filter(account=big).exists()
    assert drift() == []
    # The marker tells a benchmark what is here (and which version of the seed made it).
    expected = {**SIZE, "days": 60, "seed": 15, "version": scale.SEED_VERSION}
    assert scale.marker() == {**expected, "now": NOW.isoformat()}


def test_a_second_seed_into_the_same_database_is_refused():
    seed()
    with pytest.raises(CommandError, match="already exist"):
        seed()


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="at least"):
        seed(accounts=0)
    with pytest.raises(CommandError, match="UTC offset"):
        call_command("seed_scale", "--now=2026-03-22T10:00", accounts=1, calls=0, messages=0)
