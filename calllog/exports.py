"""The call log as Excel or CSV, from an already filtered and scoped queryset; big ones
(and every e-mailed report) by the worker, through the kinds at the end of this file."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from calllog.forms import CallFilterForm
from calllog.models import Call, CallQuerySet
from jobs.exports import ExportRun, register
from portal.exports import ExportFile, export_filename, stream_csv, write_xlsx

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


COLUMNS = (
    "started_at",
    "direction",
    "kind",
    "caller_number",
    "caller_name",
    "dialed_number",
    "agent",
    "description",
    "duration_s",
    "recording",
    "external_id",
)


def rows(account: Account, calls: CallQuerySet) -> Iterator[list]:
    """The rows, read as plain values (no model instance per call) and labelled with
    choice names translated once."""
    tz = account.tzinfo
    directions = {value: str(label) for value, label in Call.Direction.choices}
    kinds = {value: str(label) for value, label in Call.Kind.choices}
    yes, no = _("yes"), _("no")
    selected = calls.order_by("-started_at", "-pk").values_list(*COLUMNS)
    for row in selected.iterator(chunk_size=2000):
        started_at, direction, kind, *texts, duration_s, recording, external_id = row
        yield [
            timezone.localtime(started_at, tz),
            directions.get(direction, direction),
            kinds.get(kind, kind),
            *texts,
            duration_s,
            yes if recording else no,
            external_id,
        ]


def as_csv(account: Account, calls: CallQuerySet) -> StreamingHttpResponse:
    return stream_csv(header(), rows(account, calls), export_filename(account, KIND, "csv"))


def as_xlsx(account: Account, calls: CallQuerySet, row_source=None) -> ExportFile:
    return write_xlsx(
        [(_("Call log"), header(), row_source if row_source is not None else rows(account, calls))],
        export_filename(account, KIND, "xlsx"),
        column_widths={0: 20, 3: 18, 4: 26, 5: 18, 7: 30},
    )


def filtered(account: Account, form: CallFilterForm) -> CallQuerySet:
    """What a valid filter selects of the account's calls (within retention)."""
    return form.filter(Call.objects.for_account(account).retained())


# --- Made by the worker (jobs.exports) -----------------------------------------------


def _selected(run: ExportRun) -> CallQuerySet:
    form = CallFilterForm(run.query(), account=run.account)
    if not form.is_valid():
        return Call.objects.none()
    return filtered(run.account, form)


@register("calls.xlsx", permission="calls", label=gettext_lazy("Call log (Excel)"))
def xlsx_job(run: ExportRun) -> ExportFile:
    calls = _selected(run)
    return as_xlsx(run.account, calls, run.counted(rows(run.account, calls), calls.count()))


@register("calls.csv", permission="calls", label=gettext_lazy("Call log (CSV)"))
def csv_job(run: ExportRun) -> ExportFile:
    calls = _selected(run)
    written = run.counted(rows(run.account, calls), calls.count())
    return run.write_csv(header(), written, export_filename(run.account, KIND, "csv"))
