"""The intake rule of every write endpoint (docs/api.md, "What the API accepts"): the exact
repros of issue 11's API side, the batch included, and the maximum lengths of the
document held against the columns they are stored in."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.db import models
from django.test import Client

from accounts.models import BillingAccount
from api.api import api
from api.schemas import StrictSchema
from billing.models import Invoice, InvoiceLine, InvoiceTax, Payment
from calllog.models import Call
from directory.models import Contact, ContactMethod, InfoPage
from messages_app.models import Message, MessageEvent
from oncall.models import Schedule, Shift
from tests.api.conftest import errors_of, fields_of

pytestmark = pytest.mark.django_db

BASE = "/api/v1/accounts/5201"
CALL = {
    "started_at": "2026-03-22T09:16:44-04:00",
    "direction": "inbound",
    "kind": "conversation",
    "duration_s": 60,
}
INVOICE = {
    "date": "2026-03-31",
    "period_start": "2026-03-01",
    "period_end": "2026-03-31",
    "lines": [{"description": "Forfait", "amount": "10.00"}],
    "total": "10.00",
}


def nested(depth: int) -> dict:
    """A JSON object `depth` levels deep (the object itself is level 1)."""
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"down": value}
    return value


# null means absent


def test_null_optional_fields_of_a_call_are_accepted_and_take_their_empty_value(
    api_client, account
):
    api_client.put(f"{BASE}/calls/C-1", {**CALL, "caller_name": "Jean", "agent": "A07"})

    body = {
        **CALL,
        "caller_name": None,
        "agent": None,
        "description": None,
        "message_external_id": None,
        "details": None,
        "billing": None,
        "queued_s": None,
        "hold_s": None,
        "busy": None,
    }
    response = api_client.put(f"{BASE}/calls/C-1", body)

    assert response.status_code == 200, response.content
    call = Call.objects.get(external_id="C-1")
    assert (call.caller_name, call.agent, call.description, call.message_external_id) == (
        "",
        "",
        "",
        "",
    )
    assert call.details == {} and call.hold_s == 0 and call.queued_s is None


def test_null_is_absent_in_every_body_a_batch_included(api_client, account):
    operations = [
        {
            "method": "PUT",
            "path": f"{BASE}/messages/M-1",
            "body": {
                "taken_at": "2026-03-22T09:16:44-04:00",
                "subject": None,
                "fields": None,
                "events": [{"at": "2026-03-22T09:17:00-04:00", "kind": "taken", "detail": None}],
            },
        },
        {
            "method": "PUT",
            "path": f"{BASE}/schedules/S-1",
            "body": {"name": "Soirs", "timezone": None},
        },
        {"method": "PUT", "path": f"{BASE}/contacts/K-1", "body": {"name": "Marie", "title": None}},
    ]

    response = api_client.post("/api/v1/batch", {"operations": operations})

    assert response.status_code == 200, response.content
    assert Message.objects.get(external_id="M-1").subject == ""
    assert MessageEvent.objects.get().detail == ""
    assert Schedule.objects.get(external_id="S-1").timezone in ("", account.timezone)


def test_null_for_a_required_field_is_that_field_missing(api_client, account):
    response = api_client.put(f"{BASE}/messages/M-1", {"taken_at": None})

    assert response.status_code == 400
    assert errors_of(response) == [{"field": "taken_at", "message": "This field is required."}]


def test_an_account_with_null_language_takes_the_default(api_client):
    body = {"name": "Chauffage Nord", "billing_number": "781990", "language": None}

    response = api_client.put("/api/v1/accounts/8100", body)

    assert response.status_code == 201
    assert response.json()["language"] == "fr"


# Instants


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("messages/M-1", {"taken_at": "9999-12-31T23:59:59-14:00"}, "taken_at"),
        ("messages/M-1", {"taken_at": "0001-01-01T00:00:00+14:00"}, "taken_at"),
        ("calls/C-1", {**CALL, "started_at": "9999-12-31T23:59:59-14:00"}, "started_at"),
        (
            "messages/M-1",
            {
                "taken_at": "2026-03-22T09:16:44-04:00",
                "events": [{"at": "2100-01-01T00:00:00Z", "kind": "taken"}],
            },
            "events.0.at",
        ),
        ("messages/M-1", {"taken_at": "1969-12-31T23:59:59Z"}, "taken_at"),
        ("messages/M-1", {"taken_at": "1970-01-01T00:30:00+01:00"}, "taken_at"),
        ("messages/M-1", {"taken_at": "1969-12-31T23:00:00-05:00"}, "taken_at"),  # as written
        ("messages/M-1", {"taken_at": 1774185404}, "taken_at"),  # a Unix time is not one
        ("messages/M-1", {"taken_at": "2026-03-22T09:16:44+18:00"}, "taken_at"),
    ],
)
def test_an_instant_outside_1970_to_2100_is_a_400_naming_the_field(
    api_client, account, path, body, field
):
    response = api_client.put(f"{BASE}/{path}", body)

    assert response.status_code == 400, response.content
    assert field in fields_of(response)
    assert not Message.objects.exists() and not Call.objects.exists()


def test_a_shift_that_never_ends_is_refused(api_client, account):
    api_client.put(f"{BASE}/schedules/S-1", {"name": "Soirs"})

    response = api_client.put(
        f"{BASE}/schedules/S-1/shifts/F-1",
        {"starts_at": "2026-03-22T08:00:00-04:00", "ends_at": "9999-12-31T23:59:59-14:00"},
    )

    assert response.status_code == 400
    assert fields_of(response) == {"ends_at"}
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    "instant", ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00-05:00", "2099-12-31T23:59:59.999999Z"]
)
def test_the_bounds_themselves_are_accepted(api_client, account, instant):
    response = api_client.put(f"{BASE}/messages/M-1", {"taken_at": instant})

    assert response.status_code == 201, response.content


def test_a_corrective_put_repairs_a_row_stored_with_a_bad_instant(api_client, account):
    api_client.put(f"{BASE}/messages/M-1", {"taken_at": "2026-03-22T09:16:44-04:00"})
    api_client.put(f"{BASE}/calls/C-1", CALL)
    # Rows written before the rule existed.
    extreme = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    Message.objects.filter(external_id="M-1").update(taken_at=extreme)
    Call.objects.filter(external_id="C-1").update(started_at=extreme)

    message = api_client.put(f"{BASE}/messages/M-1", {"taken_at": "2026-03-23T10:00:00-04:00"})
    call = api_client.put(f"{BASE}/calls/C-1", CALL)

    assert message.status_code == 200, message.content
    assert call.status_code == 200, call.content
    assert Message.objects.get().taken_at.year == 2026
    assert Call.objects.get().started_at.year == 2026


def test_a_corrective_put_repairs_a_shift_stored_with_a_bad_end(api_client, account):
    api_client.put(f"{BASE}/schedules/S-1", {"name": "Soirs"})
    shift = {"starts_at": "2026-03-22T08:00:00-04:00", "ends_at": "2026-03-22T17:00:00-04:00"}
    api_client.put(f"{BASE}/schedules/S-1/shifts/F-1", shift)
    Shift.objects.update(ends_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC))

    response = api_client.put(f"{BASE}/schedules/S-1/shifts/F-1", shift)

    assert response.status_code == 200, response.content
    assert Shift.objects.get().ends_at.year == 2026


def test_a_batch_operation_with_a_bad_instant_names_the_operation_and_field(api_client, account):
    operations = [
        {
            "method": "PUT",
            "path": f"{BASE}/messages/M-1",
            "body": {"taken_at": "2026-03-22T09:16:44Z"},
        },
        {
            "method": "PUT",
            "path": f"{BASE}/messages/M-2",
            "body": {"taken_at": "9999-12-31T23:59:59Z"},
        },
    ]

    response = api_client.post("/api/v1/batch", {"operations": operations})

    assert response.status_code == 400
    assert fields_of(response) == {"operations.1.taken_at"}
    assert not Message.objects.exists()


def test_days_of_billing_are_bounded_too(api_client, account):
    response = api_client.put(
        "/api/v1/billing/780412/invoices/F-1", {**INVOICE, "period_end": "9999-12-31"}
    )

    assert response.status_code == 400
    assert fields_of(response) == {"period_end"}


# Control characters


def test_control_characters_are_removed_tab_newline_and_carriage_return_kept(api_client, account):
    body = {
        "taken_at": "2026-03-22T09:16:44-04:00",
        "subject": "Fuite\u0001 d'eau\u000b",
        "caller_name": "Jean\u0000 Tremblay",
        "fields": [{"label": "Note\u001f", "value": "ligne 1\nligne 2\tfin\r\n\u0007"}],
        "events": [
            {"at": "2026-03-22T09:17:00-04:00", "kind": "sms_sent", "target": "\u0002+1514"}
        ],
    }

    response = api_client.put(f"{BASE}/messages/M-1", body)

    assert response.status_code == 201, response.content
    message = Message.objects.get()
    assert message.subject == "Fuite d'eau"
    assert message.caller_name == "Jean Tremblay"
    assert message.fields == [{"label": "Note", "value": "ligne 1\nligne 2\tfin\r\n"}]
    assert MessageEvent.objects.get().target == "+1514"


def test_control_characters_are_removed_from_details_keys_and_values(api_client, account):
    body = {**CALL, "details": {"IVR\u0001": ["choix\u000b 2", {"x": "\u001by"}]}, "agent": "\x01"}

    response = api_client.put(f"{BASE}/calls/C-1", body)

    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert call.details == {"IVR": ["choix 2", {"x": "y"}]}
    assert call.agent == ""


def test_a_required_string_of_control_characters_only_is_refused(api_client, account):
    response = api_client.put(f"{BASE}/contacts/K-1", {"name": "\u0001\u0002"})

    assert response.status_code == 400
    assert fields_of(response) == {"name"}


# details


def test_details_eight_levels_deep_are_accepted(api_client, account):
    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "details": nested(8)})

    assert response.status_code == 201, response.content


def test_details_nine_levels_deep_are_refused(api_client, account):
    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "details": nested(9)})

    assert response.status_code == 400
    assert errors_of(response) == [
        {"field": "details", "message": "details is nested more than 8 levels deep."}
    ]
    assert not Call.objects.exists()


def test_details_2000_levels_deep_are_refused(api_client, account):
    depth = 2000
    details = '{"down":' * (depth - 1) + '{"leaf": 1}' + "}" * (depth - 1)
    body = json.dumps(CALL)[:-1] + ', "details": ' + details + "}"

    response = api_client.put(f"{BASE}/calls/C-1", body)

    assert response.status_code == 400
    assert "nested" in errors_of(response)[0]["message"]
    assert not Call.objects.exists()


def test_details_over_64_kb_are_refused(api_client, account):
    huge = {"notes": "x" * (10 * 1024 * 1024)}

    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "details": huge})

    assert response.status_code == 400
    assert fields_of(response) == {"details"}
    assert not Call.objects.exists()


def test_details_just_under_64_kb_are_accepted(api_client, account):
    details = {"notes": "x" * (64 * 1024 - 20)}

    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "details": details})

    assert response.status_code == 201, response.content


# Lengths


def test_a_string_over_its_maximum_is_a_400_naming_the_field(api_client, account):
    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "caller_name": "x" * 201})

    assert response.status_code == 400
    assert fields_of(response) == {"caller_name"}


def test_control_characters_count_in_the_maximum_as_sent(api_client, account):
    response = api_client.put(f"{BASE}/calls/C-1", {**CALL, "agent": "\u0001" * 33})

    assert response.status_code == 400
    assert fields_of(response) == {"agent"}


def test_a_64_character_invoice_number_is_stored(api_client, account):
    number = "F" * 64

    response = api_client.put(f"/api/v1/billing/780412/invoices/{number}", INVOICE)
    call = api_client.put(
        f"{BASE}/calls/C-1", {**CALL, "billing": {"units": "1.50", "invoice_number": number}}
    )

    assert response.status_code == 201, response.content
    assert call.status_code == 201, call.content
    assert Invoice.objects.get().number == number
    assert Call.objects.get().invoice_number == number


def test_a_65_character_invoice_number_is_a_400_naming_it(api_client, account):
    response = api_client.put("/api/v1/billing/780412/invoices/" + "F" * 65, INVOICE)

    assert response.status_code == 400
    assert errors_of(response)[0]["field"] == "invoice_number"
    assert "out of range" not in errors_of(response)[0]["message"]
    assert not Invoice.objects.exists()


# Each schema's string fields and the column they are stored in: the document's maximum
# is the column's (a schema field not listed here fails the completeness test below).
COLUMNS: dict[str, tuple[type[models.Model], dict[str, str]]] = {
    "AccountIn": (Contact, {}),  # name and billing_number: checked in ACCOUNT_COLUMNS
    "ContactIn": (Contact, {"name": "name", "title": "title"}),
    "ContactMethodIn": (ContactMethod, {"value": "value", "label": "label"}),
    "InfoPageIn": (InfoPage, {"title": "title"}),
    "MessageIn": (
        Message,
        {
            "taken_by": "taken_by",
            "subject": "subject",
            "caller_name": "caller_name",
            "caller_number": "caller_number",
        },
    ),
    "EventIn": (MessageEvent, {"target": "target"}),
    "CallIn": (
        Call,
        {
            "caller_number": "caller_number",
            "caller_name": "caller_name",
            "dialed_number": "dialed_number",
            "agent": "agent",
            "description": "description",
            "message_external_id": "message_external_id",
        },
    ),
    "BillingIn": (Call, {"invoice_number": "invoice_number"}),
    "InvoiceLineIn": (InvoiceLine, {"description": "description"}),
    "InvoiceTaxIn": (InvoiceTax, {"name": "name"}),
    "PaymentIn": (Payment, {"method": "method", "reference": "reference"}),
    "ScheduleIn": (Schedule, {"name": "name", "timezone": "timezone"}),
}
# Strings with no column of their own: kept in a JSON or text column, bounded by the API.
UNBOUNDED_COLUMNS = {
    ("FieldIn", "label"),
    ("FieldIn", "value"),
    ("EventIn", "detail"),
    ("InfoPageIn", "body"),
    ("OperationIn", "path"),
}
# Path parameters and the column each is stored in.
PATH_COLUMNS = {
    "number": None,  # an integer
    "billing_number": (BillingAccount, "number"),
    "invoice_number": (Invoice, "number"),
    "sid": (Schedule, "external_id"),
}
EXTERNAL_ID_COLUMNS = [Contact, InfoPage, Message, Call, Schedule, Shift, Payment]


def _document() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


def _string_properties(schema: dict):
    """(name, the string branch of its schema) for each free-text property of an object
    (not an enum, a format such as an instant, or a decimal)."""
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if option.get("type") != "string" or {"format", "enum", "const"} & set(option):
                continue
            if "pattern" in option and "maxLength" not in option:
                continue  # a decimal written as a string: its pattern bounds its digits
            yield name, option
            break


def _request_schemas(document: dict):
    """(name, object schema) of each request body's schema (an "...In"), each variant of
    one that has several (a contact method: one per kind)."""
    for name, schema in document["components"]["schemas"].items():
        if name.endswith("In"):
            for variant in schema.get("anyOf", [schema]):
                yield name, variant


def test_every_string_of_every_request_body_has_a_maximum_length():
    document = _document()
    missing = [
        (name, field)
        for name, schema in _request_schemas(document)
        for field, prop in _string_properties(schema)
        if "maxLength" not in prop and "enum" not in prop and "pattern" not in prop
    ]
    assert missing == []


def test_every_maximum_length_is_its_columns():
    document = _document()
    checked = set()
    for name, schema in _request_schemas(document):
        model, columns = COLUMNS.get(name, (None, {}))
        for field, prop in _string_properties(schema):
            if (name, field) in UNBOUNDED_COLUMNS or name == "AccountIn":
                continue
            assert field in columns, f"{name}.{field}: say which column it is stored in"
            column = model._meta.get_field(columns[field])
            assert prop.get("maxLength") == column.max_length, (name, field)
            checked.add((name, field))
    assert ("CallIn", "caller_name") in checked and ("BillingIn", "invoice_number") in checked


def test_the_accounts_strings_match_their_columns():
    from accounts.models import Account, BillingAccount

    account_in = _document()["components"]["schemas"]["AccountIn"]["properties"]
    assert account_in["name"]["maxLength"] == Account._meta.get_field("name").max_length
    billing = account_in["billing_number"]["maxLength"]
    assert billing == BillingAccount._meta.get_field("number").max_length
    timezone = account_in["timezone"]["anyOf"][0]["maxLength"]
    assert timezone == Account._meta.get_field("timezone").max_length


def test_every_path_id_has_its_columns_maximum():
    external_ids = {
        model._meta.get_field("external_id").max_length for model in EXTERNAL_ID_COLUMNS
    }
    assert external_ids == {64}
    for path, item in _document()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    continue
                schema, name = parameter["schema"], parameter["name"]
                if name == "number":
                    assert (schema["minimum"], schema["maximum"]) == (1, 2_147_483_647), path
                    continue
                if name == "external_id":
                    expected = 64
                else:
                    model, column = PATH_COLUMNS[name]
                    expected = model._meta.get_field(column).max_length
                assert (schema["minLength"], schema["maxLength"]) == (1, expected), (method, path)


def _strict_schemas(cls=StrictSchema) -> set[str]:
    names = set()
    for subclass in cls.__subclasses__():
        names |= {subclass.__name__} | _strict_schemas(subclass)
    return names


def test_every_json_request_body_is_a_strict_schema():
    """The intake rule lives in StrictSchema, so every JSON body must be one."""
    strict = _strict_schemas()
    bodies = 0
    for item in _document()["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                ref = content["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in strict, ref
                bodies += 1
    assert bodies >= 11


# Body size


def _chunked(client: Client, path: str, data: bytes, secret: str):
    """A request whose body has no Content-Length (Transfer-Encoding: chunked)."""
    return client.request(
        REQUEST_METHOD="PUT",
        PATH_INFO=path,
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **{"wsgi.input": io.BytesIO(data)},
    )


def test_a_chunked_body_over_the_limit_is_413(secret, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"name": "x" * 2000, "billing_number": "781990"}).encode()

    response = _chunked(Client(), "/api/v1/accounts/8100", body, secret)

    assert response.status_code == 413
    assert errors_of(response)[0]["message"].startswith("The body is over the limit")


def test_a_chunked_body_within_the_limit_is_read(secret, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"name": "Chauffage Nord", "billing_number": "781990"}).encode()

    response = _chunked(Client(), "/api/v1/accounts/8100", body, secret)

    assert response.status_code == 201, response.content


# The document states what the code enforces (the schemathesis findings)


def _operation(method: str, path: str) -> dict:
    return _document()["paths"][path][method]


def test_a_decimal_written_as_a_string_has_a_pattern_that_refuses_the_empty_string():
    amount = _document()["components"]["schemas"]["PaymentIn"]["properties"]["amount"]
    number, text = amount["anyOf"]
    assert number["type"] == "number" and number["multipleOf"] == 0.01
    assert not re.search(text["pattern"], "")
    assert re.search(text["pattern"], "13.75") and not re.search(text["pattern"], "1e3")


def test_an_empty_decimal_string_is_refused(api_client, account):
    response = api_client.put(
        "/api/v1/billing/780412/payments/P-1", {"date": "2026-04-02", "amount": ""}
    )

    assert response.status_code == 400
    assert fields_of(response) == {"amount"}


def test_an_email_methods_value_has_the_email_format():
    variants = _document()["components"]["schemas"]["ContactMethodIn"]["anyOf"]
    email = next(v for v in variants if v["properties"]["kind"].get("const") == "email")
    assert email["properties"]["value"]["format"] == "email"
    assert re.search(email["properties"]["value"]["pattern"], "marie@example.com")
    assert not re.search(email["properties"]["value"]["pattern"], "0@0.a")


def test_the_batch_paths_pattern_is_stated():
    operation = _document()["components"]["schemas"]["OperationIn"]["properties"]["path"]
    assert operation["pattern"] == "^/api/v1/"


def test_the_shift_and_invoice_rules_between_fields_are_in_the_operations_text():
    shift = _operation("put", "/api/v1/accounts/{number}/schedules/{sid}/shifts/{external_id}")
    invoice = _operation("put", "/api/v1/billing/{billing_number}/invoices/{invoice_number}")
    assert "`ends_at` must be after `starts_at`" in shift["description"]
    assert "overlap" in shift["description"]
    assert "`total` must equal" in invoice["description"]


def test_the_recordings_body_and_415_are_documented():
    operation = _operation("put", "/api/v1/accounts/{number}/calls/{external_id}/recording")
    assert set(operation["requestBody"]["content"]) == {
        "audio/mpeg",
        "audio/wav",
        "audio/ogg",
        "audio/mp4",
    }
    assert "415" in operation["responses"]


def test_instants_state_their_bounds_and_integers_their_range():
    call_in = _document()["components"]["schemas"]["CallIn"]["properties"]
    started_at = call_in["started_at"]
    assert started_at["format"] == "date-time"
    assert not re.search(started_at["pattern"], "9999-12-31T23:59:59-14:00")
    assert re.search(started_at["pattern"], "2026-03-22T09:16:44-04:00")
    assert (call_in["duration_s"]["minimum"], call_in["duration_s"]["maximum"]) == (0, 2**31 - 1)
    details = call_in["details"]
    assert "8 levels" in details["description"] and "64 KB" in details["description"]
