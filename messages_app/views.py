"""The inbox, one message, and the inbox's downloads and e-mailed reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import Action, log_access
from accounts.tenancy import AccountRequest, account_view
from messages_app import exports, live
from messages_app.actions import acknowledge as acknowledge_message
from messages_app.actions import mark_read, mark_unread
from messages_app.forms import InboxFilterForm
from messages_app.models import Message, MessageEvent, MessageQuerySet
from portal import reports
from portal.background import offer_export
from portal.pages import render_page
from portal.reports import EmailReportForm, Report
from portal.words import heading

PER_PAGE = 50
FILTER_NAMES = exports.FILTER_NAMES
OBJECT_TYPE = "messages_app.message"


def _filtered(request: AccountRequest, query: QueryDict) -> tuple[InboxFilterForm, MessageQuerySet]:
    """The filter form bound to `query`, and what it selects (nothing when it is invalid)."""
    form, selected, _detail = exports.selection(request.account, request.user, query)
    return form, selected


def _selection(
    request: AccountRequest, query: QueryDict, *more: QueryDict
) -> tuple[InboxFilterForm, MessageQuerySet, str]:
    return exports.selection(request.account, request.user, query, *more)


def _filter_query(query: QueryDict) -> str:
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = query.get(name)
        if value:
            kept[name] = value
    return kept.urlencode()


def _inbox_url(request: AccountRequest, query: str = "") -> str:
    url = reverse("messages:inbox", args=[request.account.number])
    return f"{url}?{query}" if query else url


def _label_rows(request: AccountRequest, messages: Iterable[Any], filter_query: str) -> None:
    """What each row shows, set on each message for the row partial, worked out once here:
    50 rows of {% url %}, date filters and translated labels were most of the inbox's time."""
    tz = request.account.tzinfo
    base = reverse("messages:inbox", args=[request.account.number])  # + "<id>/" = the detail
    suffix = f"?{filter_query}" if filter_query else ""
    select, acknowledge = _("Select message %(id)s"), _("Acknowledge message %(id)s")
    for message in messages:
        message.detail_url = f"{base}{message.pk}/{suffix}"
        message.acknowledge_url = f"{base}{message.pk}/acknowledge{suffix}"
        local = timezone.localtime(message.taken_at, tz)
        message.taken_label = formats.date_format(local, "SHORT_DATETIME_FORMAT")
        message.select_label = select % {"id": message.external_id}
        message.acknowledge_label = acknowledge % {"id": message.external_id}


def _inbox_context(
    request: AccountRequest,
    form: InboxFilterForm,
    selected: MessageQuerySet,
    email_form: EmailReportForm,
) -> dict[str, object]:
    page = Paginator(selected, PER_PAGE).get_page(request.GET.get("page"))
    query = _filter_query(request.GET)
    _label_rows(request, page.object_list, query)
    page_query = "&".join(part for part in (query, f"page={page.number}") if part)
    filtered = form.is_valid() and any(request.GET.get(name) for name in FILTER_NAMES)
    return {
        "form": form,
        "page": page,
        "email_form": email_form,
        "filter_query": query,
        # This very view of the inbox: what the live refresh and the row actions come back to.
        "here": _inbox_url(request, page_query),
        "newest_id": live.newest_id(request.account),
        "poll_seconds": live.POLL_SECONDS,
        "filter_items": [
            (name, request.GET[name]) for name in FILTER_NAMES if request.GET.get(name)
        ],
        "retention_days": settings.RETENTION_DAYS,
        # The filter in words under the count, once the user has chosen one.
        "filter_words": heading(form.describe()) if filtered else "",
    }


@account_view("messages")
def inbox(request: AccountRequest) -> HttpResponse:
    form, selected = _filtered(request, request.GET)
    context = _inbox_context(request, form, selected, EmailReportForm(formats=exports.FORMATS))
    return render_page(request, "messages_app/inbox.html", context)


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
    return render_page(request, "messages_app/detail.html", context, partial="message")


@account_view("messages")
@require_POST
def acknowledge(request: AccountRequest, message_id: int) -> HttpResponse:
    """ "Got it": from the message's page or its inbox row (once; a repeat changes nothing)."""
    message = get_object_or_404(
        Message.objects.for_account(request.account).retained(), pk=message_id
    )
    if acknowledge_message(message, request.user):
        log_access(request, "changed", message, detail="acknowledged")
        news = _("Message %(id)s is acknowledged: the answering service knows you have it.")
    else:
        news = _("Message %(id)s was already acknowledged by %(name)s.")
    back = _back_to(request, request.POST.get("next", ""))
    if request.htmx and request.POST.get("shown_in") == "inbox":
        row = Message.objects.with_read_state(request.user).get(pk=message.pk)
        _label_rows(request, [row], _filter_query(request.GET))
        context = {"message": row, "here": back}
        return render(request, "messages_app/inbox.html#row", context)
    if request.htmx:
        context = {
            "message": message,
            "events": message.events.order_by("at", "pk"),
            "filter_query": _filter_query(request.GET),
        }
        return render(request, "messages_app/detail.html#message", context)
    flash.success(request, news % {"id": message.external_id, "name": message.acknowledged_by})
    return redirect(back)


def _back_to(request: AccountRequest, url: str) -> str:
    """Where a row action returns: the inbox page it came from, never anywhere else."""
    inbox = reverse("messages:inbox", args=[request.account.number])
    if url.startswith(inbox) and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return _inbox_url(request, _filter_query(request.GET))


@account_view("messages")
@require_GET
def poll(request: AccountRequest) -> HttpResponse:
    """The live inbox asks every few seconds: "anything newer than message N?"

    One indexed query; "nothing new" is an empty 204 (htmx leaves the page alone).
    Otherwise an empty 200 whose HX-Trigger tells the page to refresh what it shows.
    """
    request.keeps_session_idle = True  # a page left open still signs out when idle
    after = request.GET.get("after", "")
    if not after.isdigit() or len(after) > 18:
        return HttpResponseBadRequest(_("after must be the id of a message."))
    return live.answer(request.account, int(after))


@account_view("messages")
@require_POST
def unread(request: AccountRequest, message_id: int) -> HttpResponse:
    # Like every page and action on a message: past the retention period it is gone (404).
    message = get_object_or_404(
        Message.objects.for_account(request.account).retained(), pk=message_id
    )
    mark_unread(message, request.user)
    flash.success(request, _("Message %(id)s is marked unread.") % {"id": message.external_id})
    return redirect(_inbox_url(request, _filter_query(request.GET)))


@account_view("messages")
def export(request: AccountRequest, fmt: str) -> HttpResponseBase:
    """A small selection at once; a big one on the worker (any size, PDF included)."""
    form, selected, detail = _selection(request, request.GET)
    if not form.is_valid():
        return redirect(_inbox_url(request, _filter_query(request.GET)))
    log_access(
        request,
        "exported",
        object_type=OBJECT_TYPE,
        detail=_("%(format)s: %(selection)s") % {"format": fmt, "selection": detail},
    )
    return offer_export(
        request,
        selected,
        fmt,
        direct=lambda: exports.direct_response(fmt, selected, request.account, detail),
        kind=f"messages.{fmt}",
        params=exports.job_params(request.GET),
        description=detail,
        back_url=_inbox_url(request, _filter_query(request.GET)),
    )


@account_view("messages")
@require_POST
def email_report(request: AccountRequest) -> HttpResponseBase:
    """E-mail the filtered (or ticked) messages as an attachment, in any number and any
    format (the worker makes and sends it); the filter is in the URL, ticks in the form."""
    form, selected, detail = _selection(request, request.GET, request.POST)
    params = exports.job_params(request.GET)
    ticked = exports.ticked(request.GET, request.POST)
    if ticked:
        params["ids"] = [str(pk) for pk in ticked]
    report = Report(kind=lambda fmt: f"messages.{fmt}", params=params, detail=detail)
    return reports.email_report(
        request,
        report if form.is_valid() else None,
        formats=exports.FORMATS,
        page=lambda email_form: render(
            request, "messages_app/inbox.html", _inbox_context(request, form, selected, email_form)
        ),
        back_url=_inbox_url(request, _filter_query(request.GET)),
        log=lambda line: log_access(request, Action.EMAILED, object_type=OBJECT_TYPE, detail=line),
    )
