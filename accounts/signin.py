"""Signing in: the password, then (for a user who has it) the second factor.

After a right password, a user with two-factor sign-in is NOT signed in: the session
only remembers who is half-way (for a few minutes), so every page, export, recording
and the account switcher still treat the browser as a visitor. Only a right code (or
recovery code) signs the user in, with Django's login(), which gives the session a new
key. Wrong codes count toward the same lockout as wrong passwords.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import LoginView, PasswordResetView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import two_factor
from accounts.access import client_address, log_sign_in
from accounts.forms import SecondStepForm
from accounts.models import KnownBrowser, User
from accounts.tasks import send_new_browser_notice, send_password_reset

PENDING_KEY = "_portal_second_step"
# How long the second step waits for a code after the right password.
PENDING_SECONDS = 5 * 60
BROWSER_COOKIE = "portal_browser"
BROWSER_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def complete_sign_in(request: HttpRequest, user: User, backend: str, next_url: str, device=None):
    """Sign the user in (both factors given), record it, and answer with the redirect."""
    login(request, user, backend)
    if device is not None:
        otp_login(request, device)
    log_sign_in(request, user)
    response = HttpResponseRedirect(_safe_next(request, next_url))
    _remember_browser(request, user, response)
    return response


def _remember_browser(request: HttpRequest, user: User, response: HttpResponse) -> None:
    """Know this browser by a long-lived cookie; a new one (after the first) is e-mailed."""
    token = request.COOKIES.get(BROWSER_COOKIE, "")
    if not (16 <= len(token) <= 64):
        token = secrets.token_urlsafe(32)
    now = timezone.now()
    address = client_address(request)
    agent = request.headers.get("User-Agent", "")[:300]
    known = KnownBrowser.objects.filter(user=user, token_hash=_hash(token))
    if not known.update(last_seen=now, ip_address=address, user_agent=agent):
        first_ever = not KnownBrowser.objects.filter(user=user).exists()
        browser = KnownBrowser.objects.create(
            user=user,
            token_hash=_hash(token),
            first_seen=now,
            last_seen=now,
            ip_address=address,
            user_agent=agent,
            # The very first sign-in has nothing to compare with: no e-mail.
            notified_at=now if first_ever else None,
        )
        if not first_ever:
            settings_url = request.build_absolute_uri(reverse("settings"))
            language = translation.get_language()
            transaction.on_commit(
                lambda: send_new_browser_notice.enqueue(browser.pk, settings_url, language)
            )
    response.set_cookie(
        BROWSER_COOKIE,
        token,
        max_age=BROWSER_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class SignInView(LoginView):
    """The password step."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_redirect_url()
        if two_factor.has_two_factor(user):
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": next_url,
                "until": time.time() + PENDING_SECONDS,
            }
            return redirect("login_code")
        return complete_sign_in(self.request, user, user.backend, next_url)


def _pending(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def second_step(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator app, or a recovery code."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending(request)
    if found is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    user, pending = found
    form = SecondStepForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.is_locked_out(request, user):
            request.session.pop(PENDING_KEY, None)
            return render(request, "registration/second_step.html", {"form": form})
        check = two_factor.check_code(user, form.cleaned_data["code"])
        if check.device is not None:
            del request.session[PENDING_KEY]
            return complete_sign_in(
                request, user, pending["backend"], pending["next"], check.device
            )
        if check.throttled:
            form.add_error(
                "code", _("Too many wrong codes in a row: wait a few seconds, then try again.")
            )
        else:
            two_factor.record_wrong_code(request, user)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_KEY, None)
            form.add_error("code", _("This code is not right (or was already used). Try again."))
    return render(request, "registration/second_step.html", {"form": form})


class ResetView(PasswordResetView):
    """The forgotten-password page: the e-mail, if any, is written and sent by the worker.

    The page enqueues the same task for every well-formed address without looking it
    up, so it answers the same, in the same time, whether the address has an account.
    """

    def form_valid(self, form):
        send_password_reset.enqueue(
            form.cleaned_data["email"],
            self.request.get_host(),
            self.request.is_secure(),
            translation.get_language(),
        )
        return HttpResponseRedirect(self.get_success_url())


sign_in = SignInView.as_view()
password_reset = ResetView.as_view()
