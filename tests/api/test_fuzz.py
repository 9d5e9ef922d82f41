"""Malformed bodies thrown at every write endpoint of the OpenAPI document never get a 500.

The endpoints are read from api.get_openapi_schema(), so an endpoint added by any
section is covered without touching this file. Each endpoint gets bodies that are random
JSON values, raw bytes, and bodies shaped after its request schema with random values
of the right or the wrong type, naive instants, huge numbers, NUL characters, missing
and unknown fields. Whatever comes in, the answer is below 500 and every refusal has
the contract's shape.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.api import api
from tests.api.conftest import ApiClient, errors_of

DOCUMENT = api.get_openapi_schema()
COMPONENTS = DOCUMENT.get("components", {}).get("schemas", {})
WRITE_METHODS = ("put", "post", "patch", "delete")
WRITE_ENDPOINTS = sorted(
    (method.upper(), path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in WRITE_METHODS
)

# Objects named "x1" that path parameters other than the account's refer to, made
# through the API itself (contract's required fields only); an endpoint not built yet
# answers 404 and is simply skipped here.
PREREQUISITES = [
    ("contacts/x1", {"name": "Fuzz Contact"}),
    ("messages/x1", {"taken_at": "2026-03-22T09:16:44-04:00"}),
    (
        "calls/x1",
        {
            "started_at": "2026-03-22T09:16:44-04:00",
            "direction": "inbound",
            "kind": "conversation",
            "duration_s": 60,
        },
    ),
    ("schedules/x1", {"name": "Fuzz schedule"}),
    (
        "schedules/x1/shifts/x1",
        {"starts_at": "2026-03-22T08:00:00-04:00", "ends_at": "2026-03-22T17:00:00-04:00"},
    ),
]

OFFSETS = [UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30))]
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
aware_instants = st.builds(
    lambda moment, tz: moment.replace(tzinfo=tz), moments, st.sampled_from(OFFSETS)
)
naive_instants = moments.map(datetime.isoformat)
# Text that databases refuse or mangle: NUL, lone control characters, astral planes.
nasty_text = st.text(st.sampled_from("a\x00\x01\u202e\U0001f600\ufeff"), min_size=1, max_size=6)
huge_integers = st.one_of(
    st.integers(), st.integers(2**31 - 2, 2**63 + 2), st.integers(max_value=-1)
)
integers = st.integers(0, 3600) | huge_integers
scalars = st.one_of(
    st.none(),
    st.booleans(),
    integers,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "2026-03-22", "2026-03-22T09:16:44", "13.75", "-1", "1e309"]),
    naive_instants,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def mostly(right: st.SearchStrategy, wrong: st.SearchStrategy) -> st.SearchStrategy:
    """`right` about nine times in ten (st.one_of would pick either about evenly)."""
    return st.integers(0, 9).flatmap(lambda pick: right if pick else wrong)


def shaped(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values that follow `schema` loosely: mostly the right type, sometimes not."""
    schema = resolve(schema)
    if "default" in schema:
        # The default is a valid value the document states (a time zone, a language).
        plain = {key: value for key, value in schema.items() if key != "default"}
        return st.one_of(st.just(schema["default"]), shaped(plain, depth))
    wrong = json_values if depth < 3 else scalars
    if "enum" in schema:
        return mostly(st.sampled_from(schema["enum"]), st.text(max_size=10))
    if "const" in schema:
        return mostly(st.just(schema["const"]), scalars)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of([shaped(part, depth + 1) for part in schema[key]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([shaped({**schema, "type": one}, depth + 1) for one in kind])
    if kind == "string":
        form = schema.get("format")
        if form == "date-time":
            return mostly(
                aware_instants.map(datetime.isoformat), st.one_of(naive_instants, scalars)
            )
        if form == "date":
            return mostly(moments.map(lambda m: m.date().isoformat()), scalars)
        sized = st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 40))
        return mostly(st.one_of(sized, st.just("x1")), st.one_of(nasty_text, scalars))
    if kind == "integer":
        low, high = schema.get("minimum", 0), schema.get("maximum", 3600)
        return mostly(st.integers(low, high), st.one_of(huge_integers, scalars))
    if kind == "number":
        numbers = st.one_of(
            st.decimals(min_value=0, max_value=10**6, places=2).map(str), st.integers(0, 10**6)
        )
        wrong = st.one_of(huge_integers, st.floats(), st.decimals().map(str), scalars)
        return mostly(numbers, wrong)
    if kind == "boolean":
        return mostly(st.booleans(), scalars)
    if kind == "null":
        return st.none()
    if kind == "array":
        items = schema.get("items", {})
        return mostly(st.lists(shaped(items, depth + 1), max_size=3), wrong)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if not properties or depth > 4:
            return mostly(st.dictionaries(st.text(max_size=10), json_values, max_size=4), wrong)
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {name: shaped(sub, depth + 1) for name, sub in properties.items() if name in required},
            optional={
                name: shaped(sub, depth + 1)
                for name, sub in properties.items()
                if name not in required
            },
        )
    return json_values


def mutated(body) -> st.SearchStrategy:
    """A body with one thing wrong: a field dropped, retyped, made naive, or unknown."""
    if not isinstance(body, dict) or not body:
        return st.just(body)
    names = sorted(body)
    return st.one_of(
        st.sampled_from(names).map(lambda name: {k: v for k, v in body.items() if k != name}),
        st.tuples(st.sampled_from(names), json_values).map(lambda nv: {**body, nv[0]: nv[1]}),
        st.tuples(st.sampled_from(names), naive_instants).map(lambda nv: {**body, nv[0]: nv[1]}),
        st.tuples(st.text(min_size=1, max_size=12), json_values).map(
            lambda nv: {**body, nv[0]: nv[1]}
        ),
    )


def request_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def bodies(operation: dict) -> st.SearchStrategy:
    """(raw bytes, Content-Type) pairs for one operation."""
    schema = request_schema(operation)
    values = json_values
    if schema is not None:
        body = shaped(schema)
        values = mostly(st.one_of(body, body.flatmap(mutated)), json_values)
    as_json = st.tuples(
        values.map(lambda value: json.dumps(value).encode()),
        mostly(st.just("application/json"), st.sampled_from(["text/plain", "audio/mpeg", ""])),
    )
    raw = st.tuples(
        st.one_of(st.binary(max_size=200), st.sampled_from([b"", b"{", b"\xff\xfe", b"[" * 5000])),
        st.sampled_from(["application/json", "audio/mpeg", "audio/wav", "multipart/form-data"]),
    )
    return mostly(as_json, raw)


def concrete(path: str, account) -> str:
    values = {"number": str(account.number), "billing_number": account.billing_account.number}
    return re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), "x1"), path)


@pytest.fixture
def fuzz_client(account, secret):
    client = ApiClient(secret)
    for tail, body in PREREQUISITES:
        client.put(f"/api/v1/accounts/{account.number}/{tail}", body)
    return client


def test_every_write_endpoint_is_fuzzed():
    assert ("PUT", "/api/v1/accounts/{number}") in {(m, p) for m, p, _ in WRITE_ENDPOINTS}
    assert ("POST", "/api/v1/batch") in {(m, p) for m, p, _ in WRITE_ENDPOINTS}


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    WRITE_ENDPOINTS,
    ids=[f"{method} {path}" for method, path, _ in WRITE_ENDPOINTS],
)
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_malformed_body_gets_a_500(fuzz_client, account, method, path, operation, data):
    body, content_type = data.draw(bodies(operation), label="body")

    response = fuzz_client.send(method, concrete(path, account), body, content_type=content_type)

    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        errors_of(response)
