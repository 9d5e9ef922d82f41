"""The statistics filter and what it selects (docs/statistics.md, "The filter")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from portal.filters import DateRangeForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# URL values of the days of the week, Monday first; ISO weekday = index + 1.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = frozenset(range(1, 8))
DEFAULT_RANGE_DAYS = 30
TIME_FORMAT = "%H:%M"


@dataclass(frozen=True)
class StatsFilter:
    """A valid filter: local calendar days, a local time-of-day window, local weekdays."""

    start: date
    end: date  # inclusive
    after: time | None = None  # None: from midnight
    before: time | None = None  # None: to the end of the day
    days: frozenset[int] = ALL_DAYS  # ISO weekdays, 1 = Monday

    def instants(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """The UTC-comparable bounds [start, end) of the local days."""
        start = datetime.combine(self.start, time.min, tzinfo=tz)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    @property
    def after_minute(self) -> int:
        return self.after.hour * 60 + self.after.minute if self.after else 0

    @property
    def before_minute(self) -> int:
        return self.before.hour * 60 + self.before.minute if self.before else 24 * 60

    @property
    def whole_day(self) -> bool:
        return self.after_minute == 0 and self.before_minute == 24 * 60

    @property
    def all_days(self) -> bool:
        return self.days == ALL_DAYS

    def after_label(self) -> str:
        return self.after.strftime(TIME_FORMAT) if self.after else "00:00"

    def before_label(self) -> str:
        return self.before.strftime(TIME_FORMAT) if self.before else "23:59"

    def days_label(self) -> str:
        if self.all_days:
            return str(_("All"))
        return ", ".join(str(WEEKDAYS_ABBR[day - 1]) for day in sorted(self.days))

    def start_label(self) -> str:
        return date_format(self.start, "SHORT_DATE_FORMAT")

    def end_label(self) -> str:
        return date_format(self.end, "SHORT_DATE_FORMAT")


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_RANGE_DAYS - 1), today


def _time_of_day(label: StrOrPromise, help_text: StrOrPromise) -> forms.TimeField:
    """A local time of day (HH:MM) in the browser's time picker; empty is allowed."""
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=[TIME_FORMAT],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        help_text=help_text,
    )


class StatsFilterForm(DateRangeForm):
    """Bound to the query string; a missing value takes its default, a bad one is an error."""

    within_retention = True
    from_label = _("Start date")
    to_label = _("End date")
    default_days = DEFAULT_RANGE_DAYS

    after = _time_of_day(_("Calls after"), _("HH:MM, local time. Empty: from midnight."))
    before = _time_of_day(
        _("Calls before"),
        _("Empty: to the end of the day. Earlier than 'Calls after' wraps midnight."),
    )
    days = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=[(key, WEEKDAYS[index]) for index, key in enumerate(DAY_KEYS)],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("%(value)s is not a day of the week.")},
    )

    account: Account

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None,
        *,
        account: Account,
        today: date | None = None,
        choosable: Sequence[Account] = (),
    ) -> None:
        """`choosable`: the other accounts the user may add to the statistics."""
        super().__init__(data, account=account, today=today)
        self.accounts_field = AccountsField(account, choosable)
        self.fields["accounts"] = self.accounts_field

    def fill_defaults(self, data: QueryDict) -> QueryDict:
        start, end = default_range(self.today)
        if not data.get("from"):
            data["from"] = start.isoformat()
        if not data.get("to"):
            data["to"] = end.isoformat()
        if not data.getlist("days"):
            data.setlist("days", list(DAY_KEYS))
        return data

    @property
    def retention_days(self) -> int:
        return settings.RETENTION_DAYS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("after"), data.get("before")
        if after is not None and before is not None and after == before:
            self.add_error(
                "before", _("'Calls before' must differ from 'Calls after': no call would count.")
            )
        return data

    @property
    def choosable(self) -> list[Account]:
        return self.accounts_field.choosable

    @property
    def accounts(self) -> list[Account]:
        """The valid choice of accounts, the current one first (call after is_valid())."""
        return self.accounts_field.accounts(self.cleaned_data["accounts"])

    @property
    def filter(self) -> StatsFilter:
        """The valid filter (call after is_valid())."""
        data = self.cleaned_data
        first_day, last_day = self.first_day, self.last_day
        assert first_day is not None and last_day is not None  # both filled by default
        return StatsFilter(
            start=first_day,
            end=last_day,
            after=data["after"],
            before=data["before"],
            days=frozenset(DAY_KEYS.index(key) + 1 for key in data["days"]),
        )


ALL_ACCOUNTS = "all"


class AccountCheckboxes(forms.CheckboxSelectMultiple):
    """The accounts as checkboxes; the current account's is ticked and cannot be unticked."""

    def __init__(self, current: str):
        super().__init__(attrs={"class": "form-check-input", "data-stats-accounts": ""})
        self.current = current

    def optgroups(self, name, value, attrs=None):
        if ALL_ACCOUNTS in value:  # every account is in: show each one ticked
            value = [str(choice) for choice, _label in self.choices]
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) == self.current:
            option["selected"] = option["current"] = True
            option["attrs"] |= {"checked": True, "disabled": True}
        return option


class AccountsField(forms.MultipleChoiceField):
    """`accounts`: account numbers (repeated), or `all`; the current account is always in.

    Only the user's accounts whose role allows statistics can be chosen. Any other value,
    an account that exists or not, gets the same message, so the field never tells
    whether an account exists.
    """

    def __init__(self, current: Account, choosable: Sequence[Account]):
        self.current = current
        self.choosable = [current, *(a for a in choosable if a.pk != current.pk)]
        super().__init__(
            label=_("Accounts"),
            required=False,
            choices=[(ALL_ACCOUNTS, _("All my accounts"))]
            + [(str(a.number), f"{a.number} {a.name}") for a in self.choosable],
            widget=AccountCheckboxes(str(current.number)),
            error_messages={
                "invalid_choice": _(
                    "%(value)s is not one of your accounts with statistics: choose among "
                    "those listed."
                )
            },
        )

    def accounts(self, values: list[str]) -> list[Account]:
        if ALL_ACCOUNTS in values:
            return self.choosable
        chosen = {self.current.number, *(int(value) for value in values)}
        return [account for account in self.choosable if account.number in chosen]
