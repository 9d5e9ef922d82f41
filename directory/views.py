"""The directory, the information pages and the client's change requests (read only,
but for the "Request a change" form on each)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import Action, log_access
from accounts.tenancy import AccountRequest, account_view
from directory.actions import request_change
from directory.forms import ChangeRequestForm, DirectoryFilterForm
from directory.models import ChangeRequest, Contact, InfoPage
from portal.pages import render_page

REQUESTS_PER_PAGE = 25


def _directory_page(request: AccountRequest, change_form: ChangeRequestForm) -> HttpResponse:
    filter_form = DirectoryFilterForm(request.GET)
    contacts = Contact.objects.none()
    if filter_form.is_valid():
        contacts = (
            Contact.objects.for_account(request.account)
            .active()
            .matching(filter_form.cleaned_data["q"].strip())
            .with_methods()
        )
    context = {
        "filter_form": filter_form,
        "contacts": contacts,
        "change_form": change_form,
        "request_url": reverse("directory:request", args=[request.account.number]),
    }
    return render_page(request, "directory/directory.html", context)


@account_view("directory")
def directory(request: AccountRequest) -> HttpResponse:
    return _directory_page(request, ChangeRequestForm())


def _page_of(request: AccountRequest, page_id: int) -> InfoPage:
    page = InfoPage.objects.for_account(request.account).filter(pk=page_id).first()
    if page is None:
        raise Http404("No such information page")
    return page


def _info_page(
    request: AccountRequest, page: InfoPage, change_form: ChangeRequestForm
) -> HttpResponse:
    context = {
        "page": page,
        "change_form": change_form,
        "request_url": reverse("info:request", args=[request.account.number, page.pk]),
    }
    return render(request, "directory/info_page.html", context)


@account_view("info")
def info_list(request: AccountRequest) -> HttpResponse:
    pages = InfoPage.objects.for_account(request.account).only("pk", "title", "position")
    return render(request, "directory/info_list.html", {"pages": pages})


@account_view("info")
def info_page(request: AccountRequest, page_id: int) -> HttpResponse:
    return _info_page(request, _page_of(request, page_id), ChangeRequestForm())


def _request_change(request: AccountRequest, page: InfoPage | None) -> HttpResponse:
    # Checked after the account and the page were resolved: another account's page is
    # 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ChangeRequestForm(request.POST)
    back = (
        reverse("info:page", args=[request.account.number, page.pk])
        if page
        else reverse("directory:directory", args=[request.account.number])
    )
    if form.is_valid():
        change = request_change(
            request.account, request.user, form.cleaned_data["text"], info_page=page
        )
        log_access(request, Action.REQUESTED, change, detail=change.about)
        sent = _(
            "Your change request was sent. Our team will take care of it; "
            "you can follow it under “Your change requests”."
        )
        if request.htmx:
            form = ChangeRequestForm()
            return render(
                request,
                "directory/request_form.html",
                {"change_form": form, "request_url": request.path, "sent": sent},
            )
        messages.success(request, sent)
        return redirect(back)
    if request.htmx:
        return render(
            request,
            "directory/request_form.html",
            {"change_form": form, "request_url": request.path},
        )
    if page is not None:
        return _info_page(request, page, form)
    return _directory_page(request, form)


@account_view("directory")
def request_directory_change(request: AccountRequest) -> HttpResponse:
    return _request_change(request, None)


@account_view("info")
def request_info_change(request: AccountRequest, page_id: int) -> HttpResponse:
    return _request_change(request, _page_of(request, page_id))


@account_view("directory")
def change_requests(request: AccountRequest) -> HttpResponse:
    changes = ChangeRequest.objects.for_account(request.account).select_related(
        "requested_by", "info_page"
    )
    page = Paginator(changes, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "directory/requests.html", {"page": page})
