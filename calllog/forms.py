"""The call log's filter (portal.md: from, to, caller, agent, kind, recording=1)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from calllog.models import Call, CallQuerySet
from portal.exports import EmailReportForm

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.Field):
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, local to the account; cleaned to
    (naive datetime, has_time). Shown in a datetime-local input (a date alone shows as
    that day's 00:00 for "from", 23:59 for "to", which selects the same calls)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    default_error_messages = {
        "invalid": _("Enter a date as YYYY-MM-DD, or a date and time as YYYY-MM-DDTHH:MM."),
    }

    def __init__(self, *, day_time: time, **kwargs):
        self.day_time = day_time
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        for fmt, has_time in ((DATETIME_FORMAT, True), (DATE_FORMAT, False)):
            try:
                return datetime.strptime(value, fmt), has_time
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                day = datetime.strptime(value, DATE_FORMAT)
            except ValueError:
                return value
            return datetime.combine(day, self.day_time).strftime(DATETIME_FORMAT)
        return value


class CallFilterForm(forms.Form):
    """The call log's search. Times are the account's local times:

    - `from` a date: from 00:00 that day; a date and time: from that minute.
    - `to` a date: up to the end of that day; a date and time: up to the end of that
      minute (so `to=2026-03-22` and `to=2026-03-22T23:59` mean the same).
    The result never reaches back further than the retention period (60 days).
    """

    caller = forms.CharField(
        label=_("Caller (number or name)"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"inputmode": "search", "autocomplete": "off"}),
    )
    agent = forms.CharField(label=_("Agent"), required=False, max_length=32)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + list(Call.Kind.choices)
    )
    recording = forms.BooleanField(label=_("With a recording only"), required=False)

    def __init__(self, data=None, *, account: Account, **kwargs):
        super().__init__(data, **kwargs)
        self.account = account
        # "from" is a Python keyword: the two range fields are added here, first.
        self.fields = {
            "from": LocalDateTimeField(label=_("From (date and time)"), day_time=time(0, 0)),
            "to": LocalDateTimeField(label=_("To (date and time)"), day_time=time(23, 59)),
            **self.fields,
        }
        self.fields["recording"].widget.attrs["value"] = "1"

    def _instant(self, name: str, *, end: bool) -> datetime | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        moment, has_time = value
        try:
            if end:
                moment += timedelta(minutes=1) if has_time else timedelta(days=1)
        except OverflowError:
            self.add_error(name, self.fields[name].error_messages["invalid"])
            return None
        return moment.replace(tzinfo=self.account.tzinfo)

    def clean(self):
        cleaned = super().clean()
        start = self._instant("from", end=False)
        end = self._instant("to", end=True)
        if start is not None and end is not None and end <= start:
            self.add_error("to", _("The end must come after the start."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def only_dates(self) -> bool:
        """True when the valid filter selects by time alone (no caller, agent, kind or
        recording): its totals can then come from the daily rollup."""
        data = self.cleaned_data
        return not any(data.get(name) for name in ("caller", "agent", "kind", "recording"))

    def filter(self, calls: CallQuerySet) -> CallQuerySet:
        """The valid filter applied to an account's retained calls."""
        data = self.cleaned_data
        calls = calls.started_between(data["start"], data["end"])
        if data.get("caller"):
            calls = calls.from_caller(data["caller"])
        if data.get("agent"):
            calls = calls.by_agent(data["agent"])
        if data.get("kind"):
            calls = calls.of_kind(data["kind"])
        if data.get("recording"):
            calls = calls.with_recording()
        return calls


class CallReportForm(EmailReportForm):
    """The shared "Email report" form, offering the call log's formats (Excel, CSV)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("xlsx", "Excel"), ("csv", "CSV")]
