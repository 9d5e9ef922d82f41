"""The shift page's forms (Assign, Override, Unassign, Comment) and the feed link form.

Date-times are typed as wall times in the schedule's zone. A wall time that happens twice
(the hour the clocks go back) asks which of the two instants is meant, each labelled with
its UTC offset; a wall time that never happens (the hour the clocks go forward) is refused.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from directory.models import Contact
from oncall.models import Shift
from oncall.zones import WallTime
from portal.bounds import EARLIEST_DAY, LATEST_DAY

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_YEAR, LAST_YEAR = EARLIEST_DAY.year, LATEST_DAY.year


class ContactField(forms.ModelChoiceField):
    """Offers the account's active contacts.

    Whether the chosen contact is the account's is decided in one place, by the action
    (oncall.actions.check_contact): another account's contact is a 404, and so is a number
    that names no contact at all, so the two cannot be told apart.
    """

    def __init__(self, **kwargs):
        super().__init__(queryset=Contact.objects.none(), **kwargs)

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} ({obj.title})" if obj.title else obj.name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            key = int(value)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error
        contact = Contact.objects.filter(pk=key).first()
        if contact is None:
            raise Http404("No such contact")
        return contact

    def validate(self, value) -> None:
        forms.Field.validate(self, value)


class WallTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form reads it in the schedule's zone."""

    widget = DATETIME_LOCAL

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATETIME_INPUTS, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for fmt in self.input_formats or DATETIME_INPUTS:
            try:
                return datetime.strptime(text, fmt)
            except (TypeError, ValueError):
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def parse_wall_time(value) -> datetime | None:
    try:
        return WallTimeField().to_python(value)
    except ValidationError:
        return None


class RankedForm(forms.Form):
    rank = forms.TypedChoiceField(label=_("Rank"), coerce=int)
    contact = ContactField(label=_("Contact"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, shift: Shift, ranks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        rank, contact = self.fields["rank"], self.fields["contact"]
        assert isinstance(rank, forms.TypedChoiceField) and isinstance(contact, ContactField)
        rank.choices = [(r, str(r)) for r in (ranks or shift.rank_numbers)]
        contact.queryset = Contact.objects.filter(account_id=shift.account_id).active()


class AssignForm(RankedForm):
    pass


class OverrideForm(RankedForm):
    start = WallTimeField(label=_("From"))
    start_offset = forms.ChoiceField(
        label=_("Which one?"),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=(),
    )
    end = WallTimeField(label=_("Until"))
    end_offset = forms.ChoiceField(
        label=_("Which one?"),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=(),
    )

    field_order = ["rank", "start", "start_offset", "end", "end_offset", "contact", "comment"]

    def __init__(self, *args, shift: Shift, **kwargs):
        super().__init__(*args, shift=shift, **kwargs)
        self.tz = shift.schedule.tzinfo
        for name in ("start", "end"):
            typed = (
                self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
            )
            naive = parse_wall_time(typed)
            if naive is not None and FIRST_YEAR <= naive.year <= LAST_YEAR:
                wall = WallTime(naive, self.tz)
                if wall.ambiguous:
                    self._offset_field(name).choices = wall.choices()

    def _offset_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[f"{name}_offset"]
        assert isinstance(field, forms.ChoiceField)
        return field

    def ambiguous(self, name: str) -> bool:
        return bool(self._offset_field(name).choices)

    def _instant(self, name: str) -> datetime | None:
        naive = self.cleaned_data.get(name)
        if naive is None:
            return None
        if not (FIRST_YEAR <= naive.year <= LAST_YEAR):
            self.add_error(
                name,
                _("Enter a date between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return None
        wall = WallTime(naive, self.tz)
        if not wall.exists:
            self.add_error(
                name,
                _("This time does not exist that day: the clocks go forward. Choose another."),
            )
            return None
        instant = wall.instant(self.cleaned_data.get(f"{name}_offset", ""))
        if instant is None:
            self.add_error(
                f"{name}_offset",
                _("This time happens twice that day, as the clocks go back: choose which one."),
            )
        return instant

    def clean(self):
        super().clean()
        self.cleaned_data["start_at"] = self._instant("start")
        self.cleaned_data["end_at"] = self._instant("end")
        return self.cleaned_data


class UnassignForm(forms.Form):
    assignment = forms.IntegerField(label=_("Assignment"), min_value=1)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedLinkForm(forms.Form):
    contact = ContactField(
        label=_("Whose shifts"),
        required=False,
        empty_label=_("Everyone (the whole schedule)"),
    )
    include_methods = forms.BooleanField(
        label=_("Include contact methods (phone numbers, e-mail addresses)"), required=False
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        contact = self.fields["contact"]
        assert isinstance(contact, ContactField)
        contact.queryset = Contact.objects.for_account(account).active()
