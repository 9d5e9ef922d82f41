"""The daily call rollup (CallDay): kept by the database in the write's transaction, equal
to a direct computation after creates, replacements, purges and a time-zone change, and
rebuilt by `rebuild_rollups`; and call_totals() equal to summing the calls themselves."""

import io
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from calllog.actions import purge_calls, write_call
from calllog.models import Call, CallDay
from calllog.rollup import CallTotals, call_totals, rebuild
from calllog.schemas import BillingIn, CallIn
from tests.factories import make_call

pytestmark = pytest.mark.django_db


def expected_days(*accounts) -> dict:
    """The rollup computed in Python from the calls: (account, local day) -> sums."""
    sums: dict = defaultdict(lambda: [0, 0, 0, Decimal(0)])
    for stale in accounts:
        account = Account.objects.get(pk=stale.pk)  # as stored now (its zone may have changed)
        for call in Call.objects.filter(account=account):
            day = timezone.localtime(call.started_at, account.tzinfo).date()
            row = sums[(account.pk, day)]
            row[0] += 1
            row[1] += call.duration_s
            if call.invoice_number and call.billing_units is not None:
                row[2] += 1
                row[3] += call.billing_units
    return {key: tuple(value) for key, value in sums.items()}


def stored_days(*accounts) -> dict:
    return {
        (d.account_id, d.day): (d.calls, d.seconds, d.billed_calls, d.billed_units)
        for d in CallDay.objects.filter(account__in=accounts)
    }


def call_data(rng: random.Random, started_at: datetime) -> CallIn:
    billed = rng.random() < 0.5
    return CallIn(
        started_at=started_at,
        direction="inbound",
        kind="conversation",
        duration_s=rng.randint(0, 900),
        billing=BillingIn(
            units=Decimal(rng.randint(1, 40)) / 4,
            invoice_number=rng.choice(["", "780412-202611"]),
        )
        if billed
        else None,
    )


def test_writes_replacements_and_purges_keep_the_rollup_equal_to_the_calls(account, other_account):
    rng = random.Random(15)
    now = timezone.now()
    ids = []
    for i in range(120):
        target = rng.choice([account, other_account])
        # Around local midnight as often as not: the day a call counts in is local.
        base = now - timedelta(days=rng.randint(0, 64))
        started = base.replace(hour=rng.choice([3, 4, 5, 16, 23]), minute=rng.randint(0, 59))
        write_call(target, f"R{i}", call_data(rng, started))
        ids.append((target, f"R{i}"))
    assert stored_days(account, other_account) == expected_days(account, other_account)

    # Replacements: another day, another duration, billed or not any more; and unchanged.
    for target, external_id in rng.sample(ids, 40):
        started = now - timedelta(days=rng.randint(0, 64), minutes=rng.randint(0, 1440))
        write_call(target, external_id, call_data(rng, started))
    target, external_id = ids[0]
    same = Call.objects.get(account=target, external_id=external_id)
    write_call(
        target,
        external_id,
        CallIn(
            started_at=same.started_at,
            direction=same.direction,
            kind=same.kind,
            duration_s=same.duration_s,
            billing=BillingIn(units=same.billing_units, invoice_number=same.invoice_number)
            if same.billing_units is not None
            else None,
        ),
    )
    assert stored_days(account, other_account) == expected_days(account, other_account)

    purge_calls(now - timedelta(days=60), batch_size=7)
    assert stored_days(account, other_account) == expected_days(account, other_account)
    # No empty day is left behind.
    assert not CallDay.objects.filter(calls=0).exists()


def test_bulk_inserts_and_deletes_are_counted_too(account):
    started = timezone.now() - timedelta(days=2)
    Call.objects.bulk_create(
        Call(
            account=account,
            external_id=f"B{i}",
            started_at=started + timedelta(minutes=i),
            direction="inbound",
            kind="conversation",
            duration_s=10,
        )
        for i in range(50)
    )
    assert stored_days(account) == expected_days(account)
    Call.objects.filter(external_id__in=[f"B{i}" for i in range(20)]).delete()
    Call.objects.filter(external_id="B30").update(duration_s=100)
    assert stored_days(account) == expected_days(account)


def test_a_failed_write_changes_no_total(account):
    make_call(account, duration_s=30)
    before = stored_days(account)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_call(account, duration_s=99)
        raise RuntimeError("the request failed")
    assert stored_days(account) == before


def test_a_new_time_zone_moves_the_calls_to_their_new_local_days(account):
    # 02:30 UTC is the evening before in Toronto, the same day in Paris.
    make_call(account, started_at=datetime(2026, 3, 10, 2, 30, tzinfo=UTC))
    assert list(CallDay.objects.values_list("day", flat=True)) == [datetime(2026, 3, 9).date()]
    account.timezone = "Europe/Paris"
    account.save()
    assert list(CallDay.objects.values_list("day", flat=True)) == [datetime(2026, 3, 10).date()]
    assert stored_days(account) == expected_days(account)


def test_rebuild_rollups_repairs_a_drifted_rollup(account, other_account):
    for i in range(10):
        make_call(account, started_at=timezone.now() - timedelta(days=i), duration_s=60)
    make_call(other_account, duration_s=5)
    CallDay.objects.filter(account=account).update(calls=999)
    CallDay.objects.filter(account=other_account).delete()
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert stored_days(account, other_account) == expected_days(account, other_account)


def test_rebuild_of_one_account_leaves_the_others(account, other_account):
    make_call(account, duration_s=60)
    make_call(other_account, duration_s=5)
    CallDay.objects.update(calls=999)
    rebuild(account)
    assert CallDay.objects.get(account=account).calls == 1
    assert CallDay.objects.get(account=other_account).calls == 999


def direct(account, start, end) -> CallTotals:
    calls = Call.objects.filter(account=account, started_at__gte=start)
    if end is not None:
        calls = calls.filter(started_at__lt=end)
    billed = [c for c in calls if c.invoice_number and c.billing_units is not None]
    return CallTotals(
        len(calls),
        sum(c.duration_s for c in calls),
        len(billed),
        sum((c.billing_units for c in billed), Decimal(0)),
    )


def test_call_totals_of_any_range_equal_the_sum_of_its_calls(account):
    rng = random.Random(7)
    now = timezone.now()
    for i in range(200):
        started = now - timedelta(minutes=rng.randint(0, 62 * 24 * 60))
        write_call(account, f"T{i}", call_data(rng, started))
    for _ in range(40):
        start = now - timedelta(minutes=rng.randint(0, 62 * 24 * 60))
        end = rng.choice([None, start + timedelta(minutes=rng.randint(-60, 20 * 24 * 60))])
        if rng.random() < 0.4:  # exactly local midnights too
            local = timezone.localtime(start, account.tzinfo)
            start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        found = call_totals(account, {"a": (start, end), "b": (start, None)})
        expected = direct(account, start, end) if end is None or end > start else CallTotals()
        assert found["a"] == expected, (start, end)
        assert found["b"] == direct(account, start, None)


def test_call_totals_across_a_daylight_saving_change(account):
    # Toronto moved its clocks on 2026-03-08 at 02:00 (a 23-hour local day).
    tz = account.tzinfo
    for hour in range(0, 24):
        make_call(account, started_at=datetime(2026, 3, 8, hour, 30, tzinfo=tz), duration_s=1)
    make_call(account, started_at=datetime(2026, 3, 9, 0, 0, tzinfo=tz), duration_s=1)
    start = datetime(2026, 3, 7, 12, 0, tzinfo=tz)
    end = datetime(2026, 3, 9, 0, 0, tzinfo=tz)
    assert call_totals(account, {"r": (start, end)})["r"] == direct(account, start, end)
    assert CallDay.objects.get(day=datetime(2026, 3, 8).date()).calls == 24


def test_call_totals_read_two_queries_at_most(account, django_assert_max_num_queries):
    for i in range(30):
        make_call(account, started_at=timezone.now() - timedelta(hours=7 * i))
    start = timezone.now() - timedelta(days=20)
    with django_assert_max_num_queries(2):
        call_totals(account, {"a": (start, None), "b": (start, timezone.now())})
