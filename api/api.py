"""The platform API (docs/api.md): one NinjaAPI, a router per section.

Each app that the platform writes to has an `api.py` defining `routers = [("", router)]`;
they are mounted here (paths are the contract's, e.g. "/accounts/{number}/messages/...").

What every request goes through, whatever the endpoint (`api_view`, wrapped around each
URL pattern of the API, so it also holds for paths and methods no endpoint answers):

1. a body over settings.API_MAX_BODY_BYTES is refused with 413 before it is read (a
   chunked one, with no Content-Length, as soon as it goes over);
2. the request runs in ONE transaction, rolled back when the answer is 400 or more, so a
   refused request changes nothing (a batch nests each operation in a savepoint);
3. only `Authorization: Bearer <token>` opens it (TokenAuth): a session cookie never does,
   and CSRF is not involved; the token's last use is recorded at most once a minute;
4. every refusal has the contract's shape {"errors": [{"field", "message"}]}: bad bodies
   (not JSON, not UTF-8, NaN, wrong type, missing or unknown field, naive instant) 400,
   no or bad token 401, unknown account or path 404, wrong method 405, too big 413.
"""

from __future__ import annotations

import functools
import hmac
import importlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from api.errors import (
    ApiError,
    BodyError,
    error_response,
    errors_from_django,
    errors_from_ninja,
    one_error,
)
from api.models import ApiToken, hash_token
from api.schemas import ErrorOut
from webhooks.openapi import document_webhooks

logger = logging.getLogger("api")

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def max_body_bytes() -> int:
    return getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


class TokenAuth(HttpBearer):
    """Bearer token only: a client's session cookie never opens the API."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        # An operation of a batch carries the batch's Authorization and its token, already
        # checked: the same token is accepted without asking the database again.
        known = getattr(request, "_api_token", None)
        if known is not None and hmac.compare_digest(known.token_hash, hash_token(token)):
            return known
        return ApiToken.objects.matching(token)


def record_use(token: ApiToken | None) -> None:
    if not isinstance(token, ApiToken):
        return
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _refuse_constant(name: str):
    raise BodyError(f"{name} is not a JSON number.")


def is_json_media_type(media_type: str) -> bool:
    # No Content-Type at all is taken as JSON; a declared other type is not.
    return media_type in ("", "application/json") or media_type.endswith("+json")


class JsonBodyParser(Parser):
    """JSON bodies only, in UTF-8, with no NaN or Infinity: anything else is a 400."""

    def parse_body(self, request: HttpRequest):
        if not is_json_media_type(request.content_type or ""):
            raise BodyError("Send the body as JSON, with Content-Type: application/json.")
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BodyError("The body is not UTF-8.") from error
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise BodyError("The body is nested too deeply.") from error
        except BodyError:
            raise
        except ValueError as error:  # JSONDecodeError, or an integer of thousands of digits
            raise BodyError(f"The body is not valid JSON: {error}.") from error


def _body_too_big(limit: int) -> HttpResponse:
    return one_error(413, f"The body is over the limit of {limit} bytes.")


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _read_chunked_body(request: HttpRequest, limit: int) -> bool:
    """A body sent with no Content-Length (Transfer-Encoding: chunked) is read here, up to
    `limit` bytes, so that it is held to the same limit as any other (False: over it).
    Django itself reads no body without a Content-Length: it would arrive empty."""
    if request.META.get("CONTENT_LENGTH") or "chunked" not in (
        request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    ):
        return True
    stream = request.META.get("wsgi.input")
    if stream is None:
        return True
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        part = stream.read(min(64 * 1024, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        return False
    request._body = b"".join(parts)
    request.META["CONTENT_LENGTH"] = str(size)
    return True


# The views already wrapped by api_view (each is wrapped once).
_wrapped_views: set[Callable[..., HttpResponse]] = set()


def api_view(view):
    """Wrap one URL pattern of the API: size limit, one transaction, the error shape."""
    if view in _wrapped_views:
        return view

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit = max_body_bytes()
        if _content_length(request) > limit or not _read_chunked_body(request, limit):
            return _body_too_big(limit)
        internal = getattr(request, "_api_internal", False)
        try:
            # An operation of a batch needs no savepoint of its own: the first one that
            # fails stops the batch, whose whole transaction is then rolled back.
            with transaction.atomic(savepoint=not internal):
                response = view(request, *args, **kwargs)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
        except Http404 as error:
            response = one_error(404, str(error) or "Not found.")
        except RequestDataTooBig:
            response = _body_too_big(limit)
        except Exception:
            logger.exception("API request failed: %s %s", request.method, request.path)
            response = one_error(500, "The request could not be processed; nothing was changed.")
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = one_error(405, f"Method {request.method} is not allowed here ({allowed}).")
            response["Allow"] = allowed
        if not internal:
            record_use(getattr(request, "auth", None))
        return response

    _wrapped_views.add(wrapper)
    return wrapper


@csrf_exempt
def unknown_path(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return one_error(404, f"No API endpoint at {request.path}.")


class PlatformApi(NinjaAPI):
    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            pattern.callback = api_view(pattern.callback)
        # Any other path under /api/v1/ answers 404 in the error shape, not an HTML page.
        patterns.append(re_path(r"^.*$", api_view(unknown_path), name="unknown-path"))
        return patterns

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        document_webhooks(schema)
        return schema


ERROR_DESCRIPTIONS = {
    400: "Bad body: not JSON, wrong type, missing or unknown field, naive instant...",
    401: "No token, or a bad or revoked one.",
    404: "Unknown account, or unknown object named in the path.",
    413: "Body over the size limit.",
}


def document_errors(schema: dict) -> None:
    """Add the ErrorOut answers to every operation that does not declare them itself."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in schemas:
        generated = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(generated.pop("$defs", {}))
        schemas["ErrorOut"] = generated
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            codes = [400, 404]
            if operation.get("security"):
                codes.append(401)
            if method in ("put", "post", "patch"):
                codes.append(413)
            responses = operation.setdefault("responses", {})
            declared = {str(code) for code in responses}
            for code in sorted(codes):
                if str(code) not in declared:
                    responses[code] = {"description": ERROR_DESCRIPTIONS[code], "content": content}


api = PlatformApi(
    title="Answering portal platform API",
    version="1",
    description=(
        "How the call-centre platform pushes data into the client portal and asks who is on "
        "call. Every request carries `Authorization: Bearer <token>`; every refusal answers "
        '`{"errors": [{"field": "...", "message": "..."}]}`.'
    ),
    auth=TokenAuth(),
    parser=JsonBodyParser(),
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


@api.exception_handler(DataError)
def on_data_error(request, exc: DataError) -> HttpResponse:
    # The database refused a value the schema let through (a number out of its column's
    # range, a NUL character in text): the body is at fault, not the server.
    logger.info("API value refused by the database: %s", exc)
    return one_error(400, "A value is out of range or cannot be stored.")


@api.exception_handler(OverflowError)
def on_overflow(request, exc: OverflowError) -> HttpResponse:
    return one_error(400, "A number is out of range.")


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404) -> HttpResponse:
    return one_error(404, str(exc) or "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc) -> HttpResponse:
    response = one_error(401, "A valid bearer token is required.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError) -> HttpResponse:
    # Ninja wraps a parser failure in HttpError(400); the parser's own words are clearer.
    cause = exc.__cause__
    message = str(cause) if isinstance(cause, BodyError) else str(exc)
    return one_error(exc.status_code, message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc) -> HttpResponse:
    return _body_too_big(max_body_bytes())


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
from api import batch as _batch  # noqa: E402

api.add_router("", _accounts.router)
api.add_router("", _batch.router)
_mount_section_routers()
