"""Accepted means displayable (docs/api.md, "What the API accepts").

For every write endpoint of the OpenAPI document, hypothesis builds bodies after the
endpoint's request schema, with edge values: null for optional fields, extreme and
boundary instants and days, control and astral characters, strings at and over their
maximum, deep and wide `details`. Whenever the API accepts a body (2xx), every page,
partial, export (XLSX, CSV, PDF) and API read that shows the kind of object written is
fetched, in French or in English (drawn), and the purge is run: nothing may answer 500
or raise.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.api import api
from billing.models import Invoice
from calllog.models import Call
from directory.models import InfoPage
from messages_app.models import Message
from oncall.models import Schedule, Shift
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

DOCUMENT = json.loads(json.dumps(api.get_openapi_schema()))
COMPONENTS = DOCUMENT["components"]["schemas"]
NUMBER = 5201
BILLING = "780412"
ID = "x1"
API = "/api/v1"
JSON_WRITES = sorted(
    (method.upper(), path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in ("put", "post")
    and "application/json" in operation.get("requestBody", {}).get("content", {})
)

NOW = datetime.now(UTC).replace(microsecond=0)
INSTANTS = [
    "1970-01-01T00:00:00Z",
    "1970-01-01T00:00:00-14:00",
    "1970-01-01T00:30:00+01:00",
    "2099-12-31T23:59:59.999999Z",
    "2099-12-31T23:59:59+14:00",
    "2099-12-31T20:00:00-05:00",
    "2100-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    # Recent ones, which the inbox, the call log and their exports show by default.
    (NOW - timedelta(hours=1)).isoformat(timespec="seconds"),
    (NOW - timedelta(minutes=5)).astimezone(timezone(timedelta(hours=-14))).isoformat(),
    (NOW + timedelta(hours=3)).isoformat(timespec="seconds"),
]
DAYS = ["1970-01-01", "2099-12-31", "2100-01-01", "0001-01-01", "9999-12-31", "2026-03-31"]
DECIMALS = ["0", "0.01", "-0.01", "9999999.99", "9999999999.99", "13.75", 0, 13.75, ""]
# Control characters (removed), tab/newline/CR (kept), astral, right-to-left, HTML.
EDGE_CHARACTERS = "a\x00\x01\x0b\x1f\t\n\r\U0001f600\U00010348\u202e\ufeff<>&\"'=+-@"
edge_text = st.text(alphabet=EDGE_CHARACTERS, max_size=12)


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def deep(depth: int) -> dict:
    value: dict = {"leaf": "\U0001f600\x01"}
    for _ in range(depth - 1):
        value = {"down": value}
    return value


details = st.one_of(
    st.just({}),
    st.sampled_from([8, 9]).map(deep),
    st.integers(1, 700).map(lambda width: {f"k{i}\x01": "v" * 90 for i in range(width)}),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), edge_text),
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(edge_text, children, max_size=3)
        ),
        max_leaves=8,
    ).filter(lambda value: isinstance(value, dict)),
)


def strings(schema: dict) -> st.SearchStrategy:
    longest = schema.get("maxLength", 40)
    shortest = schema.get("minLength", 0)
    lengths = sorted({longest, longest + 1, max(shortest, 1)})
    return st.one_of(
        edge_text.filter(lambda text: len(text) >= shortest),
        st.builds(
            lambda char, n: char * n, st.sampled_from(EDGE_CHARACTERS), st.sampled_from(lengths)
        ),
    )


def edge(schema: dict, name: str = "") -> st.SearchStrategy:
    schema = resolve(schema)
    if "anyOf" in schema:
        return st.one_of([edge(option, name) for option in schema["anyOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low, high = schema.get("minimum", 0), schema.get("maximum", 10**6)
        return st.sampled_from(sorted({low, high, min(high, max(low, 60))}))
    if kind == "number":
        return st.sampled_from([d for d in DECIMALS if not isinstance(d, str)])
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.sampled_from(INSTANTS)
        if "Day" in schema.get("description", "") or name in ("date", "period_start", "period_end"):
            return st.sampled_from(DAYS)
        if "pattern" in schema and "maxLength" not in schema:
            return st.sampled_from([d for d in DECIMALS if isinstance(d, str)])
        if schema.get("format") == "email":
            return st.sampled_from(["marie@example.com", "a@b.co"])
        return strings(schema)
    if kind == "array":
        return st.lists(edge(schema.get("items", {}), name), min_size=0, max_size=2)
    if kind == "object" and not schema.get("properties"):
        return details
    if "properties" in schema:
        required = set(schema.get("required", []))
        properties = schema["properties"]
        return st.fixed_dictionaries(
            {key: edge(value, key) for key, value in properties.items() if key in required},
            optional={
                key: edge(value, key) for key, value in properties.items() if key not in required
            },
        )
    return st.none()


def concrete(path: str) -> str:
    values = {"number": str(NUMBER), "billing_number": BILLING}
    return re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), ID), path)


def body_for(method: str, path: str, operation: dict) -> st.SearchStrategy:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if path == "/api/v1/batch":
        message = resolve({"$ref": "#/components/schemas/MessageIn"})
        return edge(message).map(
            lambda body: {
                "operations": [
                    {
                        "method": "PUT",
                        "path": f"/api/v1/accounts/{NUMBER}/messages/b1",
                        "body": body,
                    }
                ]
            }
        )
    if path.endswith("/invoices/{invoice_number}"):
        return edge(schema).map(_adding_up)
    if path.endswith("/shifts/{external_id}"):
        return edge(schema).map(_in_order)
    return edge(schema)


def _adding_up(body: dict) -> dict:
    """An invoice whose total is its lines plus taxes (when they are numbers at all), so
    that edge values get past the rule between fields."""
    try:
        amounts = [Decimal(str(item["amount"])) for item in body.get("lines") or []]
        amounts += [Decimal(str(item["amount"])) for item in body.get("taxes") or []]
    except (InvalidOperation, TypeError, KeyError):
        return body
    return {**body, "total": str(sum(amounts, Decimal(0)))}


def _in_order(body: dict) -> dict:
    """A shift that ends after it starts (both drawn from the edge instants)."""
    starts, ends = body["starts_at"], body["ends_at"]
    try:
        if datetime.fromisoformat(starts) > datetime.fromisoformat(ends):
            return {**body, "starts_at": ends, "ends_at": starts}
    except ValueError:
        pass
    return body


def _objects(client: ApiClient) -> None:
    base = f"/api/v1/accounts/{NUMBER}"
    for path, body in [
        (base, {"name": "Plomberie Test inc.", "billing_number": BILLING}),
        (f"{base}/contacts/{ID}", {"name": "Marie Tremblay"}),
        (f"{base}/info-pages/{ID}", {"title": "Accueil", "body": "Bonjour"}),
        (f"{base}/messages/{ID}", {"taken_at": "2026-03-22T09:16:44-04:00"}),
        (
            f"{base}/calls/{ID}",
            {
                "started_at": "2026-03-22T09:16:44-04:00",
                "direction": "inbound",
                "kind": "conversation",
                "duration_s": 60,
            },
        ),
        (f"{base}/schedules/{ID}", {"name": "Soirs"}),
    ]:
        response = client.put(path, body)
        assert response.status_code in (200, 201), response.content


def _read(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)  # a CSV that stops mid-stream fails here


def _pages(account) -> list[str]:
    """Every page, partial, export and API read of the account, with the objects in it."""
    a = f"/a/{NUMBER}"
    urls = [
        f"{a}/",
        f"{a}/messages/",
        f"{a}/messages/poll",
        f"{a}/messages/export.xlsx",
        f"{a}/messages/export.csv",
        f"{a}/messages/export.pdf",
        f"{a}/directory/",
        f"{a}/info/",
        f"{a}/calls/",
        f"{a}/calls/export.xlsx",
        f"{a}/calls/export.csv",
        f"{a}/oncall/",
        f"{a}/billing/",
        f"{a}/billing/calls/",
        f"{a}/billing/calls/export.xlsx",
        f"{a}/stats/",
        f"{a}/stats/export.xlsx",
        f"{a}/stats/export.pdf",
    ]
    for message in Message.objects.filter(account=account):
        urls.append(f"{a}/messages/{message.pk}/")
        urls.append(f"/api/v1/accounts/{NUMBER}/messages/{message.external_id}")
    urls.append(f"/api/v1/accounts/{NUMBER}/messages?since=1970-01-01T00:00:00Z")
    for call in Call.objects.filter(account=account):
        urls.append(f"{a}/calls/{call.pk}/")
    for page in InfoPage.objects.filter(account=account):
        urls.append(f"{a}/info/{page.pk}/")
    for invoice in Invoice.objects.filter(billing_account__number=BILLING):
        urls.append(f"{a}/billing/invoices/{invoice.pk}/")
        urls.append(f"{a}/billing/invoices/{invoice.pk}/invoice.pdf")
    for schedule in Schedule.objects.filter(account=account):
        urls.append(f"{a}/oncall/{schedule.pk}/")
        for shift in Shift.objects.filter(schedule=schedule):
            day = shift.starts_at.date().isoformat()
            urls.append(f"{a}/oncall/{schedule.pk}/shifts/{shift.pk}/")
            for view in ("day", "week", "month"):
                urls.append(f"{a}/oncall/{schedule.pk}/?view={view}&date={day}")
            urls.append(f"{a}/oncall/{schedule.pk}/export.pdf?date={day}")
            urls.append(
                f"/api/v1/accounts/{NUMBER}/schedules/{schedule.external_id}/on-call"
                f"?at={shift.starts_at.isoformat()}"
            )
    return urls


def test_every_json_write_endpoint_is_exercised():
    paths = {path for _method, path, _operation in JSON_WRITES}
    assert "/api/v1/accounts/{number}/calls/{external_id}" in paths
    assert "/api/v1/batch" in paths
    assert len(JSON_WRITES) >= 11


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    JSON_WRITES,
    ids=[f"{method} {path}" for method, path, _ in JSON_WRITES],
)
@settings(
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(data=st.data())
def test_accepted_means_displayable(account, alice, secret, method, path, operation, data):
    client = ApiClient(secret)
    _objects(client)
    body = data.draw(body_for(method, path, operation), label="body")

    response = client.send(method, concrete(path), body)

    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 300:
        return
    alice.language = data.draw(st.sampled_from(["fr", "en"]), label="language")
    alice.save(update_fields=["language"])
    browser = Client()
    browser.force_login(alice)
    for url in _pages(account):
        _read(browser if url.startswith("/a/") else client.client, url)
    call_command("purge_expired", verbosity=0)  # raises if it stops on a row
