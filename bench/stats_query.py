"""Server time of the statistics at the size of a big account (figures, not a test).

Run with `.venv/bin/python bench/stats_query.py` through scripts/with-postgres.sh, e.g.
`PY=.venv/bin/python scripts/with-postgres.sh .venv/bin/python bench/stats_query.py`.
It builds a throwaway database on the tests' PostgreSQL server, fills one account
with STATS_CALLS calls (50,000 by default) over the last 60 days, drawn like the
demo's calls (mostly office hours, every category of docs/statistics.md), then runs the
statistics of the page for two filters and prints, for each, the queries it made and
PostgreSQL's own execution time of each (EXPLAIN ANALYZE, the median of five runs),
so the figure is the server's time, without Python or the network.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 5
NIGHTS_AND_WEEKDAYS = {"after": "17:00", "before": "08:00", "days": [1, 2, 3, 4, 5]}


def fill(account, size: int, rng: random.Random) -> None:
    """`size` calls of the account spread over the last 60 local days."""
    from calllog.demo import call_figures, start_time
    from calllog.models import Call

    tz = account.tzinfo
    today = timezone.localdate(timezone=tz)
    now = timezone.now()
    calls = []
    for index in range(size):
        day = today - timedelta(days=rng.randrange(60))
        started_at = min(start_time(rng, day, tz), now)
        figures = call_figures(rng)
        calls.append(
            Call(
                account=account,
                external_id=f"bench-{index}",
                started_at=started_at,
                caller_number=f"514555{index % 10000:04d}",
                **{"direction": "inbound", **figures},
            )
        )
    Call.objects.bulk_create(calls, batch_size=5000)
    after_bulk_load(account)


def after_bulk_load(account) -> None:
    """What a bulk loader (bench, seed) must do after writing calls without write_call."""
    from stats.rollup import rebuild

    started = time.perf_counter()
    cells = rebuild([account.pk])
    print(f"rollup rebuilt from the calls: {cells} cells in {time.perf_counter() - started:.1f} s")


def stats_filter(start: date, end: date, after=None, before=None, days=None):
    from datetime import time as clock

    from stats.forms import ALL_DAYS, StatsFilter

    return StatsFilter(
        start=start,
        end=end,
        after=clock.fromisoformat(after) if after else None,
        before=clock.fromisoformat(before) if before else None,
        days=frozenset(days) if days else ALL_DAYS,
    )


def report(account, stats_filter):
    from stats.report import statistics_report

    return statistics_report([account], stats_filter)


def server_ms(sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return plan[0]["Execution Time"]


def measure(label: str, account, stats_filter) -> None:
    report(account, stats_filter)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report(account, stats_filter)
        wall = (time.perf_counter() - started) * 1000
    queries = [entry["sql"] for entry in captured.captured_queries]
    per_query = [statistics.median(server_ms(sql) for _ in range(RUNS)) for sql in queries]
    parts = " + ".join(f"{ms:.1f}" for ms in per_query)
    print(
        f"{label:<28} {sum(per_query):7.1f} ms server ({len(queries)} queries: {parts}); "
        f"{wall:.0f} ms in Python with the charts"
    )
    if os.environ.get("STATS_PLANS"):
        for sql in queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))


def measure_writes(account) -> None:
    """What keeping the rollup costs the writes: new calls through write_call, and the
    purge of the oldest local day."""
    from calllog.actions import purge_calls, write_call
    from calllog.demo import call_figures
    from calllog.schemas import CallIn
    from stats.rollup import drift

    rng = random.Random(7)
    count = 300
    started = time.perf_counter()
    for index in range(count):
        figures = {"direction": "inbound", **call_figures(rng)}
        at = timezone.now() - timedelta(minutes=rng.randrange(60 * 24 * 50))
        write_call(account, f"write-{index}", CallIn(started_at=at, **figures))
    per_call = (time.perf_counter() - started) / count * 1000
    print(f"write_call, new calls            {per_call:7.1f} ms per call, rollup included")
    cutoff = timezone.now() - timedelta(days=59)
    started = time.perf_counter()
    removed = purge_calls(cutoff)
    seconds = time.perf_counter() - started
    print(f"purge of the oldest day          {seconds * 1000:7.0f} ms for {removed} calls")
    print(f"rollup drift after the writes    {len(drift([account.pk]))} cells")


def run() -> None:
    from tests.factories import make_account

    size = int(os.environ.get("STATS_CALLS", "50000"))
    setup_test_environment()
    # A name of its own: never the tests' database, which a run of the suite may be using.
    connection.settings_dict["TEST"]["NAME"] = f"bench_stats_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        account = make_account(6100, "Bench statistics", timezone="America/Toronto")
        started = time.perf_counter()
        fill(account, size, random.Random(size))
        print(f"{size} calls in one account, filled in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        today = timezone.localdate(timezone=account.tzinfo)
        start = today - timedelta(days=58)
        measure("59 days", account, stats_filter(start, today))
        measure(
            "59 days, nights + weekdays",
            account,
            stats_filter(start, today, **NIGHTS_AND_WEEKDAYS),
        )
        measure(
            "59 days, 17:30-08:15 Mon-Fri",
            account,
            stats_filter(start, today, after="17:30", before="08:15", days=[1, 2, 3, 4, 5]),
        )
        measure_writes(account)
        print(f"(PostgreSQL {connection.pg_version}; {datetime.now():%Y-%m-%d %H:%M})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    run()
