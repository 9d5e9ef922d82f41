"""The statistics of docs/statistics.md for one or several accounts and one filter, read from
the rollup (stats/rollup.py) in one grouped query, whatever the number of accounts.

The query sums the cells of the filter per local hour and weekday (at most 168 groups);
the table is the sum of the groups, the charts their sums by hour and by weekday. Each
cell is local to its own account's time zone, so a filter over accounts in several
zones takes every call's time of day and weekday in its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, Sum

from stats.forms import StatsFilter
from stats.models import FIGURES, HOUR, MINUTE, CallRollup

DAY = 24 * 60
CATEGORIES = ("automated", "system_abandon", "agent_abandon", "answered")  # T


@dataclass
class Counts:
    """The raw counts and sums of the filter: the table's, and per local hour and weekday."""

    totals: dict[str, int]  # FIGURES, plus "total" (T)
    by_hour: list[dict]  # 24 buckets: key 0-23, answered, automated, abandoned
    by_weekday: list[dict]  # 7 buckets: key 1-7 (ISO, Monday first), the same counts


def minute_ranges(stats_filter: StatsFilter) -> list[tuple[int, int]]:
    """The window as half-open ranges of local minutes of the day (two when it wraps)."""
    after, before = stats_filter.after_minute, stats_filter.before_minute
    if after < before:
        return [(after, before)]
    return [(after, DAY), (0, before)]


def window_cells(stats_filter: StatsFilter) -> Q:
    """The cells that make up the time-of-day window exactly: the hour cells of the whole
    hours inside it, and the minute cells of the ends that are not on the hour."""
    hours: list[int] = []
    minutes = Q()
    for start, end in minute_ranges(stats_filter):
        first_hour = -(-start // 60) * 60  # the first hour boundary at or after start
        last_hour = end // 60 * 60  # the last hour boundary at or before end
        if first_hour >= last_hour:  # inside one hour
            minutes |= Q(minute__gte=start, minute__lt=end)
            continue
        hours += range(first_hour, last_hour, 60)
        if start < first_hour:
            minutes |= Q(minute__gte=start, minute__lt=first_hour)
        if last_hour < end:
            minutes |= Q(minute__gte=last_hour, minute__lt=end)
    cells = Q(span=HOUR, minute__in=hours) if hours else Q(pk__in=[])
    if minutes:
        cells |= Q(span=MINUTE) & minutes
    return cells


def call_counts(account_ids: Iterable[int], stats_filter: StatsFilter) -> Counts:
    """Every figure behind the page for the union of these accounts' calls, in one query."""
    cells = CallRollup.objects.filter(
        account_id__in=sorted(set(account_ids)),
        local_date__gte=stats_filter.start,
        local_date__lte=stats_filter.end,
    )
    if not stats_filter.all_days:
        cells = cells.filter(weekday__in=sorted(stats_filter.days))
    if stats_filter.whole_day:
        cells = cells.filter(span=HOUR)
    else:
        cells = cells.filter(window_cells(stats_filter))
    groups: list[dict[str, Any]] = [
        dict(group)
        for group in cells.values("weekday", hour=F("minute") / 60)
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
    ]
    totals = {name: sum(group[name] for group in groups) for name in FIGURES}
    totals["total"] = sum(totals[name] for name in CATEGORIES)
    return Counts(
        totals=totals,
        by_hour=_buckets(groups, "hour", range(24)),
        by_weekday=_buckets(groups, "weekday", range(1, 8)),
    )


def _buckets(groups: list[dict], key: str, keys: range) -> list[dict]:
    buckets = {
        value: {"key": value, "answered": 0, "automated": 0, "abandoned": 0} for value in keys
    }
    for group in groups:
        bucket = buckets[group[key]]
        bucket["answered"] += group["answered"]
        bucket["automated"] += group["automated"]
        bucket["abandoned"] += group["system_abandon"] + group["agent_abandon"]
    return list(buckets.values())
