""" "Email report": a list page sends what its filter selects, as a file, to an address.

One form (`EmailReportForm`), one template (`portal/email_report.html`), one flow for the
POST (`email_report`) and one function that writes and sends the file (`send_report`):
where and how a report leaves the portal is decided here and nowhere else.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from smtplib import SMTPException
from typing import Any

from django import forms
from django.contrib import messages
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exports import ExportFile

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
    """What a page's filter selects, ready to be written in any of the page's formats."""

    subject: str
    body: str
    write: Callable[[str], ExportFile]  # the format's key -> the file
    # For the access log: what was selected (the filter), said briefly.
    detail: str = ""
    # The format's key -> why that format cannot hold this selection, or None.
    refuse: Callable[[str], str | None] = lambda fmt: None


class ReportNotSent(Exception):
    """The report could not be handed over for sending: the mail queue (or, where one is
    configured directly, the mail server) refused it or could not be reached."""


def one_line(value: object) -> str:
    """A header value: line breaks and other control characters become single spaces."""
    text = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in str(value)
    )
    return " ".join(text.split())


def send_report(report: Report, fmt: str, to: str) -> None:
    """Write the report in `fmt` and send it to `to`; ReportNotSent when the mail fails.

    Sending goes through Django's mail API: with the portal's settings the message is
    only queued, and the worker delivers it (with retries). A queue or a mail server
    that fails raises an OSError (or an SMTPException): either is ReportNotSent.
    """
    export = report.write(fmt)
    try:
        content = export.read()
    finally:
        export.discard()
    message = EmailMessage(
        subject=one_line(report.subject)[:MAX_SUBJECT], body=report.body, to=[one_line(to)]
    )
    message.attach(one_line(export.filename), content, export.content_type.split(";")[0])
    try:
        message.send()
    except (SMTPException, OSError) as error:
        raise ReportNotSent(str(error)) from error


def email_report(
    request: HttpRequest,
    report: Report | None,
    *,
    formats: Sequence[str],
    page: Callable[[EmailReportForm], HttpResponse],
    back_url: str,
    log: Callable[[str], object],
) -> HttpResponse:
    """The POST of a page's "Email report" form; the page's filter is its query string.

    `report` is None when that filter is invalid. `page(form)` draws the page again with
    the form's errors (400: nothing was sent). Once sent, `log(detail)` records it in the
    access log and the user goes back to the page (`back_url`) with a confirmation.
    """
    form = EmailReportForm(request.POST, formats=formats)
    if report is not None and form.is_valid():
        reason = report.refuse(form.cleaned_data["format"])
        if reason:
            form.add_error("format", reason)
    if report is None or not form.is_valid():
        response = page(form)
        response.status_code = 400
        return response
    to, fmt = form.cleaned_data["email"], form.cleaned_data["format"]
    try:
        send_report(report, fmt, to)
    except ReportNotSent as error:
        logger.error("E-mail report not sent (%s, %s): %s", request.path, fmt, error)
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
    # Queued: the worker sends it in a moment (and tries again while the server refuses).
    messages.success(request, _("The report will be sent to %(email)s.") % {"email": to})
    return redirect(back_url)
