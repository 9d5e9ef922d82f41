"""POST /api/v1/batch: up to 1,000 writes in one transaction, all or none.

Each operation is dispatched to the very view a direct request to its path reaches
(django.urls.resolve), on an internal request that carries the batch's Authorization,
so validation, auth and answers are the same. The operations run in order, each in a
savepoint of the batch's transaction; the first one that answers 400 or more stops the
batch and rolls everything back:

    200 {"applied": true, "results": [{"status": 201, "body": {...}}, ...]}
    400 {"applied": false, "failed": 2, "errors": [{"field": "operations.2.name", ...}],
         "results": [<the operations up to and including the failed one>]}

(500 instead of 400 if the failing operation itself answered 500.) Bodies are JSON: a
recording upload (raw audio) is not a batch operation.
"""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from ninja import Router, Schema, Status
from pydantic import Field

from api.errors import error_response
from api.schemas import ErrorItem, StrictSchema

MAX_OPERATIONS = 1000

router = Router(tags=["batch"])

# Copied from the batch's request to each operation's, so they are seen the same way.
FORWARDED_META = (
    "HTTP_AUTHORIZATION",
    "HTTP_HOST",
    "HTTP_ACCEPT_LANGUAGE",
    "REMOTE_ADDR",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "wsgi.url_scheme",
)


class OperationIn(StrictSchema):
    method: Literal["PUT", "POST", "DELETE"]
    path: str = Field(
        min_length=1,
        max_length=2000,
        # Checked when the operation runs (refused there, with its index as `failed`).
        json_schema_extra={"pattern": "^/api/v1/"},
        description="The path of a write endpoint, e.g. /api/v1/accounts/5201",
    )
    body: dict[str, Any] | None = None


class BatchIn(StrictSchema):
    operations: list[OperationIn] = Field(min_length=1, max_length=MAX_OPERATIONS)


class ResultOut(Schema):
    status: int
    body: Any = None


class BatchOut(Schema):
    applied: bool
    results: list[ResultOut]


class BatchRefusedOut(Schema):
    """A refused batch; a batch body that is itself invalid has only `errors`."""

    applied: bool = False
    failed: int | None = Field(None, description="Index of the operation that failed.")
    errors: list[ErrorItem]
    results: list[ResultOut] = []


class OperationRefused(Exception):
    def __init__(self, status: int, message: str, field: str = ""):
        self.status = status
        self.body = {"errors": [{"field": field, "message": message}]}


def api_root() -> str:
    return reverse("api:api-root")


def resolve_operation(path: str):
    split = urlsplit(path)
    if split.scheme or split.netloc:
        raise OperationRefused(400, "Give the path only, e.g. /api/v1/accounts/5201.", "path")
    local_path = unquote(split.path)
    if not local_path.startswith(api_root()):
        raise OperationRefused(400, f"The path must start with {api_root()}.", "path")
    try:
        match = resolve(local_path)
    except Resolver404 as error:
        raise OperationRefused(404, f"No API endpoint at {local_path}.", "path") from error
    if match.namespace == "api" and match.url_name == "batch":
        raise OperationRefused(400, "A batch cannot contain another batch.", "path")
    return local_path, split.query, match


class InternalRequest(HttpRequest):
    """One operation of a batch, run as a request of its own."""

    _api_internal: bool
    _api_token: Any


def internal_request(outer: HttpRequest, method: str, path: str, query: str, body) -> HttpRequest:
    data = b"" if body is None else json.dumps(body).encode()
    request = InternalRequest()
    request.method = method
    request.path = request.path_info = path
    request.META = {key: outer.META[key] for key in FORWARDED_META if key in outer.META}
    request.META.update(
        REQUEST_METHOD=method,
        PATH_INFO=path,
        QUERY_STRING=query,
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(data)),
    )
    request.content_type = "application/json"
    request.content_params = {}
    request.GET = QueryDict(query)
    request._body = data
    request.COOKIES = {}
    request.LANGUAGE_CODE = getattr(outer, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    request._api_internal = True  # the batch records the token's use once
    request._api_token = getattr(outer, "auth", None)
    return request


def run_operation(outer: HttpRequest, operation: OperationIn) -> tuple[int, Any]:
    try:
        path, query, match = resolve_operation(operation.path)
    except OperationRefused as refused:
        return refused.status, refused.body
    request = internal_request(outer, operation.method, path, query, operation.body)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code == 415:
        return 400, {
            "errors": [
                {
                    "field": "path",
                    "message": "A batch carries JSON bodies only: upload a recording "
                    "with its own PUT.",
                }
            ]
        }
    return response.status_code, _body_of(response)


def _body_of(response: HttpResponse) -> Any:
    if not response.content:
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.loads(response.content)
        except ValueError:
            return None
    return response.content.decode("utf-8", "replace")


@router.post(
    "/batch",
    response={200: BatchOut, 400: BatchRefusedOut, 500: BatchRefusedOut},
    url_name="batch",
    summary="Apply up to 1,000 operations in one transaction, all or none",
    description=(
        "Each operation is the request its method and path name, with its body, and follows "
        "that endpoint's rules. The first operation refused (its status 400 or more) stops "
        "the batch: nothing is applied, and the answer is 400 with `failed` its index and "
        "its errors named `operations.<index>.<field>`. A recording (raw audio) is not a "
        "batch operation."
    ),
)
def batch(request: HttpRequest, payload: BatchIn):
    results: list[dict] = []
    with transaction.atomic():
        for index, operation in enumerate(payload.operations):
            status, body = run_operation(request, operation)
            results.append({"status": status, "body": body})
            if status >= 400:
                transaction.set_rollback(True)
                return _refused(index, status, body, results)
    return Status(200, {"applied": True, "results": results})


def _refused(index: int, status: int, body: Any, results: list[dict]) -> HttpResponse:
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        errors = [{"field": "", "message": f"The operation answered {status}."}]
    prefixed = [
        {
            "field": ".".join(
                part for part in (f"operations.{index}", str(error.get("field", ""))) if part
            ),
            "message": str(error.get("message", "")),
        }
        for error in errors
        if isinstance(error, dict)
    ]
    response = error_response(500 if status >= 500 else 400, prefixed)
    response.content = json.dumps(
        {"applied": False, "failed": index, "errors": prefixed, "results": results}
    )
    return response
