"""Every signed-in request passes here, after authentication (docs/security.md).

- A session that started more than SESSION_MAX_HOURS ago is signed out, however busy.
- A session whose record is gone (ended from /settings/ or by staff) is signed out; the
  record is checked (and its last_seen written) at most once a minute. Ending a session
  also deletes it from the session engine at once, so this check only covers an engine
  that could write a session back (a cache) or cannot delete it (signed cookies).
- A user with two-factor sign-in whose session did not give a second factor is signed
  out (the sign-in always asks for it, so only a session opened another way can be in
  that state).
- A user whom one of their accounts requires to use two-factor sign-in, and who has
  not set it up, sees only the set-up page (and can sign out or switch the language).

A signed-out request goes on as a visitor's: every page then sends it to sign in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, UserSession
from accounts.sessions import SEEN_EVERY, TRACKING_KEY, end_current_session, max_age, tracking


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def two_factor_state(user) -> tuple[bool, bool]:
    """(has two-factor, must have it): from the request's user query when it carries
    them (accounts.backends.PortalBackend), else asked."""
    if hasattr(user, "has_authenticator") and hasattr(user, "authenticator_required"):
        return user.has_authenticator, user.authenticator_required
    from accounts import two_factor

    return two_factor.has_two_factor(user), two_factor.accounts_requiring(user).exists()


class SessionGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.guard(request) or self.get_response(request)

    def guard(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        info = tracking(request)
        now = timezone.now().timestamp()
        if info is not None and info["started"] <= now - max_age().total_seconds():
            end_current_session(request)
            hours = int(max_age().total_seconds() // 3600)
            messages.info(
                request,
                _(
                    "For your security, a session lasts at most %(hours)s hours: "
                    "please sign in again."
                )
                % {"hours": hours},
            )
            return None
        if info is None or not self._still_open(request, request.user, info, now):
            end_current_session(request)
            return None
        if is_verified(request.user):
            return None
        has_two_factor, required = two_factor_state(request.user)
        if has_two_factor:
            end_current_session(request)
            return None
        if required and not _open_to_unenrolled(request.path):
            return _to_set_up(request)
        return None

    def _still_open(self, request: HttpRequest, user: User, info: dict, now: float) -> bool:
        """Check the session's record (once a minute, or when the key changed)."""
        key = request.session.session_key
        if info.get("key") == key and info.get("checked", 0) > now - SEEN_EVERY.total_seconds():
            return True
        found = UserSession.objects.filter(pk=info["id"], user=user).update(
            session_key=key, last_seen=timezone.now()
        )
        if found:
            request.session[TRACKING_KEY] = {**info, "checked": now, "key": key}
        return bool(found)


def _open_to_unenrolled(path: str) -> bool:
    allowed = (
        reverse("two_factor_setup"),
        reverse("logout"),
        reverse("set_language"),
        reverse("healthz"),
        "/api/",
        "/static/",
    )
    return path.startswith(allowed)


def _to_set_up(request: HttpRequest) -> HttpResponse:
    url = reverse("two_factor_setup")
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    if request.method == "GET":
        url += "?" + next_query(request.get_full_path())
    return redirect(url)


def next_query(url: str) -> str:
    """`next=...` as Django's own sign-in redirect writes it (slashes kept)."""
    query = QueryDict(mutable=True)
    query["next"] = url
    return query.urlencode(safe="/")
