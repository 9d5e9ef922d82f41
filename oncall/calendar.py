"""What a day, week, month or list view shows: its period, its days and colours, its shifts.

Built from two queries (the shifts with their comment counts, then their assignment rows),
whatever the number of shifts, so the page, the PDF and the banner stay fast.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncall.models import Schedule, Shift
from oncall.resolver import GREEN, RED, YELLOW, Coverage, Segment, local_day_bounds
from portal.filters import EARLIEST, LATEST

VIEWS = ("day", "week", "month", "list")
LIST_DAYS = 28
# The calendar shows the years shifts may lie in (oncall.models.EARLIEST..LATEST), the
# portal's date range (portal.filters), so no view, step or grid ever reaches a date
# Python cannot hold.
FIRST_DAY, LAST_DAY = EARLIEST, LATEST

COLOUR_LABELS = {
    GREEN: _("Covered"),
    YELLOW: _("Partly covered"),
    RED: _("Not covered"),
}


def _within_range(value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )


class PeriodForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
            ("list", _("List")),
        ],
    )
    date = forms.DateField(
        label=_("Date"), required=False, input_formats=["%Y-%m-%d"], validators=[_within_range]
    )
    gaps = forms.BooleanField(label=_("Only shifts not fully covered"), required=False)


@dataclass
class Period:
    view: str
    anchor: date
    first: date
    last: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def bounds(self, tz) -> tuple[datetime, datetime]:
        return local_day_bounds(self.first, tz)[0], local_day_bounds(self.last, tz)[1]

    @property
    def previous(self) -> date:
        return _step(self.view, self.anchor, -1)

    @property
    def next(self) -> date:
        return _step(self.view, self.anchor, 1)


def _step(view: str, anchor: date, sign: int) -> date:
    if view == "day":
        return anchor + timedelta(days=sign)
    if view == "week":
        return anchor + timedelta(days=7 * sign)
    if view == "list":
        return anchor + timedelta(days=LIST_DAYS * sign)
    month = anchor.month - 1 + sign
    year = anchor.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(anchor.day, pycalendar.monthrange(year, month)[1]))


def period_of(view: str, anchor: date) -> Period:
    if view == "day":
        return Period(view, anchor, anchor, anchor)
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return Period(view, anchor, first, first + timedelta(days=6))
    if view == "list":
        return Period(view, anchor, anchor, anchor + timedelta(days=LIST_DAYS - 1))
    first = anchor.replace(day=1)
    last = anchor.replace(day=pycalendar.monthrange(anchor.year, anchor.month)[1])
    return Period("month", anchor, first, last)


@dataclass
class RankRow:
    rank: int
    segments: list[Segment]

    @property
    def whole(self) -> Segment | None:
        """The one segment when a single person (or nobody) holds the whole shift."""
        return self.segments[0] if len(self.segments) == 1 else None

    @property
    def has_gap(self) -> bool:
        return any(s.assignment is None for s in self.segments)


@dataclass
class ShiftRow:
    shift: Shift
    ranks: list[RankRow]
    comment_count: int
    colour: str  # the legend's: green covered, yellow partly, red not at all
    now_on_call: list = field(default_factory=list)

    @property
    def fully_covered(self) -> bool:
        return self.colour == GREEN


@dataclass
class DayCell:
    day: date
    colour: str | None
    in_period: bool = True
    shifts: list[ShiftRow] = field(default_factory=list)

    @property
    def colour_label(self):
        return COLOUR_LABELS.get(self.colour, "") if self.colour else ""


@dataclass
class CalendarView:
    schedule: Schedule
    period: Period
    days: list[DayCell]
    shifts: list[ShiftRow]
    weeks: list[list[DayCell]]
    today: date


def shifts_between(schedule: Schedule, start: datetime, end: datetime):
    return (
        Shift.objects.filter(schedule=schedule)
        .overlapping(start, end)
        .displayable("calendar")
        .annotate(comment_count=Count("comments"))
        .order_by("starts_at")
    )


def build(
    schedule: Schedule, period: Period, *, gaps_only: bool = False, now: datetime | None = None
) -> CalendarView:
    tz = schedule.tzinfo
    now = now or timezone.now()
    first_shown = period.first
    last_shown = period.last
    if period.view == "month":  # the grid shows whole weeks, Monday first
        first_shown = period.first - timedelta(days=period.first.weekday())
        last_shown = period.last + timedelta(days=6 - period.last.weekday())
    start = local_day_bounds(first_shown, tz)[0]
    end = local_day_bounds(last_shown, tz)[1]
    shifts = list(shifts_between(schedule, start, end))
    for shift in shifts:
        shift.schedule = schedule
    coverage = Coverage(shifts)
    rows = {}
    for shift in shifts:
        rows[shift.pk] = ShiftRow(
            shift=shift,
            ranks=[RankRow(rank, coverage.segments(shift, rank)) for rank in shift.rank_numbers],
            comment_count=shift.comment_count,
            colour=coverage.shift_colour(shift),
            now_on_call=coverage.on_call(shift, now) if shift.is_running(now) else [],
        )
    cells = []
    day = first_shown
    while day <= last_shown:
        lo, hi = local_day_bounds(day, tz)
        cell = DayCell(
            day=day, colour=coverage.colour(lo, hi), in_period=period.first <= day <= period.last
        )
        cell.shifts = [rows[s.pk] for s in shifts if s.starts_at < hi and s.ends_at > lo]
        cells.append(cell)
        day += timedelta(days=1)
    p_start, p_end = period.bounds(tz)
    listed = [rows[s.pk] for s in shifts if s.starts_at < p_end and s.ends_at > p_start]
    if gaps_only:
        listed = [row for row in listed if not row.fully_covered]
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)] if period.view == "month" else []
    return CalendarView(
        schedule=schedule,
        period=period,
        days=[c for c in cells if c.in_period],
        shifts=listed,
        weeks=weeks,
        today=timezone.localtime(now, tz).date(),
    )
