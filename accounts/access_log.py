"""/a/<number>/access-log/: the account's access log, for its managers (docs/security.md)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import exports
from accounts.access import ACCESS_LOG, Action, describe, log_access
from accounts.forms import AccessLogFilterForm
from accounts.models import AccessEvent
from accounts.tenancy import AccountRequest, account_view
from portal.background import offer_export
from portal.pages import UncountedPage, render_page

PER_PAGE = 50
FILTER_NAMES = exports.FILTER_NAMES


def _filtered(request: AccountRequest) -> tuple[AccessLogFilterForm, QuerySet[AccessEvent]]:
    """The filter bound to the query string, and what it selects (nothing when invalid)."""
    form = AccessLogFilterForm(request.GET, account=request.account)
    events = AccessEvent.objects.filter(account=request.account)
    if not form.is_valid():
        return form, events.none()
    return form, form.apply(events)


def _page_number(request: AccountRequest) -> int:
    value = request.GET.get("page", "")
    return min(int(value), 100_000) if value.isdigit() and int(value) > 0 else 1


def _filter_query(request: AccountRequest) -> str:
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if request.GET.get(name):
            kept[name] = request.GET[name]
    return kept.urlencode()


@require_GET
@account_view("access_log")
def access_log(request: AccountRequest) -> HttpResponse:
    """Newest first, PER_PAGE rows a page; a page reads PER_PAGE + 1 rows through the
    (account, at) index and never counts the whole log."""
    form, events = _filtered(request)
    number = _page_number(request)
    start = (number - 1) * PER_PAGE
    rows = list(events.select_related("user")[start : start + PER_PAGE + 1])
    tz = request.account.tzinfo
    context = {
        "form": form,
        "rows": [{"event": event, "what": describe(event, tz)} for event in rows[:PER_PAGE]],
        "page": UncountedPage(number, has_next=len(rows) > PER_PAGE),
        "filter_query": _filter_query(request),
        "retention_days": settings.ACCESS_LOG_RETENTION_DAYS,
    }
    return render_page(request, "accounts/access_log.html", context)


@require_GET
@account_view("access_log")
def export_csv(request: AccountRequest) -> HttpResponseBase:
    """Everything the filter selects, as CSV (streamed), and the download is logged too."""
    form, events = _filtered(request)
    if not form.is_valid():
        # The page shows what is wrong next to the field.
        url = reverse("access_log:list", args=[request.account.number])
        return redirect(f"{url}?{request.GET.urlencode()}")
    # What the log held when asked for: the row of this very download is not in it.
    now = timezone.now()
    events = events.filter(at__lte=now)
    log_access(request, Action.EXPORTED, object_type=ACCESS_LOG, detail=f"csv {form.describe()}")
    url = reverse("access_log:list", args=[request.account.number])
    query = _filter_query(request)
    return offer_export(
        request,
        events,
        "csv",
        direct=lambda: exports.access_log_csv(request.account, events),
        kind="access_log.csv",
        params=exports.job_params(request.GET, now),
        description=form.describe(),
        back_url=f"{url}?{query}" if query else url,
    )
