import json

import pytest
from django.test import Client

from api.models import ApiToken
from billing.models import Invoice, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    _token, secret = ApiToken.issue("platform")
    client = Client()

    def put(path: str, body: dict):
        return client.put(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )

    return put


def invoice_body(**changes) -> dict:
    body = {
        "date": "2026-11-20",
        "period_start": "2026-10-20",
        "period_end": "2026-11-19",
        "lines": [
            {
                "description": "Call Center Services",
                "quantity": "1",
                "unit_price": "49.95",
                "amount": "49.95",
                "account_number": 5201,
            },
            {
                "description": "13.75 minutes from 20 October to 19 November",
                "quantity": "13.75",
                "unit_price": "0.95",
                "amount": "13.06",
                "account_number": 5201,
            },
        ],
        "taxes": [
            {"name": "GST", "rate": "5", "amount": "3.15"},
            {"name": "QST", "rate": "9.975", "amount": "6.29"},
        ],
        "total": "72.45",
    }
    body.update(changes)
    return body


PATH = "/billing/780412/invoices/780412-202611"


def test_put_invoice_creates_then_replays_unchanged(api, account):
    created = api(PATH, invoice_body())
    replayed = api(PATH, invoice_body())

    assert created.status_code == 201, created.content
    assert replayed.status_code == 200
    assert replayed.json()["outcome"] == "unchanged"
    invoice = Invoice.objects.get(number="780412-202611")
    assert str(invoice.subtotal) == "63.01"
    assert str(invoice.total) == "72.45"
    assert [line.account.number for line in invoice.lines.all()] == [5201, 5201]
    assert [tax.name for tax in invoice.taxes.all()] == ["GST", "QST"]


def test_put_invoice_replaces_lines_and_taxes_wholesale(api, account):
    api(PATH, invoice_body())
    body = invoice_body(
        lines=[{"description": "Fee", "quantity": "1", "unit_price": "10", "amount": "10.00"}],
        taxes=[],
        total="10.00",
    )

    response = api(PATH, body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "replaced"
    invoice = Invoice.objects.get(number="780412-202611")
    assert [line.description for line in invoice.lines.all()] == ["Fee"]
    assert not invoice.taxes.exists()


def test_put_invoice_with_a_wrong_total_is_400_on_total(api, account):
    response = api(PATH, invoice_body(total="72.46"))

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["total"]
    assert not Invoice.objects.exists()


def test_put_invoice_for_an_account_of_another_billing_number_is_400(api, account, other_account):
    body = invoice_body()
    body["lines"][1]["account_number"] = other_account.number

    response = api(PATH, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lines.1.account_number"
    assert not Invoice.objects.exists()


def test_put_invoice_without_lines_is_400(api, account):
    response = api(PATH, invoice_body(lines=[], taxes=[], total="0"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("lines")


def test_put_invoice_with_an_unknown_field_is_400(api, account):
    response = api(PATH, invoice_body(discount="1.00"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "discount"


def test_put_invoice_for_an_unknown_billing_number_is_404(api, account):
    assert api("/billing/000000/invoices/X-1", invoice_body()).status_code == 404


def test_put_invoice_without_a_token_is_401(account):
    response = Client().put(
        f"/api/v1{PATH}", json.dumps(invoice_body()), content_type="application/json"
    )
    assert response.status_code == 401


def test_put_payment_creates_replaces_and_replays(api, account):
    body = {"date": "2026-11-05", "amount": "72.45", "method": "cheque", "reference": "CHQ 1042"}
    path = "/billing/780412/payments/PAY-1"

    assert api(path, body).status_code == 201
    assert api(path, body).json()["outcome"] == "unchanged"
    changed = api(path, {**body, "amount": "70.00"})

    assert changed.status_code == 200
    assert changed.json()["outcome"] == "replaced"
    assert str(Payment.objects.get(external_id="PAY-1").amount) == "70.00"


def test_put_payment_needs_date_and_amount(api, account):
    response = api("/billing/780412/payments/PAY-2", {"method": "eft"})

    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"date", "amount"}


def test_put_payment_for_an_unknown_billing_number_is_404(api, account):
    body = {"date": "2026-11-05", "amount": "1.00"}
    assert api("/billing/000000/payments/PAY-3", body).status_code == 404
