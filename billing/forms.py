"""The billable-calls filter: a range of local days within the last 60."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import QueryDict

from billing.cycles import last_complete_cycle
from portal.filters import DateRangeForm, earliest_kept_day


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date  # included


def default_range(today: date) -> tuple[DayRange, date | None]:
    """The last complete cycle, cut to the last 60 days; and the cycle's real start if cut."""
    cycle = last_complete_cycle(today)
    earliest = earliest_kept_day(today)
    if cycle.start < earliest:
        return DayRange(earliest, cycle.end), cycle.start
    return DayRange(cycle.start, cycle.end), None


class BillableCallsForm(DateRangeForm):
    """`from` and `to` (YYYY-MM-DD). A missing one takes its default: both missing is the
    last complete billing cycle; `from` alone runs to today; `to` alone starts as far back
    as calls are kept. A start older than 60 days is refused next to the field."""

    within_retention = True

    def fill_defaults(self, data: QueryDict) -> QueryDict:
        self.default, self.cut_cycle_start = default_range(self.today)
        given_from, given_to = data.get("from", ""), data.get("to", "")
        self.is_default = not given_from and not given_to
        if self.is_default:
            data["from"] = self.default.start.isoformat()
            data["to"] = self.default.end.isoformat()
        elif not given_from:
            data["from"] = earliest_kept_day(self.today).isoformat()
        elif not given_to:
            data["to"] = self.today.isoformat()
        return data

    @property
    def day_range(self) -> DayRange:
        """The valid range of local days, both included."""
        first_day, last_day = self.first_day, self.last_day
        assert first_day is not None and last_day is not None  # both filled by default
        return DayRange(first_day, last_day)
