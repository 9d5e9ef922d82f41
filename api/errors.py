"""The contract's error shape: {"errors": [{"field": "...", "message": "..."}]}.

Raise `bad_request(field, message)` (400) or `ApiError(status, message, field=...)` from an
endpoint or a write function; `unsupported_media_type(allowed)` is the 415 of a raw upload
whose Content-Type is not one of `allowed`. Every other refusal (validation, 401, 404, 405,
413) is turned into this shape by api/api.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse


class ApiError(Exception):
    def __init__(self, status: int, errors: list[dict] | str, field: str = ""):
        if isinstance(errors, str):
            errors = [{"field": field, "message": errors}]
        self.status = status
        self.errors = errors
        super().__init__(errors)


class BodyError(ValueError):
    """A request body that is not the JSON object the endpoint reads (raised by the parser)."""


def bad_request(field: str, message: str) -> ApiError:
    return ApiError(400, message, field=field)


def unsupported_media_type(allowed: Iterable[str]) -> ApiError:
    return ApiError(
        415, f"Content-Type must be one of {', '.join(sorted(allowed))}.", field="Content-Type"
    )


def require_content_type(request: HttpRequest, allowed: Iterable[str]) -> str:
    """The request's media type if it is one of `allowed`, else a 415 ApiError."""
    allowed = set(allowed)
    if request.content_type not in allowed:
        raise unsupported_media_type(allowed)
    return request.content_type


def error_response(status: int, errors: list[dict]) -> HttpResponse:
    return HttpResponse(
        json.dumps({"errors": errors}), status=status, content_type="application/json"
    )


def one_error(status: int, message: str, field: str = "") -> HttpResponse:
    return error_response(status, [{"field": field, "message": message}])


def errors_from_ninja(errors: list[dict]) -> list[dict]:
    result = []
    for error in errors:
        # Ninja puts where the value came from first: ("body", <parameter name>, ...),
        # ("query", "at"), ("path", "number"). The contract names the field inside the
        # body, so the source and, for a body, the parameter's name are dropped.
        loc = [str(part) for part in error.get("loc", [])]
        if loc and loc[0] == "body":
            loc = loc[2:]
        elif loc and loc[0] in ("query", "path", "header", "cookie", "form", "file"):
            loc = loc[1:]
        field = ".".join(loc)
        if not field and error.get("type") in ("missing", "model_attributes_type", "dict_type"):
            message = "The body must be a JSON object."
        else:
            message = _message(error)
        result.append({"field": field, "message": message})
    return result or [{"field": "", "message": "Invalid body."}]


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "Unknown field."
    if kind == "missing" or ("input" in error and error["input"] is None):
        return "This field is required."
    if kind == "timezone_aware":
        return "An instant needs its offset, e.g. 2026-03-22T09:16:44-04:00."
    message = str(error.get("msg", "Invalid value."))
    # pydantic prefixes a validator's own message; the platform only needs the message.
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return message


def errors_from_django(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]
