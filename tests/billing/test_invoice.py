import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.models import AccessEvent
from billing.actions import LineData, TaxData, write_invoice
from billing.models import Invoice
from tests.factories import make_invoice, make_payment

pytestmark = pytest.mark.django_db


def url(invoice, account) -> str:
    return f"/a/{account.number}/billing/invoices/{invoice.pk}/"


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def invoice(account):
    return make_invoice(
        account.billing_account,
        "780412-202610",
        day=date(2026, 10, 20),
        amounts=("1000.00", "42.50"),
        account_number=account.number,
    )


def test_invoice_page_reads_like_a_paper_invoice(carol_client, account, invoice, settings):
    make_invoice(account.billing_account, day=date(2026, 9, 20), amounts=("20.00",), taxed=False)
    make_payment(account.billing_account, "5.00", date(2026, 10, 1))

    response = carol_client.get(url(invoice, account))

    html = response.content.decode()
    assert response.status_code == 200
    assert settings.SERVICE["name"] in html
    assert 'data-testid="invoice-billing-number">780412<' in html
    assert "5201 Plomberie Test inc." in html
    assert "Line 1" in html and "Line 2" in html
    assert "1,042.50" in html  # subtotal
    assert "GST" in html and "QST" in html
    # 1042.50 + 52.13 + 103.99
    assert 'data-testid="invoice-total">$1,198.62<' in html
    assert "15.00" in html  # previous balance: 20 invoiced, 5 paid
    assert "1,213.62" in html  # new balance
    assert settings.SERVICE["billing_phone"] in html
    assert f"/a/5201/billing/invoices/{invoice.pk}/invoice.pdf" in html


def test_invoice_pdf_in_english(carol_client, account, invoice, carol):
    carol.language = "en"
    carol.save()

    response = carol_client.get(url(invoice, account) + "invoice.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "780412" in text
    assert "$1,198.62" in text
    assert AccessEvent.objects.filter(
        action="downloaded", object_type="billing.invoice", object_id=str(invoice.pk)
    ).exists()


def test_invoice_pdf_in_french(carol_client, account, invoice, carol):
    carol.language = "fr"
    carol.save()

    response = carol_client.get(url(invoice, account) + "invoice.pdf")

    text = pdf_text(response)
    assert "780412" in text
    assert re.search(r"1[\xa0 ]198,62[\xa0 ]\$", text), text
    assert "1,198.62" not in text


def test_invoice_page_in_french_has_currency_and_french_spacing(
    carol_client, account, invoice, carol
):
    carol.language = "fr"
    carol.save()
    html = carol_client.get(url(invoice, account)).content.decode()
    assert 'data-testid="invoice-total">1\xa0198,62\xa0$<' in html
    assert "Comptes\xa0:" in html or "Compte\xa0:" in html
    assert "\xa0%)" in html  # the tax rate: 5 %, 9,975 %


def test_invoice_of_another_billing_account_is_404(alice_client, account, other_account):
    foreign = make_invoice(other_account.billing_account)
    assert alice_client.get(url(foreign, account)).status_code == 404
    assert alice_client.get(url(foreign, account) + "invoice.pdf").status_code == 404
    assert alice_client.get(url(foreign, other_account)).status_code == 404


def test_invoice_page_of_a_non_member_is_404(dave_client, account, invoice):
    assert dave_client.get(url(invoice, account)).status_code == 404


def test_member_gets_403_on_an_invoice(bob_client, account, invoice):
    assert bob_client.get(url(invoice, account)).status_code == 403
    assert bob_client.get(url(invoice, account) + "invoice.pdf").status_code == 403


def test_unknown_invoice_is_404(alice_client, account):
    assert alice_client.get(f"/a/{account.number}/billing/invoices/999999/").status_code == 404


def test_an_invoice_whose_total_is_not_lines_plus_taxes_is_refused(account):
    with pytest.raises(ValidationError) as refused:
        write_invoice(
            account.billing_account,
            "BAD-1",
            date=date(2026, 10, 20),
            period_start=date(2026, 9, 20),
            period_end=date(2026, 10, 19),
            lines=[LineData("Fee", Decimal(1), Decimal("10.00"), Decimal("10.00"))],
            taxes=[TaxData("GST", Decimal(5), Decimal("0.50"))],
            total=Decimal("10.49"),
        )
    assert "total" in refused.value.message_dict
    assert not Invoice.objects.filter(number="BAD-1").exists()


def test_clean_refuses_a_stored_invoice_whose_total_was_changed(invoice):
    invoice.full_clean()
    invoice.total += Decimal("0.01")
    with pytest.raises(ValidationError) as refused:
        invoice.full_clean()
    assert "total" in refused.value.message_dict
