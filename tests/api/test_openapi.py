"""The OpenAPI document describes every endpoint, its bearer auth and its error answers."""

import json

import pytest
from django.test import Client

from api.api import api
from api.schemas import ErrorOut, error_responses

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def document():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_it_lists_the_accounts_and_batch_endpoints(document):
    assert "put" in document["paths"]["/api/v1/accounts/{number}"]
    assert "post" in document["paths"]["/api/v1/batch"]
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_it_describes_the_bearer_scheme_and_requires_it_everywhere(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, method, operation in operations(document):
        assert operation.get("security") == [{"TokenAuth": []}], (method, path)


def test_every_operation_documents_its_error_answers(document):
    error_ref = "#/components/schemas/ErrorOut"
    for path, method, operation in operations(document):
        responses = operation["responses"]
        for code in ("400", "401", "404"):
            schema = responses[code]["content"]["application/json"]["schema"]
            refs = {schema.get("$ref")} | {s.get("$ref") for s in schema.get("anyOf", [])}
            assert error_ref in refs or path == "/api/v1/batch", (method, path, code)
        if method in ("put", "post"):
            assert "413" in responses, (method, path)


def test_the_error_schema_is_the_contracts_shape(document):
    error_out = document["components"]["schemas"]["ErrorOut"]
    assert error_out["required"] == ["errors"]
    item = document["components"]["schemas"]["ErrorItem"]
    assert set(item["properties"]) == {"field", "message"}


def test_the_document_is_the_same_as_the_apis_own(document):
    assert document == json.loads(json.dumps(api.get_openapi_schema()))


def test_error_responses_is_ready_to_spread_into_a_routers_response():
    assert error_responses == {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}


def test_every_successful_json_answer_has_a_schema(document):
    """A platform can generate its client from the document: no 2xx JSON answer is left
    untyped (the on-call answer included)."""
    untyped = []
    for path, method, operation in operations(document):
        for status, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json")
            if status.startswith("2") and content is not None and not content.get("schema"):
                untyped.append((method, path, status))
            if status.startswith("2") and status != "204" and content is None:
                untyped.append((method, path, status))
    assert untyped == []


def test_the_on_call_answer_is_described(document):
    operation = document["paths"]["/api/v1/accounts/{number}/schedules/{sid}/on-call"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    properties = document["components"]["schemas"][name]["properties"]
    assert set(properties) == {"at", "schedule", "shift", "ranks"}
