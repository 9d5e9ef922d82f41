"""Django's admin, for support staff who signed in with a second factor.

A staff user signed in with a password alone (no authenticator app yet) is sent to set
one up; the admin's own sign-in form is never shown: /admin/login/ leads to the portal's
sign-in, which asks for the code.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.middleware import is_verified, next_query


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if is_verified(user):
            return redirect(next_url)
        # Signed in with a password only: the second factor is missing.
        return redirect(reverse("two_factor_setup") + "?" + next_query(next_url))
