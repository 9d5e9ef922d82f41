"""Every refusal is {"errors": [{"field", "message"}]} with its status, and changes nothing."""

import json

import pytest
from django.db import transaction
from django.test import RequestFactory

from accounts.models import Account, BillingAccount
from api.api import api_view
from api.errors import one_error
from tests.api.conftest import account_body, errors_of, fields_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/accounts/8100"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{", "application/json"),
        (b"not json at all", "application/json"),
        (b"[]", "application/json"),
        (b'["name", "billing_number"]', "application/json"),
        (b"null", "application/json"),
        (b"42", "application/json"),
        (b'"a string"', "application/json"),
        (b"", "application/json"),
        (b'{"name": "\xff\xfe", "billing_number": "1"}', "application/json"),
        (b"\xff\xfe\x00{", "application/json"),
        (b'{"name": NaN, "billing_number": "1"}', "application/json"),
        (b'{"name": "A", "billing_number": Infinity}', "application/json"),
        (b'{"name": "A", "billing_number": -Infinity}', "application/json"),
        (
            b'{"name": "A", "billing_number": "1", "active": 1' + b"0" * 5000 + b"}",
            "application/json",
        ),
        (b'{"name": "A", "billing_number": 1e999}', "application/json"),
        (b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json"),
        (b'{"name": ' + b"{" * 50 + b"}" * 50 + b', "billing_number": "1"}', "application/json"),
        (b'{"name": "\\ud800", "billing_number": "1"}', "application/json"),
        (b'{"name": "A", "billing_number": "1", "name": 3}', "application/json"),
        (json.dumps(account_body()).encode(), "text/plain"),
        (json.dumps(account_body()).encode(), "application/x-www-form-urlencoded"),
        (b"name=A&billing_number=1", "application/x-www-form-urlencoded"),
        (
            b"--x\r\nContent-Disposition: form-data; name=name\r\n\r\nA\r\n--x--",
            "multipart/form-data; boundary=x",
        ),
        (b"ID3\x03\x00\x00\x00", "audio/mpeg"),
        (json.dumps({**account_body(), "active": "yes please"}).encode(), "application/json"),
        (json.dumps({**account_body(), "name": ["A"]}).encode(), "application/json"),
        (json.dumps({**account_body(), "name": "x" * 201}).encode(), "application/json"),
        (json.dumps({**account_body(), "billing_number": 780412}).encode(), "application/json"),
    ],
)
def test_a_bad_body_is_400_in_the_error_shape_and_changes_nothing(api_client, body, content_type):
    response = api_client.put(URL, body, content_type=content_type)

    assert response.status_code == 400, response.content
    assert errors_of(response)
    assert not Account.objects.filter(number=8100).exists()


def test_a_json_body_with_a_charset_is_accepted(api_client):
    response = api_client.put(URL, account_body(), content_type="application/json; charset=utf-8")

    assert response.status_code == 201


def test_a_body_that_is_not_an_object_says_so(api_client):
    response = api_client.put(URL, [account_body()])

    assert errors_of(response) == [{"field": "", "message": "The body must be a JSON object."}]


def test_an_empty_body_says_an_object_is_required(api_client):
    response = api_client.put(URL, b"")

    assert errors_of(response) == [{"field": "", "message": "The body must be a JSON object."}]


def test_nan_is_refused_with_a_clear_message(api_client):
    response = api_client.put(URL, b'{"name": NaN}')

    assert errors_of(response) == [{"field": "", "message": "NaN is not a JSON number."}]


def test_wrong_content_type_is_named(api_client):
    response = api_client.put(URL, json.dumps(account_body()), content_type="text/plain")

    assert "Content-Type: application/json" in errors_of(response)[0]["message"]


def test_several_errors_are_all_listed(api_client):
    response = api_client.put(URL, {"timezone": 5, "extra": 1})

    assert fields_of(response) == {"name", "billing_number", "timezone", "extra"}


def test_an_unknown_path_is_404_in_the_error_shape(api_client):
    for path in ["/api/v1/nothing", "/api/v1/accounts/8100/", "/api/v1/", "/api/v1/accounts"]:
        response = api_client.put(path, account_body())
        assert response.status_code == 404, path
        errors_of(response)


def test_a_path_parameter_of_the_wrong_type_is_400(api_client):
    response = api_client.put("/api/v1/accounts/abc", account_body())

    assert response.status_code == 400
    assert fields_of(response) == {"number"}


def test_an_unknown_path_without_a_token_is_404_too_and_needs_no_csrf(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/nothing", {})

    assert response.status_code == 404
    errors_of(response)


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_a_wrong_method_is_405_in_the_error_shape(api_client, method):
    response = api_client.send(method, URL, account_body())

    assert response.status_code == 405
    assert response["Allow"] == "PUT"
    assert "not allowed" in errors_of(response)[0]["message"]
    assert not Account.objects.exists()


def test_a_body_over_the_limit_is_413_before_it_is_read(api_client, settings):
    settings.API_MAX_BODY_BYTES = 100
    body = account_body(name="x" * 150)

    response = api_client.put(URL, body)

    assert response.status_code == 413
    assert "100 bytes" in errors_of(response)[0]["message"]
    assert not Account.objects.exists()


def test_a_raw_upload_over_the_limit_is_413(api_client, settings):
    settings.API_MAX_BODY_BYTES = 1000

    response = api_client.put(URL, b"\x00" * 5000, content_type="audio/mpeg")

    assert response.status_code == 413
    errors_of(response)


def test_a_body_over_djangos_own_limit_is_413_too(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.API_MAX_BODY_BYTES = 10_000

    response = api_client.put(URL, account_body(name="x" * 150))

    assert response.status_code == 413
    errors_of(response)


def test_a_body_under_the_limit_is_accepted(api_client, settings):
    settings.API_MAX_BODY_BYTES = 1000

    assert api_client.put(URL, account_body()).status_code == 201


def test_a_413_is_answered_even_without_a_token(db, settings):
    from django.test import Client

    settings.API_MAX_BODY_BYTES = 10
    response = Client().put(URL, b"x" * 100, content_type="audio/wav")

    assert response.status_code == 413


def test_the_openapi_document_needs_no_token(db):
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/accounts/{number}" in response.json()["paths"]


def _request():
    return RequestFactory().put("/api/v1/test", b"{}", content_type="application/json")


def test_a_refused_request_rolls_back_what_it_wrote():
    def view(request):
        BillingAccount.objects.create(number="WRITTEN")
        return one_error(400, "refused after writing")

    response = api_view(view)(_request())

    assert response.status_code == 400
    assert not BillingAccount.objects.filter(number="WRITTEN").exists()


def test_an_accepted_request_keeps_what_it_wrote():
    def view(request):
        BillingAccount.objects.create(number="WRITTEN")
        return one_error(200, "fine")

    assert api_view(view)(_request()).status_code == 200
    assert BillingAccount.objects.filter(number="WRITTEN").exists()


def test_a_crash_is_a_500_in_the_error_shape_and_rolls_back(caplog):
    def view(request):
        BillingAccount.objects.create(number="WRITTEN")
        raise RuntimeError("boom")

    response = api_view(view)(_request())

    assert response.status_code == 500
    errors_of(response)
    assert not BillingAccount.objects.filter(number="WRITTEN").exists()
    assert "boom" in caplog.text


def test_each_request_runs_in_its_own_transaction():
    seen = []

    def view(request):
        seen.append(transaction.get_connection().in_atomic_block)
        return one_error(200, "fine")

    api_view(view)(_request())

    assert seen == [True]


def test_require_content_type_answers_415_for_another_media_type():
    from api.errors import ApiError, require_content_type

    request = RequestFactory().put("/x", b"abc", content_type="text/plain")

    with pytest.raises(ApiError) as refused:
        require_content_type(request, {"audio/mpeg", "audio/wav"})

    assert refused.value.status == 415
    assert refused.value.errors == [
        {"field": "Content-Type", "message": "Content-Type must be one of audio/mpeg, audio/wav."}
    ]
    good = RequestFactory().put("/x", b"abc", content_type="audio/wav")
    assert require_content_type(good, {"audio/mpeg", "audio/wav"}) == "audio/wav"
