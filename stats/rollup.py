"""The statistics rollup (stats.models.CallRollup): why, what it holds, who keeps it exact.

Why a rollup. The statistics read every inbound call of up to 60 days, in a time-of-day
window (any HH:MM, wrapping midnight) and a set of weekdays, both local to each call's
own account. Computed from the calls, that is a time zone conversion and the category
CASE on every call of the period. Measured with bench/stats_query.py at 50,000 calls:
about 270 ms of PostgreSQL time as three bitmap heap scans, and still about 200 ms as
one grouped query over an index-only scan of a covering index (account, started_at)
INCLUDE (the telephony columns). The cost is the work per call, not the reading, so
stored local columns on the call (which would also widen the busiest table) could not
reach 50 ms either. The rollup reads cells, not calls: about 1-2 ms for the same
figures, exact, whatever the window.

What it holds. For each account, local date and cell of local time, the additive
figures of the calls that started there: the counts per category of
docs/statistics.md and the sums behind the averages. Every figure of the page is a sum
of these, so the page is one grouped SUM over the cells. Each call counts in two cells:
- its local hour (span 60): about 1,440 cells for 60 days, enough for whole hours;
- its local minute (span 1): read only for the ends of a window that do not fall on
  the hour (17:30-08:15 reads the whole hours 18:00-07:59, then the minutes
  17:30-17:59 and 08:00-08:14), so any HH:MM window is exact.
A day is the call's local calendar day and a weekday that day's, in the zone its
account had when the call was written.

Who keeps it exact, each in the transaction of the write:
- calllog.actions.write_calls (the API, its batch and the demo), through
  calllog/observers.py (the call log does not import the statistics) and
  `follow_write`: `before_writes` locks the
  accounts' rows (writes of one account's calls, and a change of its zone, take turns)
  and reads the calls' old fields; `after_writes` takes each old call out of its cells
  and puts the new one in, as increments (INSERT ... ON CONFLICT DO UPDATE SET n = n + ...),
  for one call or a batch's thousand alike;
- calllog.actions.purge_calls and the call admin's delete, through the same observers:
  `forget_calls` before the DELETE; a cell left without a call is deleted;
- a change of an account's time zone (admin, API, demo seed): every call of the
  account may move, so the account's rollup is rebuilt (stats/signals.py);
- anything that writes calls another way (bulk_create, COPY, a restore, a queryset
  update of a telephony field or of an account's zone) must rebuild afterwards:
  `rebuild()` or `manage.py rebuild_stats_rollup` (`--check` reports drift), or
  `manage.py rebuild_rollups`, which rebuilds every rollup of the portal.

The categories are computed here, in Python, on each call as it is written, following
docs/statistics.md; tests/stats/test_rollup.py compares the page's figures with a
direct computation on the raw calls (random calls, zones, windows and weekdays) and
checks every write path for drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import Account
from calllog.models import Call
from stats.models import FIGURES, HOUR, MINUTE, CallRollup

# The call fields the statistics read (docs/statistics.md, "The call fields used").
CALL_FIELDS = (
    "started_at",
    "direction",
    "busy",
    "duration_s",
    "queued_s",
    "assigned_s",
    "answered_s",
    "work_s",
    "hold_s",
    "patch_s",
)

BUSY = "busy"
AUTOMATED = "automated"  # A
SYSTEM_ABANDON = "system_abandon"  # S
AGENT_ABANDON = "agent_abandon"  # AA
ANSWERED = "answered"  # AN
TOTAL = (AUTOMATED, SYSTEM_ABANDON, AGENT_ABANDON, ANSWERED)  # T
# The counts of which each counted call adds exactly one: their sum is the cell's calls.
CATEGORY_COUNTS = ("busies", *TOTAL)

Key = tuple[int, int, int, date, int]  # account id, span, minute, local date, weekday


def category(call: Mapping) -> str | None:
    """The one category of docs/statistics.md an inbound call falls in; None: it counts nowhere
    (an outbound call, or a call of 6 seconds or less that was not a busy)."""
    if call["direction"] != Call.Direction.INBOUND:
        return None
    if call["busy"]:
        return BUSY
    duration, queued, answered = call["duration_s"], call["queued_s"], call["answered_s"]
    if duration <= 6:
        return None
    if (
        queued is None
        or (answered is not None and duration - answered < 10)
        or (queued > 0 and answered is None and duration - queued < 10)
    ):
        return AUTOMATED
    if call["assigned_s"] is None:
        return SYSTEM_ABANDON
    if answered is None:
        return AGENT_ABANDON
    return ANSWERED


def call_figures(call: Mapping) -> dict[str, int]:
    """What one call adds to its cells (empty when it counts nowhere)."""
    kind = category(call)
    if kind is None:
        return {}
    if kind == BUSY:
        return {"busies": 1}
    figures = {kind: 1}
    if call["patch_s"] is not None:
        figures |= {"patches": 1, "patch_sum": call["patch_s"]}
    if kind == ANSWERED:
        wait = call["answered_s"] - call["queued_s"]
        figures |= {"wait_sum": wait, "within_30": int(wait <= 30)}
        if call["work_s"] is not None:
            figures |= {"work_count": 1, "work_sum": call["work_s"]}
        if call["hold_s"] > 10:
            figures |= {"held": 1, "hold_sum": call["hold_s"]}
    return figures


def cells(account_id: int, started_at: datetime, tz: ZoneInfo) -> tuple[Key, Key]:
    """The call's local hour cell and local minute cell."""
    local = started_at.astimezone(tz)
    minute = local.hour * 60 + local.minute
    day, weekday = local.date(), local.isoweekday()
    return (
        (account_id, HOUR, minute - minute % 60, day, weekday),
        (account_id, MINUTE, minute, day, weekday),
    )


class Changes:
    """Increments of cells, gathered in memory and written in one statement per batch."""

    def __init__(self) -> None:
        self.cells: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def add(self, account_id: int, tz: ZoneInfo, call: Mapping, sign: int = 1) -> None:
        figures = call_figures(call)
        if not figures:
            return
        for key in cells(account_id, call["started_at"], tz):
            cell = self.cells[key]
            for name, value in figures.items():
                cell[name] += sign * value

    def save(self) -> None:
        add_to_cells(self.cells)


def add_to_cells(changes: Mapping[Key, Mapping[str, int]]) -> None:
    """Add these figures to their cells: a cell that gains a call is created if missing;
    any other is only updated if present (taking a call out never creates a cell), then
    deleted if it holds no call any more. Each statement is prepared once and run for
    every cell."""
    gained, updated = [], []
    for (account_id, span, minute, day, weekday), cell in changes.items():
        figures = [cell[name] for name in FIGURES]
        if any(cell[name] > 0 for name in CATEGORY_COUNTS):
            gained.append([account_id, span, minute, day, weekday, *figures])
        elif any(figures):
            updated.append([*figures, account_id, span, minute, day])
    increment, decrement, delete_if_empty = _statements()
    if gained:
        _execute_many(increment, gained)
    if updated:
        _execute_many(decrement, updated)
        _execute_many(delete_if_empty, [row[-4:] for row in updated])


def _execute_many(sql: str, rows: list[list]) -> None:
    if connection.vendor == "postgresql":
        # Server-side binding: PostgreSQL parses the statement once for all the rows.
        # Django's cursor binds on the client, quoting every row anew: ten times slower
        # for the thousand cells of a purge batch.
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(sql, rows)
        return
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [[adapt(v) if isinstance(v, date) else v for v in row] for row in rows]
        )


def _copy_new_cells(cells_now: Mapping[Key, Mapping[str, int]]) -> None:
    """Write cells into an empty rollup: COPY on PostgreSQL (a rebuild of a million cells
    takes seconds), the increments elsewhere."""
    if connection.vendor != "postgresql":
        add_to_cells(cells_now)
        return
    import psycopg

    columns = ["account_id", "span", "minute", "local_date", "weekday", *FIGURES]
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        copy_sql = f"COPY {CallRollup._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for (account_id, span, minute, day, weekday), cell in cells_now.items():
                copy.write_row(
                    [account_id, span, minute, day, weekday, *(cell[n] for n in FIGURES)]
                )


@cache
def _statements() -> tuple[str, str, str]:
    """The increment of one cell (created when missing), its decrement, and its deletion
    when empty. Only names of the model go into the text; every value is a parameter."""
    quote = connection.ops.quote_name
    table = quote(CallRollup._meta.db_table)
    key = ["account_id", "span", "minute", "local_date"]
    columns = ", ".join(quote(name) for name in [*key, "weekday", *FIGURES])
    values = ", ".join(["%s"] * (len(key) + 1 + len(FIGURES)))
    conflict = ", ".join(quote(name) for name in key)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
    add = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in FIGURES)
    increment = f"{insert} ON CONFLICT ({conflict}) DO UPDATE SET {add}"
    where = " AND ".join(f"{quote(name)} = %s" for name in key)
    subtract = ", ".join(f"{quote(n)} = {quote(n)} + %s" for n in FIGURES)
    decrement = f"UPDATE {table} SET {subtract} WHERE {where}"  # noqa: S608
    empty = " AND ".join(f"{quote(name)} = 0" for name in CATEGORY_COUNTS)
    delete_if_empty = f"DELETE FROM {table} WHERE {where} AND {empty}"  # noqa: S608
    return increment, decrement, delete_if_empty


def lock_zones(account_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    """Lock the accounts' rows (in order, so two writers never wait on each other in a
    circle) and return their time zones as they are now."""
    rows = (
        Account.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(account_ids)))
        .order_by("pk")
        .values_list("pk", "timezone")
    )
    return {pk: ZoneInfo(name) for pk, name in rows}


@dataclass(frozen=True)
class Before:
    """An account's zone, locked, and a call's statistics fields before a write."""

    account_id: int
    tz: ZoneInfo
    call: dict | None


def before_write(account: Account, external_id: str) -> Before:
    """Call inside the write's transaction, before the call is created or replaced."""
    before = before_writes([(account, external_id)])
    return Before(account.pk, before.zones[account.pk], before.calls.get((account.pk, external_id)))


def after_write(before: Before, call: Call) -> None:
    """Move the call's figures from its old cells to its new ones (nothing if unchanged)."""
    stored = {} if before.call is None else {(before.account_id, call.external_id): before.call}
    after_writes(BeforeMany({before.account_id: before.tz}, stored), [call])


@dataclass(frozen=True)
class BeforeMany:
    """The zones of the accounts, locked, and their calls' statistics fields before a
    write of many (by account id and external id; a call not stored yet is absent)."""

    zones: dict[int, ZoneInfo]
    calls: dict[tuple[int, str], dict]


def before_writes(keys: Iterable[tuple[Account, str]]) -> BeforeMany:
    """Call inside the write's transaction, before the calls are created or replaced:
    two queries, whatever their number."""
    by_account: dict[int, set[str]] = defaultdict(set)
    for account, external_id in keys:
        by_account[account.pk].add(external_id)
    zones = lock_zones(by_account)
    condition = Q()
    for account_id, external_ids in by_account.items():
        condition |= Q(account_id=account_id, external_id__in=sorted(external_ids))
    rows = (
        Call.objects.select_for_update()
        .filter(condition)
        .order_by("pk")
        .values("account_id", "external_id", *CALL_FIELDS)
    )
    calls = {}
    for row in rows:
        key = (row.pop("account_id"), row.pop("external_id"))
        calls[key] = row
    return BeforeMany(zones, calls)


def after_writes(before: BeforeMany, calls: Iterable[Call]) -> None:
    """Move each call's figures from its old cells to its new ones, in one statement per
    kind of change (nothing for a call whose figures did not change). The sum of the
    moves of successive writes of one call is the move from its first to its last."""
    changes = Changes()
    for call in calls:
        new = {name: getattr(call, name) for name in CALL_FIELDS}
        old = before.calls.get((call.account_id, call.external_id))
        if old == new:
            continue
        tz = before.zones[call.account_id]
        if old is not None:
            changes.add(call.account_id, tz, old, sign=-1)
        changes.add(call.account_id, tz, new)
    changes.save()


def follow_write(keys: Sequence[tuple[Account, str]]) -> Callable[[Sequence[Call]], None]:
    """The call log's write observer (calllog/observers.py): before_writes now, and
    after_writes once the calls are written."""
    return partial(after_writes, before_writes(keys))


def forget_calls(call_ids: Iterable[int]) -> None:
    """Take these calls out of the rollup; call inside the transaction that deletes them."""
    call_ids = list(call_ids)
    calls = Call.objects.filter(pk__in=call_ids, direction=Call.Direction.INBOUND)
    zones = lock_zones(calls.values_list("account_id", flat=True).distinct().order_by())
    changes = Changes()
    for call in calls.select_for_update().order_by().values("account_id", *CALL_FIELDS):
        changes.add(call["account_id"], zones[call["account_id"]], call, sign=-1)
    changes.save()


def computed_cells(account_ids: Iterable[int] | None = None) -> dict[Key, dict[str, int]]:
    """The cells as the calls make them now (the rebuild and the drift check)."""
    accounts = (
        Account.objects.all()
        if account_ids is None
        else Account.objects.filter(pk__in=list(account_ids))
    )
    zones = {pk: ZoneInfo(name) for pk, name in accounts.values_list("pk", "timezone")}
    changes = Changes()
    calls = Call.objects.filter(account_id__in=zones, direction=Call.Direction.INBOUND)
    for call in calls.order_by().values("account_id", *CALL_FIELDS).iterator(chunk_size=5000):
        changes.add(call["account_id"], zones[call["account_id"]], call)
    return {key: cell for key, cell in changes.cells.items() if any(cell.values())}


def stored_cells(account_ids: Iterable[int] | None = None) -> dict[Key, dict[str, int]]:
    rows = CallRollup.objects.all()
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    keys = ("account_id", "span", "minute", "local_date", "weekday")
    return {
        tuple(row[name] for name in keys): {name: row[name] for name in FIGURES}
        for row in rows.values(*keys, *FIGURES).iterator(chunk_size=5000)
    }


def rebuild(account_ids: Iterable[int] | None = None) -> int:
    """Recompute the rollup of these accounts (all when None) from their calls, in one
    transaction; returns the number of cells written."""
    ids = None if account_ids is None else list(account_ids)
    with transaction.atomic():
        if ids is not None:
            lock_zones(ids)
        cells_now = computed_cells(ids)
        old = (
            CallRollup.objects.all()
            if ids is None
            else CallRollup.objects.filter(account_id__in=ids)
        )
        old.delete()
        _copy_new_cells(cells_now)
    return len(cells_now)


def rebuild_in_batches(batch_size: int = 20) -> int:
    """Recompute every account's rollup, a few accounts at a time (each batch in its own
    transaction unless the caller holds one): the memory a rebuild needs stays that of a
    batch's cells, even after a bulk load of millions of calls. Returns the cells written."""
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    return sum(rebuild(ids[i : i + batch_size]) for i in range(0, len(ids), batch_size))


def drift(account_ids: Iterable[int] | None = None) -> list[str]:
    """How the stored rollup differs from the calls (empty when exact)."""
    ids = None if account_ids is None else list(account_ids)
    expected, stored = computed_cells(ids), stored_cells(ids)
    differences = []
    for key in sorted(expected.keys() | stored.keys(), key=str):
        if expected.get(key) != stored.get(key):
            differences.append(f"{key}: stored {stored.get(key)}, calls give {expected.get(key)}")
    return differences
