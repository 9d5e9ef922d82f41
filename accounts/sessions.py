"""The portal's record of open sessions (accounts.UserSession), whatever the session engine.

A row is written when a user signs in (user_logged_in) and removed when they sign out
or the session is ended from /settings/. The session itself remembers its row (id,
start, key), so the row follows the session when Django gives it a new key (a password
change does), and the absolute lifetime is checked on every request without a query.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User, UserSession

TRACKING_KEY = "_portal_session"
# The row is checked, and last_seen written, at most this often (not on every request).
SEEN_EVERY = timedelta(minutes=1)


def max_age() -> timedelta:
    return timedelta(hours=settings.SESSION_MAX_HOURS)


def idle_age() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def start_tracking(request: HttpRequest, user: User) -> UserSession:
    from accounts.access import client_address

    key = request.session.session_key
    assert key is not None  # signing in has just given the session a new key
    row = UserSession.objects.create(
        session_key=key,
        user=user,
        ip_address=client_address(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    stamp = row.started_at.timestamp()
    request.session[TRACKING_KEY] = {
        "id": row.pk,
        "started": stamp,
        "checked": stamp,
        "key": row.session_key,
    }
    return row


def tracking(request: HttpRequest) -> dict | None:
    session = getattr(request, "session", None)
    info = session.get(TRACKING_KEY) if session is not None else None
    return info if isinstance(info, dict) and "id" in info else None


def current_id(request: HttpRequest) -> int | None:
    info = tracking(request)
    return info["id"] if info else None


def open_sessions(user: User) -> QuerySet[UserSession]:
    """The user's sessions that may still be in use (neither idle too long nor too old)."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        started_at__gt=now - max_age(),
        last_seen__gt=now - idle_age() - SEEN_EVERY,
    ).order_by("-last_seen")


def follow_new_key(request: HttpRequest) -> None:
    """After Django gave this session a new key (a password change), its row follows."""
    info = tracking(request)
    key = request.session.session_key
    if info is not None and info.get("key") != key:
        UserSession.objects.filter(pk=info["id"]).update(session_key=key)
        request.session[TRACKING_KEY] = {**info, "key": key}


def end_sessions(sessions: QuerySet[UserSession]) -> int:
    """End these sessions now: their rows go, and their data in the session engine."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = list(sessions.values_list("pk", "session_key"))
    for _pk, key in ended:
        store().delete(key)
    UserSession.objects.filter(pk__in=[pk for pk, _key in ended]).delete()
    return len(ended)


def end_other_sessions(request: HttpRequest, user: User) -> int:
    others = UserSession.objects.filter(user=user)
    current = current_id(request)
    if current is not None:
        others = others.exclude(pk=current)
    return end_sessions(others)


def end_current_session(request: HttpRequest) -> None:
    """Sign this browser out (the row goes with the user_logged_out signal)."""
    logout(request)


def forget_session(request: HttpRequest) -> None:
    """user_logged_out: the row of the session being closed goes."""
    row_id = current_id(request)
    if row_id is not None:
        UserSession.objects.filter(pk=row_id).delete()


def purge_dead_sessions(now=None) -> int:
    """Rows of sessions that are over by time (the engine has dropped or will refuse
    them), and browsers not seen for longer than their cookie lives."""
    from accounts.models import KnownBrowser
    from accounts.signin import BROWSER_COOKIE_AGE

    now = now or timezone.now()
    dead = UserSession.objects.filter(started_at__lte=now - max_age()) | UserSession.objects.filter(
        last_seen__lte=now - idle_age() - SEEN_EVERY
    )
    forgotten = KnownBrowser.objects.filter(
        last_seen__lte=now - timedelta(seconds=BROWSER_COOKIE_AGE)
    )
    return dead.delete()[0] + forgotten.delete()[0]
