"""The call log as Excel or CSV, from an already filtered and scoped queryset."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from calllog.models import CallQuerySet
from portal.exports import ExportFile, csv_file, export_filename, stream_csv, write_xlsx

KIND = "calls"
FORMATS = ("xlsx", "csv")


def header() -> list[str]:
    return [
        _("Date/Time"),
        _("Direction"),
        _("Kind"),
        _("Caller number"),
        _("Caller name"),
        _("Dialed number"),
        _("Agent"),
        _("Description"),
        _("Duration (s)"),
        _("Recording"),
        _("Call ID"),
    ]


def rows(account: Account, calls: CallQuerySet) -> Iterator[list]:
    tz = account.tzinfo
    for call in calls.order_by("-started_at", "-pk").iterator(chunk_size=2000):
        yield [
            timezone.localtime(call.started_at, tz),
            call.get_direction_display(),
            call.get_kind_display(),
            call.caller_number,
            call.caller_name,
            call.dialed_number,
            call.agent,
            call.description,
            call.duration_s,
            _("yes") if call.recording else _("no"),
            call.external_id,
        ]


def as_csv(account: Account, calls: CallQuerySet) -> StreamingHttpResponse:
    return stream_csv(header(), rows(account, calls), export_filename(account, KIND, "csv"))


def as_xlsx(account: Account, calls: CallQuerySet) -> ExportFile:
    return write_xlsx(
        [(_("Call log"), header(), rows(account, calls))],
        export_filename(account, KIND, "xlsx"),
        column_widths={0: 20, 3: 18, 4: 26, 5: 18, 7: 30},
    )


def as_file(account: Account, calls: CallQuerySet, fmt: str) -> ExportFile:
    """For the e-mailed report: the same content, held as a file."""
    if fmt == "csv":
        return csv_file(header(), rows(account, calls), export_filename(account, KIND, "csv"))
    return as_xlsx(account, calls)
