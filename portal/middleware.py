import re
from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a background poll does not count as the user being there.

    A view sets `request.keeps_session_idle = True` (the live inbox's poll does): the
    session is then not saved, so its idle expiry is not pushed back and an inbox left
    open still signs out after SESSION_IDLE_MINUTES without anyone touching it. What
    the request changed in the session is dropped (the session guard's "checked" mark
    is then simply written again by the next real request); a session emptied by a
    sign-out is still removed as usual.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        idle = getattr(request, "keeps_session_idle", False)
        if idle and session is not None and not session.is_empty():
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the cookie and the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages of a signed-in user hold a client's data: no cache may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{1,40}")


class DownloadTokenMiddleware:
    """A file sent for a request with `download_token=T` comes with the cookie
    `download_T`: the page that asked for it (portal.js) sees the download has started,
    and stops showing progress and re-enables its button."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = request.GET.get("download_token", "")
        if DOWNLOAD_TOKEN.fullmatch(token) and response.get("Content-Disposition", "").startswith(
            "attachment"
        ):
            response.set_cookie(
                f"download_{token}",
                "1",
                max_age=120,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=False,  # read by the page's script; it holds nothing secret
            )
        return response
