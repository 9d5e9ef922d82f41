""" "Email report": a list page sends what its filter selects, as a file, to an address.

One form (`EmailReportForm`), one template (`portal/email_report.html`) and one flow for
the POST (`email_report`): the worker writes the file and e-mails it (jobs/tasks.py,
every header made one line by `one_line`), while the user watches the job's page.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.background import start_background

logger = logging.getLogger(__name__)

FORMAT_NAMES = {"xlsx": "Excel", "csv": "CSV", "pdf": "PDF"}
# RFC 5322 advises header lines under 78 characters; a subject is kept well within 998.
MAX_SUBJECT = 200


class EmailReportForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Send to"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"))

    def __init__(self, data: Any = None, *, formats: Sequence[str], **kwargs: Any) -> None:
        """`formats`: what the page offers, from FORMAT_NAMES' keys, the default first."""
        super().__init__(data, **kwargs)
        field = self.fields["format"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(fmt, FORMAT_NAMES[fmt]) for fmt in formats]
        field.initial = formats[0]


@dataclass(frozen=True)
class Report:
    """What a page's filter selects, for the worker to write in the format asked for."""

    kind: Callable[[str], str]  # the format's key -> the export kind (portal.background)
    params: dict  # JSON the kind's build function reads back (the filter, ticked ids)
    # The selection in words: on the job's page, in the e-mail and in the access log.
    detail: str = ""


def one_line(value: object) -> str:
    """A header value: line breaks and other control characters become single spaces."""
    text = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in str(value)
    )
    return " ".join(text.split())


def email_report(
    request: HttpRequest,
    report: Report | None,
    *,
    formats: Sequence[str],
    page: Callable[[EmailReportForm], HttpResponse],
    back_url: str,
    log: Callable[[str], object],
) -> HttpResponseBase:
    """The POST of a page's "Email report" form; the page's filter is its query string.

    `report` is None when that filter is invalid. `page(form)` draws the page again with
    the form's errors (400: nothing was sent). Otherwise the worker is asked to make the
    file and e-mail it (a job, portal.background.start_background): `log(detail)`
    records it in the access log and the user goes to the job's page, which shows the
    progress, then "sent to ..." or why the mail server refused it (it retries first).
    """
    form = EmailReportForm(request.POST, formats=formats)
    if report is None or not form.is_valid():
        response = page(form)
        response.status_code = 400
        return response
    to, fmt = form.cleaned_data["email"], form.cleaned_data["format"]
    try:
        answer = start_background(
            request,
            report.kind(fmt),
            report.params,
            description=report.detail,
            email_to=to,
            back_url=back_url,
        )
    except (DatabaseError, OSError) as error:
        logger.error("E-mail report not queued (%s, %s): %r", request.path, fmt, error)
        form.add_error(
            None,
            _(
                "The report could not be sent. Try again in a few minutes, or download the "
                "file instead."
            ),
        )
        return page(form)
    names = {"format": fmt, "email": to, "selection": report.detail}
    if report.detail:
        log(_("%(format)s to %(email)s: %(selection)s") % names)
    else:
        log(_("%(format)s to %(email)s") % names)
    return answer
