"""The statistics of statistics.md, computed in the database.

Each inbound call of the filter falls in exactly one category (a CASE expression
following the definitions in order), so every row of the table is a filtered
COUNT or SUM over that one annotation, in one aggregate query. Times of day and
weekdays are taken in the account's time zone by the database itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute

from accounts.models import Account
from calllog.models import Call
from stats.forms import StatsFilter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Categorised(TypedDict):
    category: str


# The account's calls of the filter, each with its statistics category.
type CategorisedCalls = QuerySet[WithAnnotations[Call, _Categorised], Any]

BUSY = "busy"
SHORT = "short"  # 6 seconds or less: not an incoming call for the statistics
AUTOMATED = "automated"  # A
SYSTEM_ABANDON = "system_abandon"  # S
AGENT_ABANDON = "agent_abandon"  # AA
ANSWERED = "answered"  # AN
TOTAL = (AUTOMATED, SYSTEM_ABANDON, AGENT_ABANDON, ANSWERED)  # T

# A: no agent asked for, or the caller hung up within 10 s of an answer or of asking.
AUTOMATED_Q = (
    Q(queued_s__isnull=True)
    | Q(answered_s__isnull=False, duration_s__lt=F("answered_s") + 10)
    | Q(queued_s__gt=0, answered_s__isnull=True, duration_s__lt=F("queued_s") + 10)
)

CATEGORY = Case(
    When(busy=True, then=Value(BUSY)),
    When(duration_s__lte=6, then=Value(SHORT)),
    When(AUTOMATED_Q, then=Value(AUTOMATED)),
    When(assigned_s__isnull=True, then=Value(SYSTEM_ABANDON)),
    When(answered_s__isnull=True, then=Value(AGENT_ABANDON)),
    default=Value(ANSWERED),
    output_field=CharField(),
)

IS_ANSWERED = Q(category=ANSWERED)
IS_HELD = IS_ANSWERED & Q(hold_s__gt=10)
IS_PATCHED = Q(category__in=TOTAL, patch_s__isnull=False)


def filtered_calls(account: Account, stats_filter: StatsFilter) -> CategorisedCalls:
    """The account's inbound calls in the local days, time-of-day window and weekdays."""
    tz = account.tzinfo
    start, end = stats_filter.instants(tz)
    calls = Call.objects.for_account(account).inbound().started_between(start, end)
    if not stats_filter.whole_day:
        calls = calls.annotate(
            local_minute=ExtractHour("started_at", tzinfo=tz) * 60
            + ExtractMinute("started_at", tzinfo=tz)
        )
        after, before = stats_filter.after_minute, stats_filter.before_minute
        if after < before:
            calls = calls.filter(local_minute__gte=after, local_minute__lt=before)
        else:  # wraps midnight: the night service
            calls = calls.filter(Q(local_minute__gte=after) | Q(local_minute__lt=before))
    if not stats_filter.all_days:
        calls = calls.annotate(local_weekday=ExtractIsoWeekDay("started_at", tzinfo=tz)).filter(
            local_weekday__in=sorted(stats_filter.days)
        )
    return calls.annotate(category=CATEGORY)


def call_counts(account: Account, stats_filter: StatsFilter) -> dict:
    """The raw counts and sums behind every row, in one query."""
    calls = filtered_calls(account, stats_filter).order_by()
    return calls.aggregate(
        total=Count("pk", filter=Q(category__in=TOTAL)),
        automated=Count("pk", filter=Q(category=AUTOMATED)),
        system_abandon=Count("pk", filter=Q(category=SYSTEM_ABANDON)),
        agent_abandon=Count("pk", filter=Q(category=AGENT_ABANDON)),
        answered=Count("pk", filter=IS_ANSWERED),
        work_count=Count("work_s", filter=IS_ANSWERED),
        work_sum=Sum("work_s", filter=IS_ANSWERED),
        held=Count("pk", filter=IS_HELD),
        hold_sum=Sum("hold_s", filter=IS_HELD),
        wait_sum=Sum(
            F("answered_s") - F("queued_s"), filter=IS_ANSWERED, output_field=IntegerField()
        ),
        within_30=Count("pk", filter=IS_ANSWERED & Q(answered_s__lte=F("queued_s") + 30)),
        patches=Count("pk", filter=IS_PATCHED),
        patch_sum=Sum("patch_s", filter=IS_PATCHED),
        busies=Count("pk", filter=Q(busy=True)),
    )


def _distribution(calls: CategorisedCalls, bucket: str) -> dict[int, dict]:
    rows = (
        calls.filter(category__in=TOTAL)
        .values(bucket)
        .annotate(
            answered=Count("pk", filter=Q(category=ANSWERED)),
            automated=Count("pk", filter=Q(category=AUTOMATED)),
            abandoned=Count("pk", filter=Q(category__in=(SYSTEM_ABANDON, AGENT_ABANDON))),
        )
        .order_by(bucket)
    )
    return {row[bucket]: row for row in rows}


def calls_by_hour(account: Account, stats_filter: StatsFilter) -> list[dict]:
    """Counted calls per local hour 0-23 (answered, automated, abandoned), one query."""
    calls = filtered_calls(account, stats_filter).annotate(
        local_hour=ExtractHour("started_at", tzinfo=account.tzinfo)
    )
    found = _distribution(calls, "local_hour")
    return [_bucket(hour, found.get(hour)) for hour in range(24)]


def calls_by_weekday(account: Account, stats_filter: StatsFilter) -> list[dict]:
    """Counted calls per local ISO weekday 1-7 (answered, automated, abandoned), one query."""
    calls = filtered_calls(account, stats_filter).annotate(
        local_day=ExtractIsoWeekDay("started_at", tzinfo=account.tzinfo)
    )
    found = _distribution(calls, "local_day")
    return [_bucket(day, found.get(day)) for day in range(1, 8)]


def _bucket(key: int, row: dict | None) -> dict:
    row = row or {}
    return {
        "key": key,
        "answered": row.get("answered", 0),
        "automated": row.get("automated", 0),
        "abandoned": row.get("abandoned", 0),
    }
