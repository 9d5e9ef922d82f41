"""PUT /api/v1/accounts/{number}: create, replace, replay, defaults and refusals."""

import pytest

from accounts.models import Account, BillingAccount
from tests.api.conftest import account_body, errors_of, fields_of

pytestmark = pytest.mark.django_db


def test_it_creates_an_account_with_201_and_the_contract_defaults(api_client):
    response = api_client.put("/api/v1/accounts/8100", account_body())

    assert response.status_code == 201
    assert response.json()["outcome"] == "created"
    account = Account.objects.select_related("billing_account").get(number=8100)
    assert account.name == "Chauffage Nord"
    assert account.billing_account.number == "781990"
    assert (account.timezone, account.language, account.active) == ("America/Toronto", "fr", True)


def test_it_replaces_an_account_with_200(api_client):
    api_client.put("/api/v1/accounts/8100", account_body())

    response = api_client.put(
        "/api/v1/accounts/8100",
        account_body(name="Heating North", language="en", timezone="America/Vancouver"),
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "replaced"
    account = Account.objects.get(number=8100)
    assert (account.name, account.language, account.timezone) == (
        "Heating North",
        "en",
        "America/Vancouver",
    )
    assert Account.objects.filter(number=8100).count() == 1


def test_a_replayed_put_answers_200_and_changes_nothing(api_client):
    api_client.put("/api/v1/accounts/8100", account_body(active=False))
    before = Account.objects.values().get(number=8100)

    response = api_client.put("/api/v1/accounts/8100", account_body(active=False))

    assert response.status_code == 200
    assert response.json()["outcome"] == "unchanged"
    assert Account.objects.values().get(number=8100) == before
    assert BillingAccount.objects.filter(number="781990").count() == 1


def test_it_refuses_an_unknown_time_zone(api_client):
    response = api_client.put("/api/v1/accounts/8100", account_body(timezone="Mars/Olympus"))

    assert response.status_code == 400
    assert errors_of(response) == [{"field": "timezone", "message": "Not a known IANA time zone."}]
    assert not Account.objects.filter(number=8100).exists()


def test_it_refuses_an_unknown_field(api_client):
    response = api_client.put("/api/v1/accounts/8100", account_body(nmae="typo"))

    assert response.status_code == 400
    assert errors_of(response) == [{"field": "nmae", "message": "Unknown field."}]
    assert not Account.objects.filter(number=8100).exists()


def test_it_refuses_a_missing_name(api_client):
    body = account_body()
    del body["name"]

    response = api_client.put("/api/v1/accounts/8100", body)

    assert response.status_code == 400
    assert errors_of(response) == [{"field": "name", "message": "This field is required."}]


def test_it_refuses_an_unknown_language_and_a_wrong_type(api_client):
    response = api_client.put("/api/v1/accounts/8100", account_body(language="de", active="maybe"))

    assert response.status_code == 400
    assert fields_of(response) == {"language", "active"}


@pytest.mark.parametrize("number", ["0", "2147483648", "99999999999999999999999"])
def test_it_refuses_an_account_number_out_of_range(api_client, number):
    response = api_client.put(f"/api/v1/accounts/{number}", account_body())

    assert response.status_code == 400
    assert fields_of(response) == {"number"}
    assert not Account.objects.exists()
