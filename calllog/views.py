"""The call log, one call (details or the voice player), the audio, and exports."""

from __future__ import annotations

import hashlib

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Action, log_access
from accounts.tenancy import AccountRequest, account_view
from calllog import exports
from calllog.actions import RECORDING_TYPES
from calllog.details import detail_items
from calllog.forms import CallFilterForm
from calllog.models import Call, CallQuerySet, recent_boundary, retention_cutoff
from calllog.rollup import call_totals
from jobs.exports import params_from_query
from messages_app.models import Message
from portal import reports
from portal.background import offer_export
from portal.pages import render_page
from portal.reports import EmailReportForm, Report
from portal.streaming import stream_file
from portal.templatetags.portal import duration
from portal.words import heading

PAGE_SIZE = 50


def _filtered(request: AccountRequest, form: CallFilterForm) -> CallQuerySet:
    """The list's calls (exports read exports.filtered and their own columns)."""
    # The list never loads details (read on the call's own page only): whether a call
    # has any, for its "Details" button, is worked out by the database.
    return (
        exports.filtered(request.account, form)
        .defer("details")
        .annotate(
            has_details=ExpressionWrapper(
                Q(details__isnull=False) & ~Q(details={}) & ~Q(details=[]) & ~Q(details=""),
                output_field=BooleanField(),
            )
        )
    )


def _page(request: AccountRequest, calls: CallQuerySet, count: int, number: str | None) -> Page:
    paginator = Paginator(calls, PAGE_SIZE)
    paginator.count = count  # already counted by the totals query
    page = paginator.get_page(number)
    _label_rows(request, page)
    return page


def _label_rows(request: AccountRequest, page: Page) -> None:
    """What each row shows, worked out once here rather than by {% url %} and date filters
    in each of the (up to 100) rows."""
    tz = request.account.tzinfo
    base = reverse("calllog:list", args=[request.account.number])  # + "<id>/" = the call
    query = _query(request)
    back = f"?{urlencode({'back': query})}" if query else ""
    directions = {value: str(label) for value, label in Call.Direction.choices}
    kinds = {value: str(label) for value, label in Call.Kind.choices}
    for call in page.object_list:
        call.direction_label = directions.get(call.direction, call.direction)
        call.kind_label = kinds.get(call.kind, call.kind)
        call.detail_url = f"{base}{call.pk}/{back}"
        local = timezone.localtime(call.started_at, tz)
        call.started_label = formats.date_format(local, "SHORT_DATETIME_FORMAT")
        call.duration_label = duration(call.duration_s)


def _query(request: AccountRequest) -> str:
    encoded = request.GET.urlencode()
    return f"?{encoded}" if encoded else ""


def _call_list_page(
    request: AccountRequest, form: CallFilterForm, email_form: EmailReportForm
) -> HttpResponse:
    query = _query(request)
    context: dict = {
        "form": form,
        "query": query,
        # Opening a call keeps the search, for its "Back to the call log" link.
        "back": f"?{urlencode({'back': query})}" if query else "",
        "email_form": email_form,
    }
    if not form.is_valid():
        context["invalid"] = True
    else:
        if any(request.GET.get(name) for name in form.fields):
            # The filter in words under the totals, once the user has chosen one.
            context["filter_words"] = heading(form.describe())
        calls = _filtered(request, form)
        boundary = recent_boundary(request.account)
        totals = _totals(request, form, calls, boundary)
        recent = calls.filter(started_at__gte=boundary)
        archive = calls.filter(started_at__lt=boundary)
        context.update(
            totals=totals,
            boundary=boundary,
            recent_page=_page(request, recent, totals["recent_count"], request.GET.get("page")),
            archive_page=_page(
                request, archive, totals["archive_count"], request.GET.get("archive_page")
            ),
            total_count=totals["recent_count"] + totals["archive_count"],
            total_seconds=totals["recent_seconds"] + totals["archive_seconds"],
        )
    return render_page(request, "calllog/call_list.html", context)


@require_GET
@account_view("calls")
def call_list(request: AccountRequest) -> HttpResponse:
    form = CallFilterForm(request.GET, account=request.account)
    return _call_list_page(request, form, EmailReportForm(formats=exports.FORMATS))


def _totals(request: AccountRequest, form: CallFilterForm, calls: CallQuerySet, boundary) -> dict:
    """Count and seconds of the recent and archive calls of the filter: from the daily
    rollup when it filters by time alone, else from the (narrower) filtered calls."""
    if not form.only_dates():
        return calls.totals_around(boundary)
    cutoff = retention_cutoff()
    start = max(cutoff, form.cleaned_data["start"] or cutoff)
    end = form.cleaned_data["end"]
    recent_start = max(start, boundary)
    archive_end = boundary if end is None else min(end, boundary)
    totals = call_totals(
        request.account, {"recent": (recent_start, end), "archive": (start, archive_end)}
    )
    return {
        "recent_count": totals["recent"].calls,
        "recent_seconds": totals["recent"].seconds,
        "archive_count": totals["archive"].calls,
        "archive_seconds": totals["archive"].seconds,
    }


def _call_or_404(request: AccountRequest, call_id: int) -> Call:
    call = Call.objects.for_account(request.account).retained().filter(pk=call_id).first()
    if call is None:
        raise Http404("No such call")
    call.account = request.account  # already known: no query for it
    return call


@require_GET
@account_view("calls")
def call_detail(request: AccountRequest, call_id: int) -> HttpResponse:
    call = _call_or_404(request, call_id)
    message = None
    message_url = ""
    if call.message_external_id:
        message = (
            Message.objects.for_account(request.account)
            .filter(external_id=call.message_external_id)
            .only("pk", "external_id", "subject", "taken_at")
            .first()
        )
        if message is not None:
            # The message's stable URL: /a/<number>/messages/<id>/.
            message_url = f"{reverse('home', args=[request.account.number])}messages/{message.pk}/"
    log_access(request, Action.VIEWED, call)
    return render(
        request,
        "calllog/call_detail.html",
        {
            "call": call,
            "message": message,
            "message_url": message_url,
            "details": detail_items(call.details),
            "back_url": reverse("calllog:list", args=[request.account.number])
            + _back_query(request),
        },
    )


def _back_query(request: AccountRequest) -> str:
    back = request.GET.get("back", "")
    return back if back.startswith("?") else ""


def recording_filename(call: Call) -> str:
    """e.g. 5201-2026-03-22-0916.wav: the account, and the call's local date and time."""
    local = timezone.localtime(call.started_at, call.account.tzinfo)
    extension = RECORDING_TYPES.get(call.recording_content_type, "audio")
    return f"{call.account.number}-{local:%Y-%m-%d-%H%M}.{extension}"


@require_http_methods(["GET", "HEAD"])
@account_view("calls")
def call_recording(request: AccountRequest, call_id: int) -> HttpResponseBase:
    """The audio, streamed from storage, with Range support so the player can seek.

    Access log rule (one entry per listening, not per range request): a GET with
    `?download=1` is logged "downloaded"; any other GET with no Range header, or with
    a Range starting at byte 0 (how a player begins), is logged "played"; requests for
    later ranges (seeking, buffering) and HEAD requests are not logged.
    """
    call = _call_or_404(request, call_id)
    if not call.recording:
        raise Http404("No recording")
    download = request.GET.get("download") == "1"
    range_header = request.headers.get("Range")
    if request.method == "GET":
        if download:
            log_access(request, Action.DOWNLOADED, call)
        elif range_header is None or _starts_at_zero(range_header):
            log_access(request, Action.PLAYED, call)
    size = call.recording_size if call.recording_size is not None else call.recording.size
    return stream_file(
        call.recording,
        size=size,
        content_type=call.recording_content_type or "application/octet-stream",
        filename=recording_filename(call),
        as_attachment=download,
        range_header=range_header,
        head=request.method == "HEAD",
        etag=recording_etag(call),
        last_modified=_stored_at(call),
        if_range=request.headers.get("If-Range"),
    )


def recording_etag(call: Call) -> str:
    """A strong entity tag: the audio's sha256 (the same bytes, the same tag)."""
    if call.recording_sha256:
        return f'"{call.recording_sha256}"'
    name = hashlib.sha256((call.recording.name or "").encode()).hexdigest()[:32]
    return f'"{call.recording_size or 0}-{name}"'


def _stored_at(call: Call):
    """When the file was written, as storage tells it (None when it cannot)."""
    try:
        return call.recording.storage.get_modified_time(call.recording.name or "")
    except (NotImplementedError, OSError, ValueError):
        return None


def _starts_at_zero(range_header: str) -> bool:
    spec = range_header.replace(" ", "").lower()
    return spec.startswith("bytes=0-")


def _export(request: AccountRequest, fmt: str) -> HttpResponseBase:
    form = CallFilterForm(request.GET, account=request.account)
    if not form.is_valid():
        # The list page shows what is wrong next to the field.
        return redirect(reverse("calllog:list", args=[request.account.number]) + _query(request))
    calls = exports.filtered(request.account, form)
    log_access(
        request,
        Action.EXPORTED,
        object_type="calllog.call",
        detail=_("%(format)s: %(selection)s") % {"format": fmt, "selection": form.describe()},
    )

    def direct() -> HttpResponseBase:
        if fmt == "csv":
            return exports.as_csv(request.account, calls)
        return exports.as_xlsx(request.account, calls).response()

    return offer_export(
        request,
        calls,
        fmt,
        direct=direct,
        kind=f"calls.{fmt}",
        params=params_from_query(request.GET, form.fields),
        description=form.describe(),
        back_url=reverse("calllog:list", args=[request.account.number]) + _query(request),
    )


@require_GET
@account_view("calls")
def export_xlsx(request: AccountRequest) -> HttpResponseBase:
    return _export(request, "xlsx")


@require_GET
@account_view("calls")
def export_csv(request: AccountRequest) -> HttpResponseBase:
    return _export(request, "csv")


@require_POST
@account_view("calls")
def email_report(request: AccountRequest) -> HttpResponseBase:
    """Send the filtered log (the filter is the query string) to an address: the worker
    makes the file and e-mails it while the user watches the job's page."""
    form = CallFilterForm(request.GET, account=request.account)
    account = request.account
    report = Report(
        kind=lambda fmt: f"calls.{fmt}",
        params=params_from_query(request.GET, form.fields),
        detail=form.describe() if form.is_valid() else "",
    )
    return reports.email_report(
        request,
        report if form.is_valid() else None,
        formats=exports.FORMATS,
        page=lambda email_form: _call_list_page(request, form, email_form),
        back_url=reverse("calllog:list", args=[account.number]) + _query(request),
        log=lambda line: log_access(
            request, Action.EMAILED, object_type="calllog.call", detail=line
        ),
    )
