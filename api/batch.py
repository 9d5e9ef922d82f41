"""POST /api/v1/batch: up to 1,000 writes in one transaction, all or none.

The operations take effect in order, as if each were sent alone: the first one that
answers 400 or more stops the batch and rolls everything back. Two ways to run one:

- set-based: the writes a section registers (`register_set_writer`: the PUTs of messages
  and calls) are validated first with the view's own body schema; a run of consecutive
  valid ones is then written together, a few statements for the whole run whatever its
  size (messages_app.actions.write_messages, calllog.actions.write_calls), with the same
  rows, events, rollups, outcomes and answers as one after the other;
- one by one: any other operation, and any that the set-based way does not take (a body
  its schema refuses, an unknown account, an odd path), is dispatched to the very view a
  direct request to its path reaches (django.urls.resolve), on an internal request that
  carries the batch's Authorization, so its validation, auth and answer are the direct
  request's. A run the database refuses (a value out of range) is rolled back to its
  savepoint and replayed this way, to answer which operation failed and why.

What it answers:

    200 {"applied": true, "results": [{"status": 201, "body": {...}}, ...]}
    400 {"applied": false, "failed": 2, "errors": [{"field": "operations.2.name", ...}],
         "results": [<the operations up to and including the failed one>]}

(500 instead of 400 if the failing operation itself answered 500.) Bodies are JSON: a
recording upload (raw audio) is not a batch operation.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.models import Account
from api.accounts import MAX_ACCOUNT_NUMBER
from api.errors import error_response
from api.schemas import ErrorItem, StrictSchema

logger = logging.getLogger("api")

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


def resolve_operation(path: str, root: str | None = None):
    """The operation's path, query and view; `root` is api_root(), if the caller has it."""
    root = root or api_root()
    split = urlsplit(path)
    if split.scheme or split.netloc:
        raise OperationRefused(400, "Give the path only, e.g. /api/v1/accounts/5201.", "path")
    local_path = unquote(split.path)
    if not local_path.startswith(root):
        raise OperationRefused(400, f"The path must start with {root}.", "path")
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


@dataclass
class AccountWrite:
    """An operation a set writer takes: a PUT of one object of an account, its body
    already validated by the view's schema."""

    number: int
    external_id: str
    payload: Any
    account: Account | None = None

    def found(self) -> Account:
        """The account, which the batch finds before a set writer is given the write."""
        if self.account is None:
            raise LookupError(f"No account {self.number} was looked up.")
        return self.account


@dataclass(frozen=True)
class SetWriter:
    """How a section writes many operations of one endpoint at once.

    `schema` is the endpoint's body schema; `write` takes the operations (their accounts
    found) in order and answers each as the view would, (status, body), in the same
    transaction, exactly as if they had been sent one after the other."""

    schema: type[StrictSchema]
    write: Callable[[list[AccountWrite]], list[tuple[int, Any]]]


# (method, URL name of the endpoint) -> its set writer.
set_writers: dict[tuple[str, str], SetWriter] = {}


def register_set_writer(
    method: str,
    url_name: str,
    schema: type[StrictSchema],
    write: Callable[[list[AccountWrite]], list[tuple[int, Any]]],
) -> None:
    """Let a batch write this endpoint's operations together (its `api.py` calls this).
    The endpoint's path is /accounts/{number}/<...>/{external_id}."""
    set_writers[(method, url_name)] = SetWriter(schema, write)


def _set_based(operation: OperationIn, root: str) -> tuple[SetWriter, AccountWrite] | None:
    """The operation's set writer and its validated write, or None when it must run
    alone (it is not a registered write, or its body or path would be refused: running
    alone then gives the direct request's answer)."""
    try:
        _path, _query, match = resolve_operation(operation.path, root)
    except OperationRefused:
        return None
    writer = set_writers.get((operation.method, match.url_name or ""))
    number, external_id = match.kwargs.get("number", ""), match.kwargs.get("external_id", "")
    if (
        writer is None
        or match.namespace != "api"
        or operation.body is None
        or not (number.isascii() and number.isdigit())
        or not 0 < int(number) <= MAX_ACCOUNT_NUMBER
        or not 1 <= len(external_id) <= 64
    ):
        return None
    try:
        payload = writer.schema.model_validate(operation.body)
    except Exception:  # noqa: BLE001 (refused: the view, run alone, answers why)
        return None
    return writer, AccountWrite(int(number), external_id, payload)


def _run_together(
    outer: HttpRequest,
    operations: Sequence[OperationIn],
    writes: Sequence[tuple[SetWriter, AccountWrite]],
) -> list[tuple[int, Any]]:
    """Write consecutive set-based operations together, each writer's at once (writes of
    different endpoints of a run do not touch the same rows); answers each in order."""
    answers: list[tuple[int, Any]] = [(500, None)] * len(writes)
    by_writer: dict[SetWriter, list[int]] = defaultdict(list)
    for position, (writer, _write) in enumerate(writes):
        by_writer[writer].append(position)
    try:
        with transaction.atomic():
            for writer, positions in by_writer.items():
                written = writer.write([writes[position][1] for position in positions])
                for position, answer in zip(positions, written, strict=True):
                    answers[position] = answer
        return answers
    except DatabaseError as error:
        # A value the database refuses (out of range, a NUL character...): the run is
        # rolled back; replayed one by one, the failing operation answers as alone.
        logger.info("API batch run refused by the database, replayed one by one: %s", error)
    answers = []
    for operation in operations:
        status, body = run_operation(outer, operation)
        answers.append((status, body))
        if status >= 400:
            break
    return answers


def _with_accounts(writes: Sequence[tuple[SetWriter, AccountWrite]]) -> int:
    """Find the accounts of these writes (one query); returns how many of the first
    ones have theirs (the next one names an unknown account and must run alone)."""
    numbers = {write.number for _writer, write in writes}
    accounts = {
        account.number: account
        for account in Account.objects.filter(number__in=numbers).select_related("billing_account")
    }
    for position, (_writer, write) in enumerate(writes):
        write.account = accounts.get(write.number)
        if write.account is None:
            return position
    return len(writes)


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
    operations = payload.operations
    root = api_root()
    together = [_set_based(operation, root) for operation in operations]
    results: list[dict] = []
    with transaction.atomic():
        index = 0
        while index < len(operations):
            end = index
            while end < len(operations) and together[end] is not None:
                end += 1
            if end == index:  # this operation runs alone
                answers = [run_operation(request, operations[index])]
            else:
                run = [write for write in together[index:end] if write is not None]
                found = _with_accounts(run)
                if found < len(run):  # an unknown account: that operation runs alone
                    together[index + found] = None
                    end = index + found
                    if found == 0:
                        continue
                answers = _run_together(request, operations[index:end], run[:found])
            for status, body in answers:
                results.append({"status": status, "body": body})
                if status >= 400:
                    transaction.set_rollback(True)
                    return _refused(len(results) - 1, status, body, results)
            index += len(answers)
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
