"""The user's security settings (two-factor sign-in, open sessions) and the account's.

/settings/ shows them; the forms post to the small views below, which answer with a
redirect, or with /settings/ again and the error next to its field.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions, two_factor
from accounts.browsers import browser_name
from accounts.forms import (
    AccountSecurityForm,
    ConfirmDeviceForm,
    LanguageForm,
    PasswordCheckForm,
    TurnOffTwoFactorForm,
)
from accounts.models import Membership, UserSession
from accounts.sessions import (
    current_id,
    end_current_session,
    end_other_sessions,
    end_sessions,
    follow_new_key,
)
from accounts.sessions import open_sessions as user_open_sessions
from accounts.tenancy import AccountRequest, SignedInRequest, account_view


def _next(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def settings_context(request: SignedInRequest, **forms) -> dict:
    user = request.user
    this_one = current_id(request)
    sessions = [
        {"row": row, "browser": browser_name(row.user_agent), "current": row.pk == this_one}
        for row in user_open_sessions(user)
    ]
    enabled = two_factor.has_two_factor(user)
    return {
        "password_form": forms.get("password_form") or PasswordChangeForm(user),
        "language_form": LanguageForm(initial={"language": translation.get_language()}),
        "memberships": Membership.objects.for_user(user),
        "two_factor_on": enabled,
        "recovery_codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "requiring": list(two_factor.accounts_requiring(user)),
        "turn_off_form": forms.get("turn_off_form") or TurnOffTwoFactorForm(user),
        "new_codes_form": forms.get("new_codes_form") or PasswordCheckForm(user),
        "open_sessions": sessions,
        "user_tz": user.home_timezone(),
        "other_sessions": sum(1 for s in sessions if not s["current"]),
    }


def _settings_page(request: SignedInRequest, status: int = 200, **forms) -> HttpResponse:
    return render(
        request, "accounts/settings.html", settings_context(request, **forms), status=status
    )


@sensitive_post_parameters()
@login_required
def settings_page(request: SignedInRequest) -> HttpResponse:
    """/settings/: the password, the language, two-factor sign-in and open sessions."""
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            follow_new_key(request)
            # A changed password also closes the user's other sessions.
            end_other_sessions(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("settings")
        return _settings_page(request, password_form=form)
    return _settings_page(request)


@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, then one code to confirm."""
    user = request.user
    if two_factor.has_two_factor(user):
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect(_next(request, reverse("settings")))
    device = two_factor.enrolment_device(user)
    form = ConfirmDeviceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Not counted toward the lockout: whoever is here already sees the secret.
        code = two_factor.normalise(form.cleaned_data["code"])
        if code.isdigit() and device.verify_token(code):
            codes = actions.turn_on_two_factor(request, user, device)
            request.session[actions.FRESH_CODES_KEY] = {
                "codes": codes,
                "next": _next(request, reverse("settings")),
            }
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("recovery_codes")
        form.add_error(
            "code",
            _(
                "This code does not match. Check the app shows this portal, "
                "then type the newest code."
            ),
        )
    requiring = list(two_factor.accounts_requiring(user))
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device, _("QR code to scan with your authenticator app")),
        "secret": two_factor.secret_text(device),
        "next": _next(request, ""),
        "requiring": requiring,
        "requiring_text": ", ".join(str(account.number) for account in requiring),
    }
    status = 400 if form.errors else 200
    return render(request, "accounts/two_factor_setup.html", context, status=status)


def _fresh_codes(request: SignedInRequest) -> dict:
    fresh = request.session.get(actions.FRESH_CODES_KEY)
    if not isinstance(fresh, dict) or not fresh.get("codes"):
        raise Http404("No new recovery codes to show")
    return fresh


@login_required
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """The new recovery codes, shown once: "I have saved them" forgets them."""
    if request.method == "POST":
        fresh = request.session.pop(actions.FRESH_CODES_KEY, None) or {}
        return redirect(fresh.get("next") or "settings")
    try:
        fresh = _fresh_codes(request)
    except Http404:
        return redirect("settings")
    return render(request, "accounts/recovery_codes.html", {"codes": fresh["codes"]})


@login_required
def recovery_codes_download(request: SignedInRequest) -> HttpResponse:
    fresh = _fresh_codes(request)
    lines = [
        _("Recovery codes for %(user)s at %(service)s")
        % {"user": request.user.get_username(), "service": settings.SERVICE["name"]},
        _("Each code works once, in place of a code from your authenticator app."),
        "",
        *fresh["codes"],
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@require_POST
@sensitive_post_parameters("password")
@login_required
def new_recovery_codes(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("settings")
    form = PasswordCheckForm(user, request.POST)
    if not form.is_valid():
        return _settings_page(request, status=400, new_codes_form=form)
    codes = actions.renew_recovery_codes(request, user)
    request.session[actions.FRESH_CODES_KEY] = {"codes": codes, "next": reverse("settings")}
    messages.success(request, _("You have new recovery codes; the old ones no longer work."))
    return redirect("recovery_codes")


@require_POST
@sensitive_post_parameters("password", "code")
@login_required
def turn_off_two_factor(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("settings")
    form = TurnOffTwoFactorForm(user, request.POST)
    valid = form.is_valid()
    if two_factor.accounts_requiring(user).exists():
        form.add_error(None, _("An account you belong to requires two-factor sign-in."))
        return _settings_page(request, status=400, turn_off_form=form)
    if two_factor.is_locked_out(request, user):
        return _settings_page(request, status=429, turn_off_form=form)
    if not valid:
        return _settings_page(request, status=400, turn_off_form=form)
    if two_factor.check_code(user, form.cleaned_data["code"]).device is None:
        two_factor.record_wrong_code(request, user)
        form.add_error("code", _("This code is not right (or was already used)."))
        return _settings_page(request, status=400, turn_off_form=form)
    actions.turn_off_two_factor(request, user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("settings")


@require_POST
@login_required
def end_session(request: SignedInRequest, session_id: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=session_id, user=request.user)
    if row.pk == current_id(request):
        end_current_session(request)
        return redirect("login")
    end_sessions(UserSession.objects.filter(pk=row.pk))
    messages.success(request, _("That session was ended."))
    return redirect(reverse("settings") + "#sessions")


@require_POST
@login_required
def end_others(request: SignedInRequest) -> HttpResponse:
    ended = end_other_sessions(request, request.user)
    messages.success(request, _("Other sessions ended: %(count)s.") % {"count": ended})
    return redirect(reverse("settings") + "#sessions")


@account_view("account_settings")
def account_settings(request: AccountRequest) -> HttpResponse:
    """/a/<number>/settings/: the manager requires two-factor sign-in (or not)."""
    account = request.account
    form = AccountSecurityForm(
        request.POST if request.method == "POST" else None,
        initial={"require_two_factor": account.require_two_factor},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            required = form.cleaned_data["require_two_factor"]
            if required and not two_factor.has_two_factor(request.user):
                form.add_error(
                    "require_two_factor",
                    _("Turn on two-factor sign-in for yourself first (in your settings)."),
                )
            else:
                if actions.set_two_factor_requirement(request, account, required):
                    messages.success(
                        request,
                        _("Two-factor sign-in is now required on this account.")
                        if required
                        else _("Two-factor sign-in is no longer required on this account."),
                    )
                return redirect("account_settings:page", account.number)
        status = 400
    members = (
        Membership.objects.filter(account=account)
        .select_related("user")
        .annotate(
            two_factor_on=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
            )
        )
        .order_by("user__username")
    )
    return render(
        request,
        "accounts/account_settings.html",
        {"form": form, "members": members},
        status=status,
    )
