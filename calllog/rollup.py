"""Totals of calls over a range of instants, read from the daily rollup (CallDay).

A range [start, end) is cut into whole local days of the account, summed from CallDay
(at most 61 rows), and the pieces at its two ends that are not whole days (at most a day
each), summed from the calls themselves through the (account, started_at) index. So no
request adds up 60 days of calls. The rollup is kept by triggers (see the migration
calllog 0003); on a database without them (SQLite) every total is computed from the calls.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce

from django.db import connection, models
from django.utils import timezone

from accounts.models import Account
from calllog.models import Call, CallDay

Range = tuple[datetime | None, datetime | None]

REBUILD_SQL = """
    DELETE FROM calllog_callday {where};
    INSERT INTO calllog_callday (account_id, day, calls, seconds, billed_calls, billed_units)
    SELECT c.account_id, (c.started_at AT TIME ZONE a.timezone)::date, count(*),
           coalesce(sum(c.duration_s), 0),
           count(*) FILTER (WHERE c.invoice_number <> '' AND c.billing_units IS NOT NULL),
           coalesce(sum(c.billing_units)
                    FILTER (WHERE c.invoice_number <> '' AND c.billing_units IS NOT NULL), 0)
    FROM calllog_call c JOIN accounts_account a ON a.id = c.account_id
    {call_where}
    GROUP BY 1, 2;
"""


@dataclass(frozen=True)
class CallTotals:
    calls: int = 0
    seconds: int = 0
    billed_calls: int = 0
    billed_units: Decimal = Decimal(0)


def kept() -> bool:
    """Whether this database keeps the rollup (PostgreSQL, with the triggers)."""
    return connection.vendor == "postgresql"


def rebuild(account: Account | None = None) -> None:
    """Recompute the rollup from the calls (every account, or one), in one transaction."""
    if not kept():
        return
    where = call_where = ""
    params: list = []
    if account is not None:
        where, call_where, params = "WHERE account_id = %s", "WHERE c.account_id = %s", [account.pk]
    with connection.cursor() as cursor:
        for statement in REBUILD_SQL.format(where=where, call_where=call_where).split(";"):
            if statement.strip():
                cursor.execute(statement, params)


def _day_start(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _split(account: Account, start: datetime, end: datetime | None):
    """(first whole day, day after the last whole one or None, the partial pieces)."""
    tz = account.tzinfo
    first = timezone.localtime(start, tz).date()
    if _day_start(first, tz) < start:
        first += timedelta(days=1)
    if end is None:
        return first, None, [(start, _day_start(first, tz))]
    stop = timezone.localtime(end, tz).date()  # whole days are those before `stop`
    if stop <= first:
        return None, None, [(start, end)]
    return first, stop, [(start, _day_start(first, tz)), (_day_start(stop, tz), end)]


def _sum(values: dict, prefix: str) -> CallTotals:
    return CallTotals(
        values.get(f"{prefix}_calls") or 0,
        values.get(f"{prefix}_seconds") or 0,
        values.get(f"{prefix}_billed_calls") or 0,
        values.get(f"{prefix}_billed_units") or Decimal(0),
    )


def _add(a: CallTotals, b: CallTotals) -> CallTotals:
    return CallTotals(
        a.calls + b.calls,
        a.seconds + b.seconds,
        a.billed_calls + b.billed_calls,
        a.billed_units + b.billed_units,
    )


def _instants(start: datetime | None, end: datetime | None) -> models.Q:
    piece = models.Q(started_at__gte=start) if start is not None else models.Q()
    if end is not None:
        piece &= models.Q(started_at__lt=end)
    return piece


def _direct(account: Account, pieces: dict[str, list[Range]]) -> dict[str, CallTotals]:
    """Totals of the calls in each named list of pieces, in one aggregate query."""
    wanted = {name: ranges for name, ranges in pieces.items() if ranges}
    if not wanted:
        return {name: CallTotals() for name in pieces}
    billed = models.Q(billing_units__isnull=False) & ~models.Q(invoice_number="")
    aggregates: dict[str, models.Aggregate] = {}
    insides = []
    for index, (_name, ranges) in enumerate(wanted.items()):
        inside = reduce(operator.or_, (_instants(start, end) for start, end in ranges))
        insides.append(inside)
        aggregates[f"r{index}_calls"] = models.Count("pk", filter=inside)
        aggregates[f"r{index}_seconds"] = models.Sum("duration_s", filter=inside)
        aggregates[f"r{index}_billed_calls"] = models.Count("pk", filter=inside & billed)
        aggregates[f"r{index}_billed_units"] = models.Sum("billing_units", filter=inside & billed)
    everything = reduce(operator.or_, insides)
    row = Call.objects.for_account(account).filter(everything).order_by().aggregate(**aggregates)
    found = {name: _sum(row, f"r{index}") for index, name in enumerate(wanted)}
    return {name: found.get(name, CallTotals()) for name in pieces}


def call_totals(account: Account, ranges: dict[str, Range]) -> dict[str, CallTotals]:
    """Totals of the account's calls started in each named range [start, end) (start is
    required: the retention cutoff at the latest; end None means no end). Two queries at
    most whatever the number of ranges: one on the rollup, one on the partial days."""
    if not kept():
        return _direct(account, {name: [span] for name, span in ranges.items()})
    pieces: dict[str, list[Range]] = {}
    days: dict[str, tuple[date, date | None]] = {}
    for name, (start, end) in ranges.items():
        if start is None:
            raise ValueError("A range of call totals needs a start.")
        if end is not None and end <= start:
            pieces[name] = []
            continue
        first, stop, partial = _split(account, start, end)
        pieces[name] = [(a, b) for a, b in partial if b is None or a < b]
        if first is not None:
            days[name] = (first, stop)
    from_days: dict[str, CallTotals] = {}
    if days:
        aggregates: dict[str, models.Aggregate] = {}
        for index, (_name, (first, stop)) in enumerate(days.items()):
            inside = models.Q(day__gte=first)
            if stop is not None:
                inside &= models.Q(day__lt=stop)
            for column in ("calls", "seconds", "billed_calls", "billed_units"):
                aggregates[f"r{index}_{column}"] = models.Sum(column, filter=inside)
        earliest = min(first for first, _stop in days.values())
        row = CallDay.objects.filter(account=account, day__gte=earliest).aggregate(**aggregates)
        from_days = {name: _sum(row, f"r{index}") for index, name in enumerate(days)}
    direct = _direct(account, pieces)
    return {
        name: _add(from_days.get(name, CallTotals()), direct.get(name, CallTotals()))
        for name in ranges
    }
