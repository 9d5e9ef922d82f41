"""The billed calls of one client account, their totals and the cycle comparison.

Calls belong to the client account (request.account), not to the whole billing number:
a billing user of 5201 sees 5201's calls here even though 5202 shares its invoices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum

from accounts.models import Account
from billing.cycles import Cycle, cycle_containing, last_complete_cycle
from billing.formatting import money
from calllog.models import Call, retention_cutoff
from calllog.rollup import call_totals


def day_start(day: date, account: Account) -> datetime:
    return datetime.combine(day, time.min, tzinfo=account.tzinfo)


def billed_calls(account: Account, start: date, end: date) -> QuerySet[Call]:
    """Billed calls started on the local days start..end (both included), oldest first."""
    return (
        Call.objects.for_account(account)
        .billed()
        .retained()
        .started_between(day_start(start, account), day_start(end + timedelta(days=1), account))
        .order_by("started_at", "pk")
    )


@dataclass(frozen=True)
class Totals:
    calls: int
    minutes: Decimal  # "Total Stat"

    @property
    def average(self) -> Decimal | None:
        """ "Average Stat/Call", two decimals; None when there is no call."""
        if not self.calls:
            return None
        return (self.minutes / self.calls).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def totals(calls: QuerySet[Call]) -> Totals:
    """One aggregate query."""
    row = calls.order_by().aggregate(calls=Count("pk"), minutes=Sum("billing_units"))
    return Totals(row["calls"], money(row["minutes"]))


@dataclass(frozen=True)
class CycleComparison:
    current: Cycle
    current_totals: Totals
    previous: Cycle
    previous_totals: Totals


def billed_totals(account: Account, start: date, end: date) -> Totals:
    """The totals of billed_calls(account, start, end), from the daily rollup (one or two
    queries, whatever the number of calls)."""
    span = (
        max(day_start(start, account), retention_cutoff()),
        day_start(end + timedelta(days=1), account),
    )
    found = call_totals(account, {"range": span})["range"]
    return Totals(found.billed_calls, money(found.billed_units))


def cycle_comparison(account: Account, today: date) -> CycleComparison:
    """The running cycle so far against the previous complete one, from the daily rollup
    (whole local days: one query)."""
    current = cycle_containing(today)
    previous = last_complete_cycle(today)
    found = call_totals(
        account,
        {
            "current": (
                day_start(current.start, account),
                day_start(today + timedelta(days=1), account),
            ),
            "previous": (day_start(previous.start, account), day_start(current.start, account)),
        },
    )
    return CycleComparison(
        current,
        Totals(found["current"].billed_calls, money(found["current"].billed_units)),
        previous,
        Totals(found["previous"].billed_calls, money(found["previous"].billed_units)),
    )
