"""The inbox's downloads: the selected messages as Excel, CSV or PDF (via portal/exports.py)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from messages_app.models import MessageEvent, MessageQuerySet
from portal.exports import ExportFile, export_filename, render_pdf, stream_csv, write_xlsx
from portal.exports import csv_file as write_csv_file

FORMATS = ("xlsx", "csv", "pdf")
CHUNK = 2000


def header() -> list[str]:
    return [
        _("Message ID"),
        _("Taken at"),
        _("Taken by"),
        _("Subject"),
        _("Caller name"),
        _("Caller number"),
        _("Urgent"),
        _("Fields"),
        _("Acknowledged at"),
        _("Acknowledged by"),
    ]


def fields_text(fields: list | None) -> str:
    return "\n".join(f"{f.get('label', '')}: {f.get('value', '')}" for f in fields or [])


COLUMNS = (
    "external_id",
    "taken_at",
    "taken_by",
    "subject",
    "caller_name",
    "caller_number",
    "urgent",
    "fields",
    "acknowledged_at",
    "acknowledged_by",
)


def rows(messages: MessageQuerySet, account: Account) -> Iterator[list]:
    """The rows, read as plain values (no model instance per message: 25,000 of those
    were a good part of an export's time)."""
    tz = account.tzinfo
    yes, no = _("Yes"), _("No")
    selected = messages.values_list(*COLUMNS).iterator(chunk_size=CHUNK)
    for row in selected:
        external_id, taken_at, taken_by, subject, name, number, urgent, fields, acked, by = row
        yield [
            external_id,
            timezone.localtime(taken_at, tz),
            taken_by,
            subject,
            name,
            number,
            yes if urgent else no,
            fields_text(fields),
            timezone.localtime(acked, tz) if acked else None,
            by,
        ]


def xlsx(messages: MessageQuerySet, account: Account) -> ExportFile:
    return write_xlsx(
        [(_("Messages"), header(), rows(messages, account))],
        export_filename(account, "messages", "xlsx"),
        column_widths={0: 12, 1: 20, 3: 40, 4: 24, 5: 18, 7: 60, 8: 20, 9: 24},
    )


def csv_response(messages: MessageQuerySet, account: Account) -> StreamingHttpResponse:
    return stream_csv(
        header(), rows(messages, account), export_filename(account, "messages", "csv")
    )


def csv_file(messages: MessageQuerySet, account: Account) -> ExportFile:
    """The same CSV as the download, held in memory to attach to an e-mail."""
    return write_csv_file(
        header(), rows(messages, account), export_filename(account, "messages", "csv")
    )


def pdf(
    messages: MessageQuerySet, account: Account, request: HttpRequest, description: str
) -> ExportFile:
    with_history = messages.prefetch_related(
        Prefetch("events", queryset=MessageEvent.objects.order_by("at", "pk"))
    )
    return render_pdf(
        "messages_app/export_pdf.html",
        {
            "account": account,
            "messages": with_history,
            "description": description,
            "now": timezone.now(),
        },
        export_filename(account, "messages", "pdf"),
        request,
    )


def export_file(
    fmt: str, messages: MessageQuerySet, account: Account, request: HttpRequest, description: str
) -> ExportFile:
    if fmt == "csv":
        return csv_file(messages, account)
    if fmt == "pdf":
        return pdf(messages, account, request, description)
    return xlsx(messages, account)
