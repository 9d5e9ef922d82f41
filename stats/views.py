from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase

from accounts.access import Action, log_access
from accounts.models import Account, Membership
from accounts.tenancy import AccountRequest, account_view
from portal.pages import render_page
from stats.exports import statistics_pdf, statistics_xlsx
from stats.forms import StatsFilterForm
from stats.report import Report, statistics_report

PAGE = "stats/statistics.html"


def choosable_accounts(request: AccountRequest) -> list[Account]:
    """The user's accounts whose role allows statistics (one query)."""
    memberships = Membership.objects.for_user(request.user)
    return [m.account for m in memberships if m.may("stats")]


def _form(request: AccountRequest) -> StatsFilterForm:
    return StatsFilterForm(
        request.GET, account=request.account, choosable=choosable_accounts(request)
    )


def _page(
    request: AccountRequest, form: StatsFilterForm, report: Report | None, status: int = 200
) -> HttpResponse:
    return render_page(request, PAGE, {"form": form, "report": report}, status=status)


@account_view("stats")
def statistics(request: AccountRequest) -> HttpResponse:
    form = _form(request)
    report = statistics_report(form.accounts, form.filter) if form.is_valid() else None
    return _page(request, form, report)


def _export(request: AccountRequest, kind: str) -> HttpResponseBase:
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, None, status=400)
    report = statistics_report(form.accounts, form.filter)
    if kind == "pdf":
        export = statistics_pdf(request.account, report, request)
    else:
        export = statistics_xlsx(request.account, report)
    log_access(request, Action.EXPORTED, object_type="stats", detail=f"{kind} {report.header}")
    return export.response()


@account_view("stats")
def export_xlsx(request: AccountRequest) -> HttpResponseBase:
    return _export(request, "xlsx")


@account_view("stats")
def export_pdf(request: AccountRequest) -> HttpResponseBase:
    return _export(request, "pdf")
