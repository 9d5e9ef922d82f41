"""Who is on call (docs/oncall.md): the one answer the pages, colours, PDF, banner and API share.

At instant t for rank r: the active override of (shift containing t, r) whose window
contains t; otherwise the active base assignment of (shift, r); otherwise nobody.

A row is effective over [max(window start, created_at), min(window end, ended_at)), so
a change takes effect when it is made and an unassignment keeps the time served. "As the
agents saw it at x" keeps the rows created at or before x, with the endings made at or
before x, and ignores any later ending: the answer the portal gave at x.

Everything here works on rows loaded once for a set of shifts (`Coverage`): no query per
shift or per rank.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from directory.models import ContactMethod
from oncall.models import Assignment, Schedule, Shift


@dataclass(frozen=True)
class Segment:
    """A stretch of one rank of one shift with one person (or nobody)."""

    start: datetime
    end: datetime
    assignment: Assignment | None

    @property
    def contact(self):
        return self.assignment.contact if self.assignment else None

    @property
    def source(self) -> str | None:
        return self.assignment.kind if self.assignment else None

    @property
    def is_override(self) -> bool:
        return bool(self.assignment and self.assignment.is_override)


@dataclass
class RankOnCall:
    rank: int
    assignment: Assignment | None
    until: datetime | None

    @property
    def contact(self):
        return self.assignment.contact if self.assignment else None

    @property
    def source(self) -> str | None:
        return self.assignment.kind if self.assignment else None


@dataclass
class OnCall:
    at: datetime
    schedule: Schedule
    shift: Shift | None
    ranks: list[RankOnCall] = field(default_factory=list)


def _rows_of(shift_ids, as_seen_at=None, with_methods=False):
    rows = Assignment.objects.filter(shift_id__in=shift_ids).select_related("contact")
    if with_methods:
        rows = rows.prefetch_related(
            Prefetch("contact__methods", queryset=ContactMethod.objects.order_by("position", "pk"))
        )
    if as_seen_at is not None:
        rows = rows.filter(created_at__lte=as_seen_at)
    return rows


class Coverage:
    """The assignment rows of some shifts, loaded in one query, and what they mean."""

    def __init__(self, shifts, as_seen_at: datetime | None = None, *, with_methods: bool = False):
        self.shifts = list(shifts)
        self.as_seen_at = as_seen_at
        self.rows: dict[int, list[Assignment]] = defaultdict(list)
        if self.shifts:
            for row in _rows_of([s.pk for s in self.shifts], as_seen_at, with_methods):
                self.rows[row.shift_id].append(row)
        self._segments: dict[tuple[int, int], list[Segment]] = {}

    def _effective(self, row: Assignment, shift: Shift) -> tuple[datetime, datetime]:
        # As seen at x, a row ended later than x was still in force: ignore its ending.
        if self.as_seen_at is not None and row.ended_at is not None:
            return row.effective(shift, ignore_end=row.ended_at > self.as_seen_at)
        return row.effective(shift)

    def segments(self, shift: Shift, rank: int) -> list[Segment]:
        """The rank's whole shift cut into stretches with one person each (or a gap)."""
        key = (shift.pk, rank)
        if key in self._segments:
            return self._segments[key]
        spans = []
        for row in self.rows.get(shift.pk, ()):
            if row.rank != rank:
                continue
            start, end = self._effective(row, shift)
            start, end = max(start, shift.starts_at), min(end, shift.ends_at)
            if start < end:
                spans.append((start, end, row))
        cuts = sorted({shift.starts_at, shift.ends_at} | {p for s, e, _r in spans for p in (s, e)})
        result: list[Segment] = []
        for start, end in zip(cuts, cuts[1:], strict=False):
            winner = _winner(spans, start)
            if result and result[-1].assignment is winner:
                result[-1] = Segment(result[-1].start, end, winner)
            else:
                result.append(Segment(start, end, winner))
        self._segments[key] = result
        return result

    def at(
        self, shift: Shift, rank: int, moment: datetime
    ) -> tuple[Assignment | None, datetime | None]:
        """Who covers `rank` at `moment`, and until when that coverage lasts."""
        for segment in self.segments(shift, rank):
            if segment.start <= moment < segment.end:
                return segment.assignment, segment.end
        return None, None

    def covered_seconds(self, shift: Shift, rank: int, start: datetime, end: datetime) -> float:
        total = 0.0
        for segment in self.segments(shift, rank):
            if segment.assignment is None:
                continue
            lo, hi = max(segment.start, start), min(segment.end, end)
            if lo < hi:
                total += seconds_between(lo, hi)
        return total

    def is_fully_covered(
        self, shift: Shift, start: datetime | None = None, end: datetime | None = None
    ) -> bool:
        start = max(start or shift.starts_at, shift.starts_at)
        end = min(end or shift.ends_at, shift.ends_at)
        if start >= end:
            return True
        need = seconds_between(start, end)
        return all(self.covered_seconds(shift, r, start, end) >= need for r in shift.rank_numbers)

    def shift_colour(self, shift: Shift) -> str:
        """The legend's colour for one whole shift: every rank covered, none, or in between."""
        need = seconds_between(shift.starts_at, shift.ends_at)
        covered = [
            self.covered_seconds(shift, rank, shift.starts_at, shift.ends_at)
            for rank in shift.rank_numbers
        ]
        if all(c >= need for c in covered):
            return GREEN
        if all(c <= 0 for c in covered):
            return RED
        return YELLOW

    def colour(self, day_start: datetime, day_end: datetime) -> str | None:
        """green / yellow / red for the shifts overlapping [day_start, day_end), None if none."""
        parts = 0
        full = 0
        empty = 0
        for shift in self.shifts:
            lo, hi = max(shift.starts_at, day_start), min(shift.ends_at, day_end)
            if lo >= hi:
                continue
            need = seconds_between(lo, hi)
            for rank in shift.rank_numbers:
                parts += 1
                covered = self.covered_seconds(shift, rank, lo, hi)
                if covered >= need:
                    full += 1
                elif covered <= 0:
                    empty += 1
        if parts == 0:
            return None
        if full == parts:
            return GREEN
        if empty == parts:
            return RED
        return YELLOW

    def on_call(self, shift: Shift | None, moment: datetime) -> list[RankOnCall]:
        if shift is None:
            return []
        result = []
        for rank in shift.rank_numbers:
            assignment, until = self.at(shift, rank, moment)
            result.append(
                RankOnCall(rank=rank, assignment=assignment, until=until if assignment else None)
            )
        return result


GREEN, YELLOW, RED = "green", "yellow", "red"


def _winner(spans, moment: datetime) -> Assignment | None:
    """The rule of docs/oncall.md at one instant: an override, else the base, else nobody."""
    override = base = None
    for start, end, row in spans:
        if not (start <= moment < end):
            continue
        if row.is_override:
            if override is None or row.created_at > override.created_at:
                override = row
        elif base is None or row.created_at > base.created_at:
            base = row
    return override or base


def shift_at(schedule: Schedule, moment: datetime) -> Shift | None:
    shifts = schedule.shifts.filter(starts_at__lte=moment, ends_at__gt=moment)
    return shifts.displayable("who is on call").first()


def who_is_on_call(
    schedule: Schedule,
    at: datetime | None = None,
    rank: int | None = None,
    as_seen_at: datetime | None = None,
    *,
    with_methods: bool = False,
) -> OnCall:
    """Who the agents call at instant `at` (default now), per rank or for one rank."""
    at = at or timezone.now()
    shift = shift_at(schedule, at)
    if shift is None:
        return OnCall(at=at, schedule=schedule, shift=None)
    coverage = Coverage([shift], as_seen_at=as_seen_at, with_methods=with_methods)
    ranks = coverage.on_call(shift, at)
    if rank is not None:
        ranks = [r for r in ranks if r.rank == rank]
    return OnCall(at=at, schedule=schedule, shift=shift, ranks=ranks)


def on_call_now_for_schedules(schedules, at: datetime) -> list[OnCall]:
    """The banner: who is on call now on each schedule, in two queries whatever the count."""
    schedules = list(schedules)
    running = Shift.objects.filter(schedule__in=schedules, starts_at__lte=at, ends_at__gt=at)
    shifts = {s.schedule_id: s for s in running.displayable("home page banner")}
    coverage = Coverage(shifts.values())
    result = []
    for schedule in schedules:
        shift = shifts.get(schedule.pk)
        if shift is not None:
            shift.schedule = schedule
        result.append(
            OnCall(at=at, schedule=schedule, shift=shift, ranks=coverage.on_call(shift, at))
        )
    return result


def local_day_bounds(day: date, tz) -> tuple[datetime, datetime]:
    """The instants [start, end) of local day `day` in `tz` (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    # In UTC: Python subtracts two datetimes of one zone by wall clock (24 h on a 23 h day).
    return start.astimezone(UTC), end.astimezone(UTC)


def seconds_between(start: datetime, end: datetime) -> float:
    """Elapsed seconds, right across a DST change whatever the zones of the two instants."""
    return end.timestamp() - start.timestamp()


def day_colours(coverage: Coverage, days, tz) -> dict[date, str | None]:
    colours = {}
    for day in days:
        start, end = local_day_bounds(day, tz)
        colours[day] = coverage.colour(start, end)
    return colours
