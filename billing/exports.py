"""The billable calls as an Excel sheet, with the same totals as the page; big ones (and
every e-mailed report) by the worker, through the kind at the end of this file."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account
from billing.billable import Totals, billed_calls, totals
from billing.formatting import minutes_as_mmss
from billing.forms import BillableCallsForm, DayRange
from calllog.models import Call
from jobs.exports import ExportRun, register
from portal.exports import ExportFile, export_filename, write_xlsx
from portal.templatetags.portal import duration


def billable_calls_header() -> list[str]:
    return [
        _("Date/Time"),
        _("Description"),
        _("Number"),
        _("Caller Name"),
        _("Agent"),
        _("Work time"),
        _("Statistic"),
        _("Billed minutes"),
        _("Invoice"),
    ]


def billable_calls_rows(calls: QuerySet[Call], account: Account, totals: Totals) -> Iterator[list]:
    columns = ("started_at", "description", "caller_number", "caller_name", "agent", "work_s")
    for call in calls.only(*columns, "billing_units", "invoice_number").iterator(chunk_size=2000):
        yield [
            timezone.localtime(call.started_at, account.tzinfo),
            call.description,
            call.caller_number,
            call.caller_name,
            call.agent,
            duration(call.work_s),
            minutes_as_mmss(call.billing_units),
            call.billing_units,
            call.invoice_number,
        ]
    yield []
    yield [_("Total Calls"), totals.calls]
    yield [_("Total Stat"), totals.minutes]
    yield [_("Average Stat/Call"), totals.average]


def billable_calls_xlsx(
    calls: QuerySet[Call], account: Account, totals: Totals, run: ExportRun | None = None
) -> ExportFile:
    rows = billable_calls_rows(calls, account, totals)
    if run is not None:
        rows = run.counted(rows, totals.calls + 4)  # the calls, a blank line, 3 totals
    return write_xlsx(
        [(_("Billable calls"), billable_calls_header(), rows)],
        export_filename(account, "billable-calls", "xlsx"),
        column_widths={0: 20, 1: 40, 2: 16, 3: 24, 4: 10, 5: 10, 6: 10, 7: 14, 8: 16},
    )


def job_params(day_range: DayRange) -> dict[str, list[str]]:
    """The range as the worker reads it back: both days given, whatever the defaults."""
    return {"from": [day_range.start.isoformat()], "to": [day_range.end.isoformat()]}


@register("billing.calls.xlsx", permission="billing", label=gettext_lazy("Billable calls (Excel)"))
def xlsx_job(run: ExportRun) -> ExportFile:
    form = BillableCallsForm(run.query(), account=run.account)
    if form.is_valid():
        day_range = form.day_range
        selected = billed_calls(run.account, day_range.start, day_range.end)
    else:
        selected = Call.objects.none()
    return billable_calls_xlsx(selected, run.account, totals(selected), run)
