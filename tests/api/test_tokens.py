"""Tokens: made by the command or the admin, only a hash stored, revocable, last use kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from api.models import ApiToken, hash_token
from tests.api.conftest import ApiClient, account_body, errors_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_the_token_once_as_its_last_line_and_stores_a_hash():
    out = StringIO()

    call_command("create_api_token", "platform-prod", stdout=out)

    lines = out.getvalue().strip().splitlines()
    secret = lines[-1]
    token = ApiToken.objects.get()
    assert token.name == "platform-prod"
    assert token.token_hash == hash_token(secret)
    assert secret.startswith(token.prefix)
    assert secret not in "\n".join(lines[:-1])
    assert secret not in {getattr(token, field.attname) for field in ApiToken._meta.fields}
    assert ApiClient(secret).put("/api/v1/accounts/8100", account_body()).status_code == 201


def test_each_token_is_different():
    first, second = StringIO(), StringIO()
    call_command("create_api_token", "a", stdout=first)
    call_command("create_api_token", "b", stdout=second)

    assert first.getvalue().splitlines()[-1] != second.getvalue().splitlines()[-1]


def test_no_token_is_401_in_the_error_shape():
    response = ApiClient(None).put("/api/v1/accounts/8100", account_body())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert errors_of(response)[0]["field"] == ""
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    ["Bearer pt_not-a-token", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_a_bad_token_is_401(authorization):
    client = Client(headers={"Authorization": authorization})

    response = client.put("/api/v1/accounts/8100", account_body(), content_type="application/json")

    assert response.status_code == 401
    errors_of(response)


def test_a_revoked_token_is_401(token_and_secret):
    token, secret = token_and_secret
    token.revoke()

    response = ApiClient(secret).put("/api/v1/accounts/8100", account_body())

    assert response.status_code == 401
    assert not Account.objects.exists()


def test_a_signed_in_users_session_cookie_never_opens_the_api(account):
    staff = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)

    response = client.put("/api/v1/accounts/8100", account_body(), content_type="application/json")

    assert response.status_code == 401
    assert not Account.objects.filter(number=8100).exists()


def test_a_token_request_needs_no_csrf_token_even_with_a_session(secret):
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    client.force_login(make_user("someone"))

    response = client.put("/api/v1/accounts/8100", account_body(), content_type="application/json")

    assert response.status_code == 201


def test_the_first_use_of_a_token_is_recorded(token_and_secret, api_client):
    token, _ = token_and_secret
    assert token.last_used_at is None

    api_client.put("/api/v1/accounts/8100", account_body())

    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=10)


def test_last_use_is_written_at_most_once_a_minute(token_and_secret, api_client):
    token, _ = token_and_secret
    recent = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    api_client.put("/api/v1/accounts/8100", account_body())
    token.refresh_from_db()
    assert token.last_used_at == recent

    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    api_client.put("/api/v1/accounts/8100", account_body())
    token.refresh_from_db()
    assert token.last_used_at > old + timedelta(minutes=4)


def test_a_refused_request_still_records_the_tokens_use(token_and_secret, api_client):
    token, _ = token_and_secret

    response = api_client.put("/api/v1/accounts/8100", {"name": ""})

    assert response.status_code == 400
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_staff_add_a_token_in_the_admin_and_see_its_secret_once(staff_client):
    response = staff_client.post("/admin/api/apitoken/add/", {"name": "platform-staging"})

    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "platform-staging"
    secret = response.context["secret"]
    assert secret.encode() in response.content
    assert token.token_hash == hash_token(secret)
    assert ApiClient(secret).put("/api/v1/accounts/8100", account_body()).status_code == 201
    change_page = staff_client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert secret.encode() not in change_page.content
    assert token.prefix.encode() in change_page.content


def test_staff_list_tokens_in_the_admin(staff_client):
    ApiToken.issue("platform-prod")
    ApiToken.issue("platform-test")

    response = staff_client.get("/admin/api/apitoken/")

    assert response.status_code == 200
    assert b"platform-prod" in response.content
    assert b"platform-test" in response.content


def test_staff_revoke_tokens_in_the_admin(staff_client):
    token, secret = ApiToken.issue("platform-prod")
    kept, kept_secret = ApiToken.issue("platform-other")

    response = staff_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    assert response.status_code == 200
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None
    assert kept.revoked_at is None
    assert ApiClient(secret).put("/api/v1/accounts/8100", account_body()).status_code == 401
    assert ApiClient(kept_secret).put("/api/v1/accounts/8100", account_body()).status_code == 201


def test_tokens_cannot_be_deleted_in_the_admin(staff_client):
    token, _ = ApiToken.issue("platform-prod")

    response = staff_client.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()
