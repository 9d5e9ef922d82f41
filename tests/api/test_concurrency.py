"""The same PUT sent by 20 clients at once creates exactly one row, and says so once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Account, BillingAccount
from api.models import ApiToken
from tests.api.conftest import account_body

CLIENTS = 20


def all_at_once(method: str, path: str, body: dict) -> list[int]:
    """Send the same request from CLIENTS threads released together; their statuses."""
    _, secret = ApiToken.issue("platform-race")
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send():
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        try:
            barrier.wait(timeout=30)
            response = client.generic(
                method, path, json.dumps(body), content_type="application/json"
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported in the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return statuses


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_puts_at_once_create_one_account_and_one_201():
    statuses = all_at_once("PUT", "/api/v1/accounts/8200", account_body())

    assert sorted(statuses) == [200] * (CLIENTS - 1) + [201]
    assert Account.objects.filter(number=8200).count() == 1
    assert BillingAccount.objects.filter(number="781990").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_batches_at_once_create_each_row_once():
    operations = [
        {"method": "PUT", "path": f"/api/v1/accounts/{number}", "body": account_body()}
        for number in (8201, 8202, 8203)
    ]

    statuses = all_at_once("POST", "/api/v1/batch", {"operations": operations})

    assert statuses == [200] * CLIENTS
    assert sorted(Account.objects.values_list("number", flat=True)) == [8201, 8202, 8203]
    assert BillingAccount.objects.filter(number="781990").count() == 1
