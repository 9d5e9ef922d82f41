"""Fixtures for the platform API: a token and a client that sends it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.models import ApiToken


class ApiClient:
    """A Django test client that sends the bearer token and JSON bodies."""

    def __init__(self, secret: str | None):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.client = Client(headers=headers)

    def send(self, method: str, path: str, body=None, content_type="application/json", **extra):
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        return self.client.generic(method, path, data or "", content_type=content_type, **extra)

    def put(self, path: str, body=None, **extra):
        return self.send("PUT", path, body, **extra)

    def post(self, path: str, body=None, **extra):
        return self.send("POST", path, body, **extra)

    def get(self, path: str, **extra):
        return self.client.get(path, **extra)


@pytest.fixture
def token_and_secret(db) -> tuple[ApiToken, str]:
    return ApiToken.issue("platform-test")


@pytest.fixture
def secret(token_and_secret) -> str:
    return token_and_secret[1]


@pytest.fixture
def api_client(secret) -> ApiClient:
    return ApiClient(secret)


def account_body(**changes) -> dict:
    return {"name": "Chauffage Nord", "billing_number": "781990", **changes}


def errors_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert set(data) >= {"errors"}
    for error in data["errors"]:
        assert set(error) == {"field", "message"}
        assert isinstance(error["field"], str) and isinstance(error["message"], str)
    return data["errors"]


def fields_of(response) -> set[str]:
    return {error["field"] for error in errors_of(response)}
