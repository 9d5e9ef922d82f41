"""The date range every list page filters by: `from` and `to` in its query string.

The same two parameters on every page (messages, calls, billable calls, statistics, the
access log), read the same way:

- `YYYY-MM-DD`, and on pages that take a time (`with_time`) also `YYYY-MM-DDTHH:MM`;
- wall-clock dates and times of the account's time zone;
- `from` a date starts at 00:00 that day; `to` a date includes that whole day, `to` a
  date and time includes that minute;
- only dates from 1970-01-01 to 2099-12-31: anything else, like anything unreadable,
  is an error next to its field, and the page shows no results rather than guessing.

A page's form subclasses `DateRangeForm`, adds its own fields, and may fill in missing
dates (`fill_defaults`). Cleaned, it gives `start` and `end`: aware instants, `end`
excluded, either one None when not given; and `first_day` / `last_day` as dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.bounds import EARLIEST_DAY, LATEST_DAY
from portal.words import describe_filter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The one range of days every filter and calendar parameter accepts (portal/bounds.py).
EARLIEST = EARLIEST_DAY
LATEST = LATEST_DAY
DATE_FORMAT = "%Y-%m-%d"
# The picker sends the first form; a space instead of the T is accepted from typed URLs.
DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
PICKER_FORMAT = "%Y-%m-%dT%H:%M"


class Zoned(Protocol):
    """What the form needs of an account: its time zone."""

    @property
    def tzinfo(self) -> tzinfo: ...


@dataclass(frozen=True)
class LocalMoment:
    """What the user asked for: a wall-clock moment, and whether it was a date alone."""

    value: datetime  # naive: local to the account
    date_only: bool

    def first_instant(self, tz: tzinfo) -> datetime:
        """The start of the moment: that minute, or 00:00 of that day."""
        return self.value.replace(tzinfo=tz)

    def end_instant(self, tz: tzinfo) -> datetime:
        """The instant just after the moment: the next minute, or 00:00 of the next day."""
        step = timedelta(days=1) if self.date_only else timedelta(minutes=1)
        return (self.value + step).replace(tzinfo=tz)


def earliest_kept_day(today: date) -> date:
    """The first local day whose calls and messages are still kept (RETENTION_DAYS)."""
    return today - timedelta(days=settings.RETENTION_DAYS)


class LocalMomentField(forms.Field):
    """One end of the range, shown with the browser's own date (or date and time) picker."""

    default_error_messages = {
        "invalid": _("Enter a real date as YYYY-MM-DD."),
        "invalid_with_time": _(
            "Enter a real date as YYYY-MM-DD, or a date and time as YYYY-MM-DDTHH:MM."
        ),
        "out_of_range": _("Enter a date from %(earliest)s to %(latest)s."),
    }

    def __init__(self, *, with_time: bool, end: bool, **kwargs: Any) -> None:
        self.with_time = with_time
        self.end = end
        kwargs.setdefault("required", False)
        if with_time:
            bounds = {"min": f"{EARLIEST}T00:00", "max": f"{LATEST}T23:59"}
            widget: forms.Widget = forms.DateTimeInput(attrs={"type": "datetime-local", **bounds})
        else:
            bounds = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
            widget = forms.DateInput(attrs={"type": "date", **bounds})
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> LocalMoment | None:
        text = str(value or "").strip()
        if not text:
            return None
        moment = self._parse(text)
        if moment is None:
            code = "invalid_with_time" if self.with_time else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code)
        if not EARLIEST <= moment.value.date() <= LATEST:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return moment

    def _parse(self, text: str) -> LocalMoment | None:
        formats = [(DATE_FORMAT, True)]
        if self.with_time:
            formats += [(fmt, False) for fmt in DATETIME_FORMATS]
        for fmt, date_only in formats:
            try:
                return LocalMoment(datetime.strptime(text, fmt), date_only=date_only)
            except ValueError:
                continue
        return None

    def prepare_value(self, value: Any) -> Any:
        """A date alone, in a date-and-time picker, shows as the first or last minute of
        that day: sent back, it selects the same."""
        if self.with_time and isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = datetime.strptime(value.strip(), DATE_FORMAT)
            except ValueError:
                return value
            minute = time(23, 59) if self.end else time(0, 0)
            return datetime.combine(day.date(), minute).strftime(PICKER_FORMAT)
        return value


class DateRangeForm(forms.Form):
    """`from` and `to`, first in the form; a page's own fields follow."""

    with_time: ClassVar[bool] = False
    # True: a `from` older than the retention period is refused (the page shows kept data only).
    within_retention: ClassVar[bool] = False
    from_label: ClassVar[StrOrPromise] = _("From")
    to_label: ClassVar[StrOrPromise] = _("To")
    # How describe() says a given field: name -> phrase with "%(value)s" (or a flag's words).
    phrases: ClassVar[dict[str, StrOrPromise]] = {}

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        *,
        account: Zoned | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        """`account`: whose time zone the dates are in (else the current one); `today`: the
        account's today, for defaults and the retention limit."""
        self.account = account
        self.tz = account.tzinfo if account is not None else timezone.get_current_timezone()
        self.today = today or timezone.localdate(timezone=self.tz)
        if data is not None:
            data = self.fill_defaults(_mutable(data))
        super().__init__(data, **kwargs)
        self.fields = {
            "from": LocalMomentField(
                label=self.from_label,
                help_text=self.from_hint(),
                with_time=self.with_time,
                end=False,
            ),
            "to": LocalMomentField(
                label=self.to_label, help_text=self.to_hint(), with_time=self.with_time, end=True
            ),
            **self.fields,
        }

    def fill_defaults(self, data: QueryDict) -> QueryDict:
        """Fill in what the query string leaves out (a page's default range); as given here."""
        return data

    def from_hint(self) -> StrOrPromise:
        if self.with_time:
            return _("From that minute on.")
        return _("From the start of that day.")

    def to_hint(self) -> StrOrPromise:
        if self.with_time:
            return _("Up to and including that minute.")
        return _("That day included.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("from"), data.get("to")
        data["start"] = first.first_instant(self.tz) if first else None
        data["end"] = last.end_instant(self.tz) if last else None
        if self.within_retention and first is not None:
            earliest = earliest_kept_day(self.today)
            if first.value.date() < earliest:
                self.add_error(
                    "from",
                    _("Calls are kept %(days)s days: start on %(date)s or later.")
                    % {"days": settings.RETENTION_DAYS, "date": earliest.isoformat()},
                )
        if data["start"] is not None and data["end"] is not None and data["end"] <= data["start"]:
            self.add_error("to", _("The end must come after the start."))
        return data

    def describe(self) -> str:
        """The valid filter in words, in the current language ("from 20 to 25 November
        2026, urgent only"): headings, PDFs, e-mails and the access log say it so."""
        return describe_filter(self)

    @property
    def start(self) -> datetime | None:
        """The first instant selected (valid form only); None: no lower bound."""
        return self.cleaned_data["start"]

    @property
    def end(self) -> datetime | None:
        """The first instant no longer selected (valid form only); None: no upper bound."""
        return self.cleaned_data["end"]

    @property
    def first_day(self) -> date | None:
        moment = self.cleaned_data.get("from")
        return moment.value.date() if moment else None

    @property
    def last_day(self) -> date | None:
        """The last local day selected, included."""
        end = self.cleaned_data.get("end")
        if end is None:
            return None
        return (end - timedelta(minutes=1)).date()


def _mutable(data: QueryDict | dict[str, Any]) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list | tuple):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = value
    return query


class OneCheckbox(forms.CheckboxInput):
    """A checkbox sent as `name=1` (urgent=1, unread=1, recording=1); "0" or "false" is off."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"value": "1", **(attrs or {})})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        value = data.get(name)
        return value is not None and str(value).lower() not in ("", "0", "false", "off")
