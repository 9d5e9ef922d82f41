"""Every endpoint of docs/api.md is served and described in /api/v1/openapi.json."""

import pytest

pytestmark = pytest.mark.django_db

CONTRACT = [
    ("put", "/api/v1/accounts/{number}"),
    ("put", "/api/v1/accounts/{number}/contacts/{external_id}"),
    ("delete", "/api/v1/accounts/{number}/contacts/{external_id}"),
    ("put", "/api/v1/accounts/{number}/info-pages/{external_id}"),
    ("put", "/api/v1/accounts/{number}/messages/{external_id}"),
    ("post", "/api/v1/accounts/{number}/messages/{external_id}/events"),
    ("get", "/api/v1/accounts/{number}/messages/{external_id}"),
    ("get", "/api/v1/accounts/{number}/messages"),
    ("put", "/api/v1/accounts/{number}/calls/{external_id}"),
    ("put", "/api/v1/accounts/{number}/calls/{external_id}/recording"),
    ("put", "/api/v1/billing/{billing_number}/invoices/{invoice_number}"),
    ("put", "/api/v1/billing/{billing_number}/payments/{external_id}"),
    ("put", "/api/v1/accounts/{number}/schedules/{external_id}"),
    ("put", "/api/v1/accounts/{number}/schedules/{sid}/shifts/{external_id}"),
    ("get", "/api/v1/accounts/{number}/schedules/{sid}/on-call"),
    ("post", "/api/v1/batch"),
]


def test_every_contract_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    described = {
        (method, path) for path, operations in document["paths"].items() for method in operations
    }
    missing = [(m, p) for m, p in CONTRACT if (m, p) not in described]
    assert missing == [], f"not described: {missing}; described: {sorted(described)}"
