"""Everything the statistics page and its exports show for some accounts and one filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from accounts.models import Account
from stats.charts import Chart, hour_chart, weekday_chart
from stats.forms import StatsFilter
from stats.queries import call_counts
from stats.table import Row, statistics_rows


@dataclass
class Report:
    accounts: list[Account]  # the current account first
    header: str
    rows: list[Row]
    hour_counts: list[dict]
    day_counts: list[dict]
    hours: Chart
    days: Chart

    @property
    def title(self) -> str:
        """Every account included, by name (the heading, the Excel, the PDF)."""
        return ", ".join(account.name for account in self.accounts)

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


def header_line(accounts: Sequence[Account], stats_filter: StatsFilter) -> str:
    """The seed's header: the accounts, the range, the times and the days."""
    if len(accounts) == 1:
        text = _(
            "Account %(number)s %(start)s 00:00 to %(end)s 23:59, Calls after: %(after)s and "
            "Calls before: %(before)s, Day of Week: %(days)s"
        )
    else:
        text = _(
            "Accounts %(numbers)s %(start)s 00:00 to %(end)s 23:59, Calls after: %(after)s and "
            "Calls before: %(before)s, Day of Week: %(days)s"
        )
    return text % {
        "number": accounts[0].number,
        "numbers": ", ".join(str(account.number) for account in accounts),
        "start": stats_filter.start_label(),
        "end": stats_filter.end_label(),
        "after": stats_filter.after_label(),
        "before": stats_filter.before_label(),
        "days": stats_filter.days_label(),
    }


def statistics_report(accounts: Sequence[Account], stats_filter: StatsFilter) -> Report:
    """One query whatever the number of calls and of accounts (the current one first)."""
    counts = call_counts([account.pk for account in accounts], stats_filter)
    return Report(
        accounts=list(accounts),
        header=header_line(accounts, stats_filter),
        rows=statistics_rows(counts.totals),
        hour_counts=counts.by_hour,
        day_counts=counts.by_weekday,
        hours=hour_chart(counts.by_hour),
        days=weekday_chart(counts.by_weekday),
    )
