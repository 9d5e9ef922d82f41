"""The statistics rollup: exact against the raw calls, and kept exact by every write."""

import importlib
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from api.accounts import AccountIn, write_account
from calllog.actions import purge_calls, write_call
from calllog.models import Call
from calllog.schemas import CallIn
from portal.upsert import Outcome
from stats.forms import StatsFilter
from stats.models import CallRollup
from stats.report import statistics_report
from stats.rollup import drift, rebuild
from tests.factories import make_account, make_call

pytestmark = pytest.mark.django_db

ZONES = ["America/Toronto", "America/Vancouver", "Asia/Kolkata", "Australia/Lord_Howe"]
DAY_ONE = datetime(2026, 10, 20, tzinfo=UTC)  # the span crosses the end of daylight time
SPAN_DAYS = 30


# --- A direct computation of docs/statistics.md on the raw calls, for comparison -------------


def local_of(call: Call, zones: dict) -> datetime:
    return call.started_at.astimezone(zones[call.account_id])


def in_filter(call: Call, zones: dict, f: StatsFilter) -> bool:
    at = local_of(call, zones)
    minute = at.hour * 60 + at.minute
    after, before = f.after_minute, f.before_minute
    in_window = after <= minute < before if after < before else minute >= after or minute < before
    return f.start <= at.date() <= f.end and at.isoweekday() in f.days and in_window


def one_decimal(numerator, denominator, scale=1):
    if not denominator:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def by_hand(calls: list[Call], zones: dict, f: StatsFilter) -> tuple[dict, list, list]:
    """The table (key -> (unit, %)), and the counts by local hour and weekday."""
    inside = [c for c in calls if c.direction == "inbound" and in_filter(c, zones, f)]
    T = [c for c in inside if not c.busy and c.duration_s > 6]
    A = [
        c
        for c in T
        if c.queued_s is None
        or (c.answered_s is not None and c.duration_s - c.answered_s < 10)
        or (c.queued_s > 0 and c.answered_s is None and c.duration_s - c.queued_s < 10)
    ]
    G = [c for c in T if c not in A]
    S = [c for c in G if c.assigned_s is None]
    AS = [c for c in G if c not in S]
    AA = [c for c in AS if c.answered_s is None]
    AN = [c for c in AS if c not in AA]
    H = [c for c in AN if c.hold_s > 10]
    W = [c for c in AN if c.answered_s - c.queued_s <= 30]
    P = [c for c in T if c.patch_s is not None]
    works = [c.work_s for c in AN if c.work_s is not None]
    t = len(T)
    table = {
        "total": (t, one_decimal(t, t, 100)),
        "automated": (len(A), one_decimal(len(A), t, 100)),
        "agent": (len(G), one_decimal(len(G), t, 100)),
        "system_abandon": (len(S), one_decimal(len(S), t, 100)),
        "assigned": (len(AS), one_decimal(len(AS), t, 100)),
        "agent_abandon": (len(AA), one_decimal(len(AA), t, 100)),
        "answered_of_total": (len(AN), one_decimal(len(AN), t, 100)),
        "answered_of_assigned": (len(AN), one_decimal(len(AN), len(AS), 100)),
        "avg_work": (one_decimal(sum(works), len(works)), None),
        "held": (len(H), one_decimal(len(H), len(AN), 100)),
        "avg_hold": (one_decimal(sum(c.hold_s for c in H), len(H)), None),
        "avg_wait": (one_decimal(sum(c.answered_s - c.queued_s for c in AN), len(AN)), None),
        "within_30": (len(W), one_decimal(len(W), len(AN), 100)),
        "patches": (len(P), None),
        "patch_time": (one_decimal(sum(c.patch_s for c in P), 60) if P else None, None),
        "busies": (sum(1 for c in inside if c.busy), None),
    }

    def counts(bucket_of, keys):
        found = {k: {"key": k, "answered": 0, "automated": 0, "abandoned": 0} for k in keys}
        for group, calls_of in (("answered", AN), ("automated", A), ("abandoned", S + AA)):
            for c in calls_of:
                found[bucket_of(local_of(c, zones))][group] += 1
        return list(found.values())

    return (
        table,
        counts(lambda at: at.hour, range(24)),
        counts(lambda at: at.isoweekday(), range(1, 8)),
    )


# --- Random calls and filters -----------------------------------------------------------


def random_call(rng: random.Random, account) -> Call:
    minute = rng.randrange(SPAN_DAYS * 24 * 60)
    if rng.random() < 0.3:  # on an hour or half-hour boundary, or just before one
        minute = minute - minute % 30 - rng.choice((0, 1))
    started_at = DAY_ONE + timedelta(minutes=minute, seconds=rng.choice((0, 59, rng.randrange(60))))
    queued = rng.choice((None, 0, 0, rng.randint(1, 12)))
    assigned = rng.choice((None, (queued or 0) + rng.randint(0, 8)))
    answered = rng.choice((None, (assigned or queued or 0) + rng.randint(0, 40)))
    base = answered if answered is not None else (queued or 0)
    return make_call(
        account,
        started_at,
        direction=rng.choice(("inbound",) * 9 + ("outbound",)),
        busy=rng.random() < 0.07,
        duration_s=rng.choice((rng.randint(0, 8), base + rng.randint(0, 20), rng.randint(0, 400))),
        queued_s=queued,
        assigned_s=assigned,
        answered_s=answered,
        work_s=rng.choice((None, rng.randint(0, 500))),
        hold_s=rng.choice((0, rng.randint(8, 13), rng.randint(0, 120))),
        patch_s=rng.choice((None, None, rng.randint(0, 300))),
    )


def random_filter(rng: random.Random) -> StatsFilter:
    start = DAY_ONE.date() + timedelta(days=rng.randrange(-1, SPAN_DAYS))
    end = start + timedelta(days=rng.randrange(0, SPAN_DAYS))

    def clock():
        if rng.random() < 0.2:
            return None
        return time(rng.randrange(24), rng.choice((0, 0, 30, rng.randrange(60))))

    after, before = clock(), clock()
    if after is not None and after == before:
        before = None
    days = frozenset(rng.sample(range(1, 8), rng.randint(1, 7)))
    return StatsFilter(start=start, end=end, after=after, before=before, days=days)


def test_figures_equal_a_direct_computation_on_the_raw_calls(account):
    rng = random.Random(20261129)
    accounts = [account] + [
        make_account(5300 + index, timezone=zone) for index, zone in enumerate(ZONES[1:])
    ]
    zones = {a.pk: a.tzinfo for a in accounts}
    calls = [random_call(rng, rng.choice(accounts)) for _ in range(600)]
    for _ in range(120):
        chosen = rng.sample(accounts, rng.randint(1, len(accounts)))
        f = random_filter(rng)
        mine = [c for c in calls if c.account_id in {a.pk for a in chosen}]
        table, hours, days = by_hand(mine, zones, f)
        report = statistics_report(chosen, f)
        assert {row.key: (row.unit, row.percent) for row in report.rows} == table, f
        assert report.hour_counts == hours, f
        assert report.day_counts == days, f
    assert drift() == []


# --- Every write keeps the rollup exact -------------------------------------------------


def put(account, external_id: str, minutes_ago: int, **fields) -> tuple[Call, Outcome]:
    data = {
        "started_at": timezone.now() - timedelta(minutes=minutes_ago),
        "direction": "inbound",
        "kind": "conversation",
        "duration_s": 120,
        "queued_s": 0,
        "assigned_s": 4,
        "answered_s": 12,
        "work_s": 150,
        **fields,
    }
    return write_call(account, external_id, CallIn(**data))


def test_write_call_creates_replaces_and_leaves_unchanged_exactly(account, other_account):
    put(account, "a", 90)
    put(account, "b", 200, hold_s=40, patch_s=60)
    put(other_account, "a", 90)
    assert drift() == []
    assert CallRollup.objects.filter(account=account).count() == 4  # each an hour and a minute

    # Moved three days back and turned into a busy: out of its old cells, into new ones.
    _call, outcome = put(account, "a", 3 * 24 * 60, busy=True, duration_s=0, queued_s=None)
    assert outcome is Outcome.REPLACED
    assert drift() == []
    # A figure changed in place, then the same call sent again.
    at = timezone.now() - timedelta(minutes=200)
    put(account, "b", 0, started_at=at, hold_s=5, patch_s=None)
    _call, outcome = put(account, "b", 0, started_at=at, hold_s=5, patch_s=None)
    assert outcome is Outcome.UNCHANGED
    assert drift() == []


def test_a_cell_left_without_calls_is_deleted(account):
    put(account, "a", 60)
    before = set(CallRollup.objects.values_list("span", "minute", "local_date"))
    put(account, "a", 5 * 24 * 60)
    after = set(CallRollup.objects.values_list("span", "minute", "local_date"))
    assert len(after) == 2 and not before & after


def test_outbound_and_short_calls_make_no_cell(account):
    put(account, "out", 60, direction="outbound")
    put(account, "short", 60, duration_s=6, queued_s=None)
    assert not CallRollup.objects.exists()


def test_purge_takes_the_calls_out_and_leaves_no_empty_cell(account):
    for index in range(7):
        put(account, f"old{index}", (62 + index) * 24 * 60 + index)
    put(account, "kept", 60)
    removed = purge_calls(timezone.now() - timedelta(days=60), batch_size=3)
    assert removed == 7
    assert drift() == []
    assert CallRollup.objects.count() == 2  # the kept call's hour and minute


def test_purge_of_calls_written_without_the_rollup_creates_no_cell(account):
    Call.objects.create(
        account=account,
        external_id="bulk",
        started_at=timezone.now() - timedelta(days=70),
        direction="inbound",
        kind="conversation",
        duration_s=60,
    )
    purge_calls(timezone.now() - timedelta(days=60))
    assert not CallRollup.objects.exists()


def test_call_deleted_in_the_admin_leaves_the_statistics(account, rf):
    put(account, "a", 60)
    put(account, "b", 61)
    call_admin = site._registry[Call]
    call_admin.delete_queryset(rf.post("/"), Call.objects.filter(external_id="a"))
    call_admin.delete_model(rf.post("/"), Call.objects.get(external_id="b"))
    assert not CallRollup.objects.exists()


def window_total(account, after: str, before: str) -> int:
    today = timezone.localdate(timezone=account.tzinfo)
    f = StatsFilter(
        start=today - timedelta(days=3),
        end=today + timedelta(days=1),
        after=time.fromisoformat(after),
        before=time.fromisoformat(before),
    )
    return statistics_report([account], f).rows[0].unit


def test_a_change_of_time_zone_through_the_api_moves_the_calls(account):
    noon_utc = datetime.combine(timezone.now().date() - timedelta(days=1), time(12), tzinfo=UTC)
    minutes_ago = int((timezone.now() - noon_utc).total_seconds() // 60)
    put(account, "noon", minutes_ago)  # 07:00 or 08:00 in Toronto, 17:30 in Kolkata
    assert window_total(account, "06:00", "09:00") == 1
    data = AccountIn(name=account.name, billing_number="780412", timezone="Asia/Kolkata")
    account, outcome = write_account(account.number, data)
    assert outcome is Outcome.REPLACED
    assert drift() == []
    account = Account.objects.get(pk=account.pk)
    assert window_total(account, "06:00", "09:00") == 0
    assert window_total(account, "17:30", "17:31") == 1


def test_a_change_of_time_zone_in_the_admin_rebuilds_too(account):
    put(account, "a", 60)
    account.timezone = "America/Vancouver"
    account.save()
    assert drift() == []
    account.name = "Renamed"
    account.save()  # no change of zone: nothing rebuilt, still exact
    assert drift() == []


def test_rebuild_command_finds_and_repairs_drift(account, other_account):
    put(account, "a", 60)
    put(other_account, "a", 60)
    call_command("rebuild_stats_rollup", "--check")
    CallRollup.objects.filter(account=account).update(answered=F("answered") + 1)
    with pytest.raises(CommandError, match="differs from the calls in 2 cells"):
        call_command("rebuild_stats_rollup", "--check")
    call_command("rebuild_stats_rollup", "--check", "--account", str(other_account.number))
    call_command("rebuild_stats_rollup", "--account", str(account.number))
    call_command("rebuild_stats_rollup", "--check")
    with pytest.raises(CommandError, match="No account 999"):
        call_command("rebuild_stats_rollup", "--account", "999")


def test_rebuild_after_a_bulk_load(account):
    calls = [
        Call(
            account=account,
            external_id=f"bulk{index}",
            started_at=timezone.now() - timedelta(hours=index),
            direction="inbound",
            kind="conversation",
            duration_s=60,
            queued_s=0,
            assigned_s=2,
            answered_s=5,
            work_s=80,
        )
        for index in range(30)
    ]
    Call.objects.bulk_create(calls)
    assert len(drift()) > 0
    assert rebuild([account.pk]) > 0
    assert drift() == []


def test_migration_fills_the_rollup_from_the_calls_already_stored(account):
    put(account, "a", 60)
    put(account, "b", 3000, patch_s=30)
    CallRollup.objects.all().delete()
    migration = importlib.import_module("stats.migrations.0001_call_rollup")
    migration.fill_from_existing_calls(apps, None)
    assert drift() == []
    assert CallRollup.objects.count() == 4


def test_a_day_is_the_calls_local_day(account):
    """A sanity check of the cells themselves: 23:30 in Toronto is the next day in UTC."""
    make_call(account, datetime(2026, 11, 10, 23, 30, tzinfo=account.tzinfo))
    hour, minute = CallRollup.objects.order_by("-span")
    assert (hour.local_date, hour.minute, hour.weekday) == (date(2026, 11, 10), 23 * 60, 2)
    assert (minute.span, minute.minute) == (1, 23 * 60 + 30)
