"""The billing cycle: from the 20th of a month to the 19th of the next, in local days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CYCLE_START_DAY = 20


@dataclass(frozen=True)
class Cycle:
    start: date  # the 20th
    end: date  # the 19th of the next month, included

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Cycle:
        return cycle_containing(self.start - timedelta(days=1))


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, day.day) if day.month == 12 else day.replace(month=day.month + 1)


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, day.day) if day.month == 1 else day.replace(month=day.month - 1)


def cycle_containing(day: date) -> Cycle:
    if day.day >= CYCLE_START_DAY:
        start = day.replace(day=CYCLE_START_DAY)
    else:
        start = _previous_month(day.replace(day=CYCLE_START_DAY))
    end = _next_month(start).replace(day=CYCLE_START_DAY - 1)
    return Cycle(start, end)


def last_complete_cycle(today: date) -> Cycle:
    """The latest cycle that ended before today (today itself may be a cycle's last day)."""
    return cycle_containing(today).previous()
