"""Day colours (docs/oncall.md, "Colours") and shifts across Toronto's 2026 DST changes."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from oncall import actions
from oncall.actions import repeat_shift
from oncall.calendar import build, period_of
from oncall.resolver import GREEN, RED, YELLOW, Coverage, day_colours, local_day_bounds
from tests.factories import TORONTO, future_day, make_contact, make_schedule, make_shift

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def schedule(account):
    return make_schedule(account)


@pytest.fixture
def ann(account):
    return make_contact(account, "Ann")


def colour_of(schedule, day):
    start, end = local_day_bounds(day, TORONTO)
    shifts = list(schedule.shifts.overlapping(start, end))
    return Coverage(shifts).colour(start, end)


def test_no_shift_no_colour(schedule):
    assert colour_of(schedule, future_day(3).date()) is None


def test_empty_shift_is_red_full_is_green_partial_is_yellow(schedule, ann, alice):
    start = future_day(3)  # 07:30 local, 24 h: overlaps two local days
    shift = make_shift(schedule, start, hours=24)
    day1, day2 = start.date(), start.date() + timedelta(days=1)
    assert colour_of(schedule, day1) == RED
    actions.override(shift, 1, ann, start + 18 * H, start + 20 * H, alice)  # 01:30-03:30 next day
    assert colour_of(schedule, day1) == RED
    assert colour_of(schedule, day2) == YELLOW
    actions.assign(shift, 1, ann, alice)
    assert colour_of(schedule, day1) == GREEN
    assert colour_of(schedule, day2) == GREEN
    assert colour_of(schedule, day2 + timedelta(days=1)) is None


def test_one_rank_covered_and_another_empty_is_yellow(schedule, ann, alice):
    start = future_day(4)
    shift = make_shift(schedule, start, hours=10, ranks=2)
    actions.assign(shift, 1, ann, alice)
    assert colour_of(schedule, start.date()) == YELLOW
    actions.assign(shift, 2, ann, alice)
    assert colour_of(schedule, start.date()) == GREEN


def test_a_day_with_a_gap_between_two_shifts_is_judged_on_the_shifts_only(schedule, ann, alice):
    start = future_day(5, 8, 0)
    first = make_shift(schedule, start, hours=2)
    second = make_shift(schedule, start + 5 * H, hours=2)
    actions.assign(first, 1, ann, alice)
    assert colour_of(schedule, start.date()) == YELLOW
    actions.assign(second, 1, ann, alice)
    assert colour_of(schedule, start.date()) == GREEN


def test_unassigned_override_turns_the_day_back(schedule, ann, alice):
    start = future_day(6)
    shift = make_shift(schedule, start, hours=4)
    row = actions.override(shift, 1, ann, start, start + 4 * H, alice)
    assert colour_of(schedule, start.date()) == GREEN
    actions.unassign(row, alice)
    assert colour_of(schedule, start.date()) == RED


def _weekly_shift(schedule, monday: date):
    start = datetime(monday.year, monday.month, monday.day, 7, 30, tzinfo=TORONTO)
    end = start.replace(day=monday.day) + timedelta(days=7)  # wall-clock arithmetic
    shift = make_shift(schedule, start, hours=(end.timestamp() - start.timestamp()) / 3600)
    shift.refresh_from_db()  # instants in UTC, as everywhere else
    return shift


@pytest.mark.parametrize(("monday", "hours"), [(date(2026, 3, 2), 167), (date(2026, 10, 26), 169)])
def test_weekly_monday_shift_across_dst_lasts_167_or_169_hours_and_shows_0730(
    schedule, monday, hours
):
    shift = _weekly_shift(schedule, monday)
    assert (shift.ends_at - shift.starts_at) == timedelta(hours=hours)
    start, end = (
        timezone.localtime(shift.starts_at, TORONTO),
        timezone.localtime(shift.ends_at, TORONTO),
    )
    assert (start.strftime("%a %H:%M"), end.strftime("%a %H:%M")) == ("Mon 07:30", "Mon 07:30")


@pytest.mark.parametrize(
    ("monday", "dst_day"),
    [(date(2026, 3, 2), date(2026, 3, 8)), (date(2026, 10, 26), date(2026, 11, 1))],
)
def test_dst_day_is_covered_all_day_and_colours_every_local_day(
    schedule, ann, alice, monday, dst_day
):
    shift = _weekly_shift(schedule, monday)
    actions.assign(shift, 1, ann, alice, now=shift.starts_at - timedelta(days=1))
    days = [monday + timedelta(days=i) for i in range(8)]
    colours = day_colours(Coverage([shift]), days, TORONTO)
    assert set(colours.values()) == {GREEN}
    start, end = local_day_bounds(dst_day, TORONTO)
    assert (end - start) == timedelta(hours=23 if dst_day.month == 3 else 25)


def test_dst_day_half_covered_is_yellow(schedule, ann, alice):
    shift = _weekly_shift(schedule, date(2026, 3, 2))
    at = shift.starts_at - timedelta(days=1)
    night_start = datetime(2026, 3, 8, 0, 0, tzinfo=TORONTO)
    night_end = datetime(2026, 3, 8, 12, 0, tzinfo=TORONTO)
    actions.override(shift, 1, ann, night_start, night_end, alice, now=at)
    colours = day_colours(Coverage([shift]), [date(2026, 3, 7), date(2026, 3, 8)], TORONTO)
    assert colours == {date(2026, 3, 7): RED, date(2026, 3, 8): YELLOW}
    assert night_end.timestamp() - night_start.timestamp() == 11 * 3600  # the night lost an hour


def test_repeat_every_week_keeps_monday_0730_across_both_changes(schedule):
    shift = _weekly_shift(schedule, date(2026, 2, 23))
    created, skipped = repeat_shift(shift, timedelta(weeks=1), 40)
    assert skipped == []
    assert len(created) == 40
    for copy in created:
        start = timezone.localtime(copy.starts_at, TORONTO)
        end = timezone.localtime(copy.ends_at, TORONTO)
        assert (start.strftime("%a %H:%M"), end.strftime("%a %H:%M")) == ("Mon 07:30", "Mon 07:30")
    lengths = {round((c.ends_at.timestamp() - c.starts_at.timestamp()) / 3600) for c in created}
    assert lengths == {167, 168, 169}


def test_month_view_colours_come_from_the_same_resolver(schedule, ann, alice):
    shift = _weekly_shift(schedule, date(2026, 10, 26))
    actions.assign(shift, 1, ann, alice, now=shift.starts_at - timedelta(days=1))
    cal = build(schedule, period_of("month", date(2026, 11, 1)))
    by_day = {cell.day: cell.colour for week in cal.weeks for cell in week}
    assert by_day[date(2026, 10, 26)] == GREEN  # from 07:30 on, the day's only shift is covered
    assert by_day[date(2026, 11, 2)] == GREEN
    assert by_day[date(2026, 11, 3)] is None
