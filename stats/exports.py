"""The statistics as Excel and PDF, through the shared writers of portal/exports.py."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Account
from portal.exports import ExportFile, export_filename, render_pdf, write_xlsx
from stats.report import Report


def statistics_xlsx(account: Account, report: Report) -> ExportFile:
    table_rows: list[Sequence[object]] = [
        [],
        [_("General Stats"), _("Unit"), "%", _("Explanation")],
        *([str(row.label), row.unit, row.percent, str(row.explanation)] for row in report.rows),
    ]
    series = [_("Answered by agent"), _("Automated"), _("Abandoned")]
    return write_xlsx(
        [
            (_("Statistics"), [f"{report.title} — {report.header}"], table_rows),
            (_("By hour"), [_("Hour"), *series], report.hour_rows),
            (_("By day of week"), [_("Day of the week"), *series], report.day_rows),
        ],
        export_filename(account, "statistics", "xlsx"),
        column_widths={0: 44, 1: 10, 2: 10, 3: 100},
    )


def statistics_pdf(account: Account, report: Report, request: HttpRequest) -> ExportFile:
    return render_pdf(
        "stats/export_pdf.html",
        {"account": account, "report": report},
        export_filename(account, "statistics", "pdf"),
        request=request,
    )
