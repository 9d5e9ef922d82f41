"""POST /api/v1/batch: all operations in one transaction, all or none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pydantic import ValidationError as PydanticValidationError

from accounts.models import Account, BillingAccount
from api.batch import BatchIn
from api.models import ApiToken
from tests.api.conftest import ApiClient, account_body, errors_of, fields_of

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/batch"


def put_account(number: int, **changes) -> dict:
    return {"method": "PUT", "path": f"/api/v1/accounts/{number}", "body": account_body(**changes)}


def test_a_batch_applies_every_operation_and_answers_each_status(api_client):
    operations = [put_account(8101), put_account(8102, name="Deux"), put_account(8101)]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 200
    data = response.json()
    assert data["applied"] is True
    assert [result["status"] for result in data["results"]] == [201, 201, 200]
    assert [result["body"]["outcome"] for result in data["results"]] == [
        "created",
        "created",
        "unchanged",
    ]
    assert dict(Account.objects.values_list("number", "name")) == {
        8101: "Chauffage Nord",
        8102: "Deux",
    }


def test_a_replayed_batch_answers_200_for_each_and_changes_nothing(api_client):
    operations = [put_account(8101), put_account(8102)]
    api_client.post(BATCH, {"operations": operations})
    before = list(Account.objects.values())

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 200
    assert [result["status"] for result in response.json()["results"]] == [200, 200]
    assert list(Account.objects.values()) == before


def test_a_batch_failing_in_its_last_operation_leaves_nothing(api_client):
    operations = [
        put_account(8101),
        put_account(8102, billing_number="NEW-1"),
        put_account(8103),
        {"method": "PUT", "path": "/api/v1/accounts/8104", "body": {"name": ""}},
    ]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    data = response.json()
    assert data["applied"] is False
    assert data["failed"] == 3
    assert [result["status"] for result in data["results"]] == [201, 201, 201, 400]
    assert fields_of(response) == {"operations.3.name", "operations.3.billing_number"}
    assert not Account.objects.exists()
    assert not BillingAccount.objects.exists()


def test_a_batch_stops_at_the_first_failure(api_client):
    operations = [
        put_account(8101),
        {"method": "PUT", "path": "/api/v1/nowhere"},
        put_account(8102),
    ]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    data = response.json()
    assert data["failed"] == 1
    assert [result["status"] for result in data["results"]] == [201, 404]
    assert not Account.objects.exists()


def test_a_failed_batch_does_not_undo_what_was_there_before(api_client):
    api_client.put("/api/v1/accounts/8101", account_body())

    response = api_client.post(
        BATCH,
        {"operations": [put_account(8101, name="Renamed"), put_account(8102, timezone="Nowhere")]},
    )

    assert response.status_code == 400
    assert list(Account.objects.values_list("number", "name")) == [(8101, "Chauffage Nord")]


def test_a_batch_may_hold_1000_operations_but_not_1001():
    assert len(BatchIn(operations=[put_account(8101)] * 1000).operations) == 1000
    with pytest.raises(PydanticValidationError):
        BatchIn(operations=[put_account(8101)] * 1001)


def test_a_batch_of_many_operations_is_applied(api_client):
    operations = [put_account(8101 + index % 10) for index in range(100)]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
    assert Account.objects.count() == 10


def test_a_batch_over_1000_operations_is_400_and_runs_none(api_client):
    operations = [put_account(8101)] * 1001

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    assert fields_of(response) == {"operations"}
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"operations": []}, "operations"),
        ({}, "operations"),
        ({"operations": [put_account(8101)], "atomic": False}, "atomic"),
        ({"operations": [{**put_account(8101), "method": "GET"}]}, "operations.0.method"),
        ({"operations": [{**put_account(8101), "headers": {}}]}, "operations.0.headers"),
        ({"operations": [{**put_account(8101), "body": [1, 2]}]}, "operations.0.body"),
        ({"operations": [{"method": "PUT"}]}, "operations.0.path"),
        ({"operations": "all of them"}, "operations"),
    ],
)
def test_a_malformed_batch_is_400_and_runs_none(api_client, body, field):
    response = api_client.post(BATCH, body)

    assert response.status_code == 400
    assert field in fields_of(response)
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/batch",
        "/admin/",
        "/a/5201/",
        "https://evil.example/api/v1/accounts/8102",
        "/api/v2/accounts/8102",
        "api/v1/accounts/8102",
    ],
)
def test_operations_only_reach_the_api_and_never_another_batch(api_client, path):
    operations = [put_account(8101), {"method": "POST", "path": path, "body": {"operations": []}}]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    assert response.json()["failed"] == 1
    assert "operations.1.path" in fields_of(response)
    assert not Account.objects.exists()


def test_an_operation_with_a_wrong_method_for_its_path_fails_the_batch(api_client):
    operations = [put_account(8101), {"method": "DELETE", "path": "/api/v1/accounts/8101"}]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    assert response.json()["results"][1]["status"] == 405
    assert not Account.objects.exists()


def test_a_put_without_a_body_fails_the_batch(api_client):
    response = api_client.post(
        BATCH, {"operations": [{"method": "PUT", "path": "/api/v1/accounts/8101", "body": None}]}
    )

    assert response.status_code == 400
    assert response.json()["results"][0]["status"] == 400


def test_a_percent_encoded_path_is_decoded_as_in_a_direct_request(api_client):
    response = api_client.post(
        BATCH, {"operations": [{**put_account(8101), "path": "/api/v1/accounts/%38101"}]}
    )

    assert response.status_code == 200
    assert Account.objects.filter(number=8101).exists()


def test_a_batch_needs_a_token(db):
    response = ApiClient(None).post(BATCH, {"operations": [put_account(8101)]})

    assert response.status_code == 401
    errors_of(response)
    assert not Account.objects.exists()


def test_a_batch_checks_its_token_once_not_per_operation(api_client):
    operations = [put_account(8101 + index) for index in range(50)]

    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 200
    token_queries = [q for q in queries.captured_queries if ApiToken._meta.db_table in q["sql"]]
    assert len(token_queries) <= 2  # the lookup, and the last-use update


def test_a_batch_over_the_size_limit_is_413(api_client, settings):
    settings.API_MAX_BODY_BYTES = 500

    response = api_client.post(BATCH, {"operations": [put_account(8101 + i) for i in range(10)]})

    assert response.status_code == 413
    assert not Account.objects.exists()


def test_a_raw_upload_endpoint_in_a_batch_is_refused_with_400(api_client, monkeypatch):
    from django.urls import ResolverMatch

    from api import batch
    from api.errors import error_response as shaped
    from api.errors import unsupported_media_type

    def recording_view(request, **kwargs):
        error = unsupported_media_type({"audio/mpeg"})
        return shaped(error.status, error.errors)

    real_resolve = batch.resolve

    def resolve(path):
        if path.endswith("/recording"):
            return ResolverMatch(recording_view, (), {}, url_name="put_recording")
        return real_resolve(path)

    monkeypatch.setattr(batch, "resolve", resolve)
    operations = [
        put_account(8101),
        {"method": "PUT", "path": "/api/v1/accounts/8101/calls/c1/recording", "body": {}},
    ]

    response = api_client.post(BATCH, {"operations": operations})

    assert response.status_code == 400
    assert response.json()["results"][1]["status"] == 400
    assert "JSON bodies only" in errors_of(response)[0]["message"]
    assert not Account.objects.exists()
