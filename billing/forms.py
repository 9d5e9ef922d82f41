"""The billable-calls filter: a range of local days within the last 60."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.cycles import last_complete_cycle


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date  # included


def earliest_day(today: date) -> date:
    return today - timedelta(days=getattr(settings, "RETENTION_DAYS", 60))


def default_range(today: date) -> tuple[DayRange, date | None]:
    """The last complete cycle, cut to the last 60 days; and the cycle's real start if cut."""
    cycle = last_complete_cycle(today)
    earliest = earliest_day(today)
    if cycle.start < earliest:
        return DayRange(earliest, cycle.end), cycle.start
    return DayRange(cycle.start, cycle.end), None


class BillableCallsForm(forms.Form):
    """`from` and `to` (YYYY-MM-DD). A missing one takes its default: both missing is the
    last complete billing cycle; `from` alone runs to today; `to` alone starts as far back
    as calls are kept. A start older than 60 days is refused next to the field."""

    def __init__(self, query: QueryDict, *, today: date):
        self.today = today
        self.default, self.cut_cycle_start = default_range(today)
        data = query.copy()
        given_from, given_to = data.get("from", ""), data.get("to", "")
        if not given_from and not given_to:
            data["from"] = self.default.start.isoformat()
            data["to"] = self.default.end.isoformat()
        elif not given_from:
            data["from"] = earliest_day(today).isoformat()
        elif not given_to:
            data["to"] = today.isoformat()
        self.is_default = not given_from and not given_to
        super().__init__(data)
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"), input_formats=["%Y-%m-%d"], widget=date_input
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To"), input_formats=["%Y-%m-%d"], widget=date_input
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        earliest = earliest_day(self.today)
        if start is not None and start < earliest:
            self.add_error(
                "from",
                _("Billed calls are kept for 60 days: start on %(date)s or later.")
                % {"date": formats.date_format(earliest, "SHORT_DATE_FORMAT")},
            )
        if start is not None and end is not None and end < start:
            self.add_error("to", _("The end of the range is before its start."))
        return cleaned

    @property
    def day_range(self) -> DayRange:
        return DayRange(self.cleaned_data["from"], self.cleaned_data["to"])

    @property
    def from_field(self) -> forms.BoundField:
        return self["from"]

    @property
    def to_field(self) -> forms.BoundField:
        return self["to"]
