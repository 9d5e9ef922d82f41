"""Everything the statistics page and its exports show for one account and one filter."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from accounts.models import Account
from stats.charts import Chart, hour_chart, weekday_chart
from stats.forms import StatsFilter
from stats.queries import call_counts, calls_by_hour, calls_by_weekday
from stats.table import Row, statistics_rows


@dataclass
class Report:
    header: str
    rows: list[Row]
    hour_counts: list[dict]
    day_counts: list[dict]
    hours: Chart
    days: Chart

    @property
    def hour_rows(self) -> list[list]:
        return [
            [f"{b['key']:02d}:00", b["answered"], b["automated"], b["abandoned"]]
            for b in self.hour_counts
        ]

    @property
    def day_rows(self) -> list[list]:
        return [
            [str(WEEKDAYS[b["key"] - 1]), b["answered"], b["automated"], b["abandoned"]]
            for b in self.day_counts
        ]


def header_line(account: Account, stats_filter: StatsFilter) -> str:
    """The seed's header: the account, the range, the times and the days."""
    return _(
        "Account %(number)s %(start)s 00:00 to %(end)s 23:59, Calls after: %(after)s and "
        "Calls before: %(before)s, Day of Week: %(days)s"
    ) % {
        "number": account.number,
        "start": stats_filter.start_label(),
        "end": stats_filter.end_label(),
        "after": stats_filter.after_label(),
        "before": stats_filter.before_label(),
        "days": stats_filter.days_label(),
    }


def statistics_report(account: Account, stats_filter: StatsFilter) -> Report:
    """Three queries whatever the number of calls: the table, by hour, by weekday."""
    hour_counts = calls_by_hour(account, stats_filter)
    day_counts = calls_by_weekday(account, stats_filter)
    return Report(
        header=header_line(account, stats_filter),
        rows=statistics_rows(call_counts(account, stats_filter)),
        hour_counts=hour_counts,
        day_counts=day_counts,
        hours=hour_chart(hour_counts),
        days=weekday_chart(day_counts),
    )
