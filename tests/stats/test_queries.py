"""The figures of docs/statistics.md, read from the rollup for one account and one filter."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from stats.forms import StatsFilter
from stats.queries import call_counts
from stats.report import statistics_report
from stats.table import statistics_rows
from tests.factories import make_call, make_worked_example

pytestmark = pytest.mark.django_db

NOVEMBER = StatsFilter(start=date(2026, 11, 2), end=date(2026, 11, 20))


def at(account, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A local time in November 2026 in the account's zone (Toronto: UTC-5)."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=account.tzinfo)


def table(account, stats_filter=NOVEMBER) -> dict:
    rows = statistics_rows(call_counts([account.pk], stats_filter).totals)
    return {row.key: (row.unit, row.percent) for row in rows}


def calls_by_hour(account, stats_filter=NOVEMBER) -> list[dict]:
    return call_counts([account.pk], stats_filter).by_hour


def calls_by_weekday(account, stats_filter=NOVEMBER) -> list[dict]:
    return call_counts([account.pk], stats_filter).by_weekday


def d(text: str) -> Decimal:
    return Decimal(text)


def test_worked_example_of_statistics_md_figure_by_figure(account):
    make_worked_example(account, at(account, 10, 14))

    assert table(account) == {
        "total": (3, d("100.0")),
        "automated": (1, d("33.3")),
        "agent": (2, d("66.7")),
        "system_abandon": (0, d("0.0")),
        "assigned": (2, d("66.7")),
        "agent_abandon": (0, d("0.0")),
        "answered_of_total": (2, d("66.7")),
        "answered_of_assigned": (2, d("100.0")),
        "avg_work": (d("175.0"), None),
        "held": (1, d("50.0")),
        "avg_hold": (d("30.0"), None),
        "avg_wait": (d("27.0"), None),
        "within_30": (1, d("50.0")),
        "patches": (1, None),
        "patch_time": (d("1.5"), None),
        "busies": (1, None),
    }


def test_rows_keep_the_seed_order_labels_and_explanations(account):
    rows = statistics_rows(call_counts([account.pk], NOVEMBER).totals)
    assert [str(row.label) for row in rows][:3] == [
        "Total Incoming Calls",
        "Automated Calls",
        "Agent Calls",
    ]
    assert str(rows[-1].label) == "Busies"
    assert str(rows[0].explanation).startswith("All incoming telephone calls")
    assert len(rows) == 16


def test_empty_filter_gives_zeros_and_blanks_without_error(account):
    figures = table(account)
    counted = ["total", "automated", "agent", "system_abandon", "assigned", "agent_abandon"]
    counted += ["answered_of_total", "answered_of_assigned", "held", "within_30", "patches"]
    counted += ["busies"]
    for key in counted:
        assert figures[key] == (0, None), key
    for key in ["avg_work", "avg_hold", "avg_wait", "patch_time"]:
        assert figures[key] == (None, None), key


def test_outbound_calls_never_count(account):
    make_call(account, at(account, 10, 14), direction="outbound")
    make_call(account, at(account, 10, 14), direction="outbound", busy=True, duration_s=0)
    figures = table(account)
    assert figures["total"] == (0, None)
    assert figures["busies"] == (0, None)


def test_calls_of_another_account_never_count(account, other_account):
    make_worked_example(other_account, at(other_account, 10, 14))
    make_call(account, at(account, 10, 14))
    figures = table(account)
    assert figures["total"] == (1, d("100.0"))
    assert figures["busies"] == (0, None)
    assert sum(b["answered"] for b in calls_by_hour(account, NOVEMBER)) == 1


def test_duration_of_6_seconds_is_not_a_call_7_is(account):
    make_call(account, at(account, 10, 14), duration_s=6, queued_s=None, answered_s=None)
    make_call(account, at(account, 10, 14), duration_s=7, queued_s=None, answered_s=None)
    assert table(account)["total"][0] == 1


def test_hang_up_9_seconds_after_answer_is_automated_10_is_answered(account):
    make_call(account, at(account, 10, 14), duration_s=21, answered_s=12)
    make_call(account, at(account, 10, 14), duration_s=22, answered_s=12)
    figures = table(account)
    assert figures["automated"][0] == 1
    assert figures["answered_of_total"][0] == 1


def test_hang_up_9_seconds_after_asking_for_agent_is_automated_10_is_abandon(account):
    unanswered = {"assigned_s": None, "answered_s": None, "work_s": None, "queued_s": 5}
    make_call(account, at(account, 10, 14), duration_s=14, **unanswered)
    make_call(account, at(account, 10, 14), duration_s=15, **unanswered)
    figures = table(account)
    assert figures["automated"][0] == 1
    assert figures["system_abandon"][0] == 1


def test_assigned_but_unanswered_is_agent_abandon(account):
    make_call(account, at(account, 10, 14), duration_s=60, assigned_s=3, answered_s=None)
    figures = table(account)
    assert figures["agent_abandon"] == (1, d("100.0"))
    assert figures["answered_of_assigned"] == (0, d("0.0"))


def test_hold_of_10_seconds_is_not_held_11_is(account):
    make_call(account, at(account, 10, 14), hold_s=10)
    make_call(account, at(account, 10, 14), hold_s=11)
    figures = table(account)
    assert figures["held"] == (1, d("50.0"))
    assert figures["avg_hold"] == (d("11.0"), None)


def test_wait_of_30_seconds_is_within_30_31_is_not(account):
    make_call(account, at(account, 10, 14), queued_s=2, assigned_s=20, answered_s=32)
    make_call(account, at(account, 10, 14), queued_s=2, assigned_s=20, answered_s=33)
    figures = table(account)
    assert figures["within_30"] == (1, d("50.0"))
    assert figures["avg_wait"] == (d("30.5"), None)


def test_averages_round_half_up_to_one_decimal(account):
    for work in (100, 100, 100, 101):  # mean 100.25
        make_call(account, at(account, 10, 14), work_s=work)
    make_call(account, at(account, 10, 14), work_s=None, patch_s=9)  # 0.15 min
    figures = table(account)
    assert figures["avg_work"] == (d("100.3"), None)  # a missing work time is not a zero
    assert figures["patch_time"] == (d("0.2"), None)


def test_range_is_whole_local_days_inclusive(account):
    narrow = StatsFilter(start=date(2026, 11, 10), end=date(2026, 11, 11))
    make_call(account, at(account, 9, 23, 59, 59))  # out: the day before
    make_call(account, at(account, 10, 0, 0, 0))  # in: first local instant
    make_call(account, at(account, 11, 23, 59, 59))  # in: last second of the end date
    make_call(account, at(account, 12, 0, 0, 0))  # out
    assert table(account, narrow)["total"][0] == 2


def window(after: str | None, before: str | None, **extra) -> StatsFilter:
    parse = lambda text: time.fromisoformat(text) if text else None  # noqa: E731
    return StatsFilter(
        start=NOVEMBER.start, end=NOVEMBER.end, after=parse(after), before=parse(before), **extra
    )


def test_time_window_without_wrap_in_account_time_zone(account):
    for hour, minute in [(7, 59), (8, 0), (16, 59), (17, 0)]:
        make_call(account, at(account, 10, hour, minute, 30))
    counted = calls_by_hour(account, window("08:00", "17:00"))
    assert table(account, window("08:00", "17:00"))["total"][0] == 2
    assert {b["key"]: b["answered"] for b in counted if b["answered"]} == {8: 1, 16: 1}


def test_night_window_wraps_midnight_in_account_time_zone(account):
    make_call(account, at(account, 10, 23, 30))  # 04:30 UTC the next day: in
    make_call(account, at(account, 10, 17, 0))  # in: "after" is inclusive
    make_call(account, at(account, 11, 7, 59, 59))  # in
    make_call(account, at(account, 11, 8, 0))  # out: "before" is exclusive
    make_call(account, at(account, 11, 12, 0))  # 17:00 UTC: out in local time
    assert table(account, window("17:00", "08:00"))["total"][0] == 3


def test_after_alone_and_before_alone(account):
    make_call(account, at(account, 10, 6, 0))
    make_call(account, at(account, 10, 20, 0))
    assert table(account, window("18:00", None))["total"][0] == 1
    assert table(account, window(None, "07:00"))["total"][0] == 1


def test_weekday_is_the_local_one(account):
    # Sunday 15 November 2026, 21:00 in Toronto is Monday 02:00 UTC.
    make_call(account, at(account, 15, 21, 0))
    assert table(account, window(None, None, days=frozenset({7})))["total"][0] == 1
    assert table(account, window(None, None, days=frozenset({1})))["total"][0] == 0
    by_day = calls_by_weekday(account, NOVEMBER)
    assert [b["answered"] for b in by_day] == [0, 0, 0, 0, 0, 0, 1]


def test_weekday_subset_and_window_combined(account):
    make_call(account, at(account, 16, 22, 0))  # Monday night: in
    make_call(account, at(account, 14, 22, 0))  # Saturday night: out
    make_call(account, at(account, 16, 12, 0))  # Monday noon: out
    weeknights = window("17:00", "08:00", days=frozenset({1, 2, 3, 4, 5}))
    assert table(account, weeknights)["total"][0] == 1


def test_distributions_stack_answered_automated_and_abandoned(account):
    make_worked_example(account, at(account, 10, 14))  # at 14:00: c1, c4 answered; c3 automated
    make_call(account, at(account, 10, 9), assigned_s=None, answered_s=None, duration_s=60)
    hours = {b["key"]: b for b in calls_by_hour(account, NOVEMBER)}
    assert len(hours) == 24
    assert (hours[14]["answered"], hours[14]["automated"], hours[14]["abandoned"]) == (2, 1, 0)
    assert hours[9]["abandoned"] == 1
    days = calls_by_weekday(account, NOVEMBER)
    assert days[1]["answered"] == 2  # Tuesday 10 November


def test_report_is_one_query_whatever_the_number_of_calls(account, django_assert_num_queries):
    for _ in range(5):
        make_call(account, at(account, 10, 14))
    with django_assert_num_queries(1):
        small = statistics_report([account], window("17:30", "08:15", days=frozenset({1, 2})))
    for index in range(195):
        make_call(account, at(account, 2 + index % 18, index % 24, index % 60))
    with django_assert_num_queries(1):
        large = statistics_report([account], window("17:30", "08:15", days=frozenset({1, 2})))
    assert small.rows[0].label == large.rows[0].label
    assert large.rows[0].unit > small.rows[0].unit
