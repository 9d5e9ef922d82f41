"""The inbox, one message, and the inbox's downloads and e-mailed reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import log_access
from jobs.exports import start_export
from messages_app import exports
from messages_app.actions import mark_read, mark_unread
from messages_app.forms import InboxFilterForm
from messages_app.models import Message, MessageEvent, MessageQuerySet
from portal.exports import EmailReportForm, send_report
from portal.tenancy import AccountRequest, account_view

PER_PAGE = 50
FILTER_NAMES = exports.FILTER_NAMES
# An e-mailed PDF is still made in the request: past this, Excel or CSV (downloads have
# no limit: they are made by the worker).
PDF_LIMIT = 500
OBJECT_TYPE = "messages_app.message"


def _filtered(request: AccountRequest, query: QueryDict) -> tuple[InboxFilterForm, MessageQuerySet]:
    """The filter form bound to `query`, and what it selects (nothing when it is invalid)."""
    form, selected, _detail = exports.selection(request.account, request.user, query)
    return form, selected


def _selection(request: AccountRequest, query: QueryDict, *more: QueryDict):
    return exports.selection(request.account, request.user, query, *more)


def _filter_query(query: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if query.get(name):
            kept[name] = query[name]
    return kept.urlencode()


def _inbox_url(request: AccountRequest, query: str = "") -> str:
    url = reverse("messages:inbox", args=[request.account.number])
    return f"{url}?{query}" if query else url


def _inbox_context(request: AccountRequest, form: InboxFilterForm, selected, email_form) -> dict:
    page = Paginator(selected, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "form": form,
        "page": page,
        "email_form": email_form,
        "filter_query": _filter_query(request.GET),
        "filter_items": [
            (name, request.GET[name]) for name in FILTER_NAMES if request.GET.get(name)
        ],
        "retention_days": settings.RETENTION_DAYS,
    }


def _pdf_too_big() -> str:
    return _(
        "A PDF holds at most %(limit)s messages: narrow the filter, tick the messages you "
        "need, or choose Excel or CSV."
    ) % {"limit": PDF_LIMIT}


@account_view("messages")
def inbox(request: AccountRequest) -> HttpResponse:
    form, selected = _filtered(request, request.GET)
    context = _inbox_context(request, form, selected, EmailReportForm())
    template = "messages_app/inbox.html#results" if request.htmx else "messages_app/inbox.html"
    return render(request, template, context)


@account_view("messages")
def detail(request: AccountRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.for_account(request.account)
        .retained()
        .prefetch_related(Prefetch("events", queryset=MessageEvent.objects.order_by("at", "pk"))),
        pk=message_id,
    )
    mark_read(message, request.user)
    log_access(request, "viewed", message)
    context = {
        "message": message,
        "events": message.events.all(),
        "filter_query": _filter_query(request.GET),
    }
    template = "messages_app/detail.html#message" if request.htmx else "messages_app/detail.html"
    return render(request, template, context)


@account_view("messages")
@require_POST
def unread(request: AccountRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.for_account(request.account), pk=message_id)
    mark_unread(message, request.user)
    flash.success(request, _("Message %(id)s is marked unread.") % {"id": message.external_id})
    return redirect(_inbox_url(request, _filter_query(request.GET)))


@account_view("messages")
def export(request: AccountRequest, fmt: str) -> HttpResponse:
    """Small spreadsheets at once; PDFs and big spreadsheets on the worker (any size)."""
    form, selected, detail = _selection(request, request.GET)
    if not form.is_valid():
        return redirect(_inbox_url(request, _filter_query(request.GET)))
    log_access(request, "exported", object_type=OBJECT_TYPE, detail=f"{fmt}: {detail}")
    if fmt != "pdf" and selected.count() <= exports.INLINE_ROWS:
        if fmt == "csv":
            return exports.csv_response(selected, request.account)
        return exports.export_file(fmt, selected, request.account, request, detail).response()
    return start_export(
        request,
        f"messages.{fmt}",
        exports.job_params(request.GET),
        description=detail,
        back_url=_inbox_url(request, _filter_query(request.GET)),
    )


@account_view("messages")
@require_POST
def email_report(request: AccountRequest) -> HttpResponse:
    """Send the filtered (or ticked) messages as an attachment; the filter is in the URL."""
    form, selected, detail = _selection(request, request.GET, request.POST)
    email_form = EmailReportForm(request.POST)
    if (
        email_form.is_valid()
        and email_form.cleaned_data["format"] == "pdf"
        and selected.count() > PDF_LIMIT
    ):
        email_form.add_error("format", _pdf_too_big())
    if not (form.is_valid() and email_form.is_valid()):
        return render(
            request, "messages_app/inbox.html", _inbox_context(request, form, selected, email_form)
        )
    to, fmt = email_form.cleaned_data["email"], email_form.cleaned_data["format"]
    account = request.account
    export_file = exports.export_file(fmt, selected, account, request, detail)
    names = {"name": account.name, "number": account.number}
    send_report(
        to,
        _("Messages of %(name)s (account %(number)s)") % names,
        _("The messages you asked for are attached (%(filter)s).") % {"filter": detail},
        export_file,
    )
    log_access(request, "emailed", object_type=OBJECT_TYPE, detail=f"{fmt} to {to}: {detail}")
    flash.success(request, _("The report was sent to %(email)s.") % {"email": to})
    return redirect(_inbox_url(request, _filter_query(request.GET)))
