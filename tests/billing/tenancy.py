"""URL objects for the cross-tenant walker: an invoice of the account's billing number.

Invoices belong to the billing account, so a user of another account with the same
billing number legitimately sees it; the walker pairs accounts of different billing
numbers (5201/780412 against 7300/781990).
"""

from tests.factories import make_invoice

URL_OBJECTS = {
    "invoice_id": lambda account: make_invoice(account.billing_account).pk,
}
