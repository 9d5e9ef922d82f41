"""The shift page's forms: Assign, Override, Unassign, Comment.

Date-times are typed in the schedule's time zone (the view validates these forms under
timezone.override(schedule.tzinfo)); a time that does not exist or is ambiguous on a DST
day is reported by Django's DateTimeField.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Contact
from oncall.models import Assignment, Shift

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} ({obj.title})" if obj.title else obj.name


class RankedForm(forms.Form):
    rank = forms.TypedChoiceField(label=_("Rank"), coerce=int)
    contact = ContactChoice(label=_("Contact"), queryset=Contact.objects.none())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, shift: Shift, **kwargs):
        super().__init__(*args, **kwargs)
        rank, contact = self.fields["rank"], self.fields["contact"]
        assert isinstance(rank, forms.TypedChoiceField) and isinstance(contact, ContactChoice)
        rank.choices = [(r, str(r)) for r in shift.rank_numbers]
        contact.queryset = Contact.objects.filter(account_id=shift.account_id).active()


class AssignForm(RankedForm):
    pass


class OverrideForm(RankedForm):
    start = forms.DateTimeField(
        label=_("From"), widget=DATETIME_LOCAL, input_formats=DATETIME_INPUTS
    )
    end = forms.DateTimeField(
        label=_("Until"), widget=DATETIME_LOCAL, input_formats=DATETIME_INPUTS
    )

    field_order = ["rank", "start", "end", "contact", "comment"]


class UnassignForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("Assignment"), queryset=Assignment.objects.none())

    def __init__(self, *args, shift: Shift, **kwargs):
        super().__init__(*args, **kwargs)
        assignment = self.fields["assignment"]
        assert isinstance(assignment, forms.ModelChoiceField)
        assignment.queryset = shift.assignments.active()


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
