from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import LanguageForm, SwitchAccountForm
from accounts.models import Membership
from accounts.tenancy import AccountRequest, SignedInRequest, account_view, resolve_membership
from portal.sections import all_sections, sections_for


@login_required
def root(request: SignedInRequest) -> HttpResponse:
    """Send the user to the last account they used, or their only (or first) one."""
    memberships = list(Membership.objects.for_user(request.user))
    if not memberships:
        return render(request, "accounts/no_account.html", status=200)
    chosen = next(
        (m for m in memberships if m.account_id == request.user.last_account_id), memberships[0]
    )
    return redirect("home", chosen.account.number)


@account_view("home")
def home(request: AccountRequest) -> HttpResponse:
    if request.user.last_account_id != request.account.pk:
        request.user.last_account = request.account
        request.user.save(update_fields=["last_account"])
    panels = []
    context: dict[str, object] = {}
    for section in sections_for(request.membership):
        if section.panel is not None:
            data = section.panel(request)
            if data is not None:
                panels.append({"template": section.panel_template, "data": data})
        if section.home_context is not None:
            # e.g. the messages' live refresh: the counts follow new messages.
            context |= section.home_context(request)
    context["panels"] = panels
    return render(request, "accounts/home.html", context)


@login_required
def switch_account(request: HttpRequest) -> HttpResponse:
    """The header's account switcher: same section in the other account when allowed."""
    form = SwitchAccountForm(request.GET)
    if not form.is_valid():
        return redirect("root")
    membership = resolve_membership(request.user, form.cleaned_data["to"])
    number = membership.account.number
    for section in all_sections():
        if section.key == form.cleaned_data["section"] and membership.may(section.key):
            return redirect(section.url(number))
    return redirect("home", number)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language from any page, signed in or not; a user's choice is remembered."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        raise Http404
    language = form.cleaned_data["language"]
    target = form.cleaned_data["next"] or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(target)
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")
