"""The contract's error shape: {"errors": [{"field": "...", "message": "..."}]}."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse


class ApiError(Exception):
    def __init__(self, status: int, errors: list[dict] | str, field: str = ""):
        if isinstance(errors, str):
            errors = [{"field": field, "message": errors}]
        self.status = status
        self.errors = errors
        super().__init__(errors)


def bad_request(field: str, message: str) -> ApiError:
    return ApiError(400, message, field=field)


def error_response(status: int, errors: list[dict]) -> HttpResponse:
    return HttpResponse(
        json.dumps({"errors": errors}), status=status, content_type="application/json"
    )


def errors_from_ninja(errors: list[dict]) -> list[dict]:
    result = []
    for error in errors:
        # Ninja puts where the value came from first ("body", "query", "path", and the
        # parameter's name); the contract names the field inside the body.
        loc = [str(part) for part in error.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
            if loc and loc[0] in ("payload", "body", "data"):
                loc = loc[1:]
        message = error.get("msg", "Invalid value.")
        if error.get("type") == "extra_forbidden":
            message = "Unknown field."
        result.append({"field": ".".join(loc), "message": message})
    return result or [{"field": "", "message": "Invalid body."}]


def errors_from_django(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]
