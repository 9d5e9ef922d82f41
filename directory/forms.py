from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or title"), required=False, max_length=100)


class ChangeRequestForm(forms.Form):
    text = forms.CharField(
        label=_("What should change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Our team makes the change and lets you know. 2,000 characters at most."),
    )
