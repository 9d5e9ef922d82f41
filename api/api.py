"""The platform API (platform-api.md): one NinjaAPI, a router per section.

Each app that the platform writes to has an `api.py` with a `router`; they are mounted
here under /api/v1/accounts/{number}/... or /api/v1/billing/... as the router says.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from api.errors import ApiError, error_response, errors_from_django, errors_from_ninja
from api.models import ApiToken

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """Bearer token only: a client's session cookie never opens the API."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.objects.matching(token)
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token


api = NinjaAPI(
    title="Answering portal platform API",
    version="1",
    description="How the call-centre platform pushes data into the client portal and asks who is on call.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError) -> HttpResponse:
    return error_response(400, errors_from_ninja(exc.errors))


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.errors)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError) -> HttpResponse:
    return error_response(400, errors_from_django(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404) -> HttpResponse:
    return error_response(404, [{"field": "", "message": str(exc) or "Not found."}])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc) -> HttpResponse:
    response = error_response(401, [{"field": "", "message": "A valid bearer token is required."}])
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, [{"field": "", "message": str(exc)}])


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc) -> HttpResponse:
    limit = settings.API_MAX_BODY_BYTES
    return error_response(413, [{"field": "", "message": f"The body is over the limit of {limit} bytes."}])


def _mount_section_routers() -> None:
    for app in settings.INSTALLED_APPS:
        if "." in app or app == "api":
            continue
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.api":
                raise
            continue
        for prefix, router in getattr(module, "routers", []):
            api.add_router(prefix, router)


from api import accounts as _accounts  # noqa: E402

api.add_router("", _accounts.router)
_mount_section_routers()

