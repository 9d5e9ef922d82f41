"""Billing history, one invoice (page and PDF), and the billable calls with their exports."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import Action, log_access
from accounts.tenancy import AccountRequest, account_view
from billing.billable import billed_calls, billed_totals, cycle_comparison, totals
from billing.exports import billable_calls_xlsx
from billing.formatting import minutes_as_mmss
from billing.forms import BillableCallsForm, DayRange
from billing.models import Invoice, Ledger
from portal import reports
from portal.exports import render_pdf
from portal.pages import render_page
from portal.reports import EmailReportForm, Report
from portal.templatetags.portal import duration
from portal.words import date_range

HISTORY_PAGE_SIZE = 50
CALLS_PAGE_SIZE = 200


@require_GET
@account_view("billing")
def history(request: AccountRequest) -> HttpResponse:
    ledger = Ledger(request.account.billing_account_id)
    page = Paginator(ledger, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": page.object_list,
        "balance": ledger.balance if ledger.balance is not None else 0,
        "billing_phone": settings.SERVICE.get("billing_phone", ""),
    }
    return render_page(request, "billing/history.html", context)


def _invoice_or_404(request: AccountRequest, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.for_account(request.account).with_details().filter(pk=invoice_id).first()
    )
    if invoice is None:
        raise Http404("No such invoice")
    return invoice


def _invoice_context(request: AccountRequest, invoice: Invoice) -> dict:
    previous = invoice.previous_balance()
    lines = list(invoice.lines.all())
    accounts = sorted({line.account for line in lines if line.account}, key=lambda a: a.number)
    return {
        "invoice": invoice,
        "lines": lines,
        "taxes": list(invoice.taxes.all()),
        "line_accounts": accounts,
        "previous_balance": previous,
        "new_balance": previous + invoice.total,
        "billing_phone": settings.SERVICE.get("billing_phone", ""),
        "service_address": settings.SERVICE.get("address", ""),
    }


@require_GET
@account_view("billing")
def invoice_detail(request: AccountRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_id)
    log_access(request, Action.VIEWED, invoice)
    return render(request, "billing/invoice.html", _invoice_context(request, invoice))


@require_GET
@account_view("billing")
def invoice_pdf(request: AccountRequest, invoice_id: int) -> HttpResponseBase:
    """The invoice on paper, in the user's language (activated by the middleware)."""
    invoice = _invoice_or_404(request, invoice_id)
    context = {**_invoice_context(request, invoice), "account": request.account}
    export = render_pdf(
        "billing/invoice_pdf.html",
        context,
        f"{invoice.billing_account.number}-{invoice.number}.pdf",
        request,
    )
    log_access(request, Action.DOWNLOADED, invoice)
    return export.response()


# Excel only: the sheet carries the totals row that matches the page.
REPORT_FORMATS = ("xlsx",)


def _calls_form(request: AccountRequest) -> BillableCallsForm:
    return BillableCallsForm(request.GET, account=request.account)


def _calls_page(
    request: AccountRequest, form: BillableCallsForm, email_form: EmailReportForm
) -> HttpResponse:
    today = form.today
    context = {
        "form": form,
        "email_form": email_form,
        "comparison": cycle_comparison(request.account, today),
    }
    if form.is_valid():
        day_range = form.day_range
        calls = billed_calls(request.account, day_range.start, day_range.end)
        range_totals = billed_totals(request.account, day_range.start, day_range.end)
        paginator = Paginator(calls, CALLS_PAGE_SIZE)
        paginator.count = range_totals.calls  # already counted by the rollup
        page = paginator.get_page(request.GET.get("page"))
        _label_rows(request, page)
        context.update(
            day_range=day_range,
            page=page,
            calls=page.object_list,
            totals=range_totals,
            cut_cycle_start=form.cut_cycle_start if form.is_default else None,
        )
    return render_page(request, "billing/calls.html", context)


def _label_rows(request: AccountRequest, page) -> None:
    """Each row's local time, work time and billed minutes, worked out once here rather
    than by filters in each of the 200 rows."""
    tz = request.account.tzinfo
    for call in page.object_list:
        local = timezone.localtime(call.started_at, tz)
        call.started_label = formats.date_format(local, "SHORT_DATETIME_FORMAT")
        call.work_label = duration(call.work_s)
        call.units_label = minutes_as_mmss(call.billing_units)


@require_GET
@account_view("billing")
def calls(request: AccountRequest) -> HttpResponse:
    return _calls_page(request, _calls_form(request), EmailReportForm(formats=REPORT_FORMATS))


@require_GET
@account_view("billing")
def calls_export(request: AccountRequest) -> HttpResponseBase:
    form = _calls_form(request)
    if not form.is_valid():
        return redirect(
            reverse("billing:calls", args=[request.account.number]) + "?" + request.GET.urlencode()
        )
    day_range = form.day_range
    selected = billed_calls(request.account, day_range.start, day_range.end)
    export = billable_calls_xlsx(selected, request.account, totals(selected))
    log_access(
        request,
        Action.EXPORTED,
        object_type="billing.billable_calls",
        detail=_range_detail(day_range),
    )
    return export.response()


def _range_detail(day_range: DayRange) -> str:
    """The days selected, in words ("from 20 to 25 November 2026")."""
    return date_range(day_range.start, day_range.end)


@require_POST
@account_view("billing")
def calls_email(request: AccountRequest) -> HttpResponse:
    """E-mail the Excel sheet of the filter in the query string, then back to the page."""
    form = _calls_form(request)
    account = request.account
    report = None
    if form.is_valid():
        day_range = form.day_range
        selected = billed_calls(account, day_range.start, day_range.end)
        period = _range_detail(day_range)
        names = {"number": account.number, "name": account.name, "period": period}
        report = Report(
            subject=_("Billable calls of account %(number)s, %(period)s") % names,
            body=_("Attached are the billable calls of account %(number)s (%(name)s), %(period)s.")
            % names,
            write=lambda fmt: billable_calls_xlsx(selected, account, totals(selected)),
            detail=_range_detail(day_range),
        )
    return reports.email_report(
        request,
        report,
        formats=REPORT_FORMATS,
        page=lambda email_form: _calls_page(request, form, email_form),
        back_url=reverse("billing:calls", args=[account.number]) + "?" + request.GET.urlencode(),
        log=lambda line: log_access(
            request, Action.EMAILED, object_type="billing.billable_calls", detail=line
        ),
    )
