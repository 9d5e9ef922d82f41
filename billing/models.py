"""Invoices and payments of a billing number.

Tenancy here differs from the client-account rows elsewhere: an invoice or a payment is
addressed to a BillingAccount, which several client accounts may share (5201 and 5202 are
both billed to 780412). The billing account is the tenant of these rows, so they carry a
direct `billing_account` foreign key instead of an `account` one, and pages reach them
only through `request.account.billing_account` (`Invoice.objects.for_account(account)`).
An invoice line names the client account it is for, for the reader of the invoice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import overload

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BillingAccount
from billing.formatting import money


def totals_error(
    line_amounts: Iterable[Decimal], tax_amounts: Iterable[Decimal], total: Decimal
) -> str | None:
    """The reason an invoice's total is refused, or None when it is its lines plus taxes."""
    expected = money(sum(line_amounts, Decimal(0))) + money(sum(tax_amounts, Decimal(0)))
    if money(total) != expected:
        return _("The total %(total)s is not the lines plus the taxes (%(expected)s).") % {
            "total": money(total),
            "expected": expected,
        }
    return None


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def for_billing_account(self, billing_account: BillingAccount | int) -> InvoiceQuerySet:
        return self.filter(billing_account=billing_account)

    def for_account(self, account: Account) -> InvoiceQuerySet:
        """The invoices of the account's billing number (shared with its sibling accounts)."""
        return self.filter(billing_account_id=account.billing_account_id)

    def with_details(self) -> InvoiceQuerySet:
        return self.select_related("billing_account").prefetch_related(
            models.Prefetch("lines", InvoiceLine.objects.select_related("account")),
            "taxes",
        )


class Invoice(models.Model):
    billing_account = models.ForeignKey(
        BillingAccount,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("billing account"),
    )
    number = models.CharField(_("invoice number"), max_length=64)
    date = models.DateField(_("date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["billing_account", "number"], name="invoice_number_unique"
            )
        ]
        indexes = [models.Index(fields=["billing_account", "date"], name="invoice_billing_date")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
        if self.pk is not None and self.total is not None:
            error = totals_error(
                (line.amount for line in self.lines.all()),
                (tax.amount for tax in self.taxes.all()),
                self.total,
            )
            if error:
                raise ValidationError({"total": error})

    def previous_balance(self) -> Decimal:
        """What was owed just before this invoice (invoices before it, less payments)."""
        before = Invoice.objects.for_billing_account(self.billing_account_id).filter(
            models.Q(date__lt=self.date) | models.Q(date=self.date, pk__lt=self.pk)
        )
        # A payment dated the same day as the invoice is entered after it (ledger order).
        paid = Payment.objects.filter(
            billing_account_id=self.billing_account_id, date__lt=self.date
        )
        invoiced = before.aggregate(s=models.Sum("total"))["s"] or Decimal(0)
        received = paid.aggregate(s=models.Sum("amount"))["s"] or Decimal(0)
        return money(invoiced - received)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # The client account the line is for; kept if the account is removed later.
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return self.description


# Tax names as the platform sends them, shown in the reader's language (GST is TPS in French).
TAX_NAMES = {"GST": _("GST"), "QST": _("QST"), "HST": _("HST"), "PST": _("PST")}


class InvoiceTax(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="taxes", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=32)
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice tax")
        verbose_name_plural = _("invoice taxes")

    def __str__(self) -> str:
        return f"{self.name} {self.rate}%"

    @property
    def display_name(self) -> str:
        return str(TAX_NAMES.get(self.name.upper(), self.name))


PAYMENT_METHODS = {
    "cheque": _("Cheque"),
    "check": _("Cheque"),
    "eft": _("Electronic funds transfer"),
    "credit_card": _("Credit card"),
    "card": _("Credit card"),
}


class Payment(models.Model):
    billing_account = models.ForeignKey(
        BillingAccount,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("billing account"),
    )
    external_id = models.CharField(_("payment ID"), max_length=64)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=32, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["billing_account", "external_id"], name="payment_external_id_unique"
            )
        ]
        indexes = [models.Index(fields=["billing_account", "date"], name="payment_billing_date")]

    def __str__(self) -> str:
        return f"{self.external_id} {self.amount}"

    @property
    def method_display(self) -> str:
        return str(PAYMENT_METHODS.get(self.method.lower(), self.method))


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the billing history: an invoice or a payment, and the balance after it."""

    kind: str  # "invoice" or "payment"
    id: int
    date: date
    label: str  # the invoice number or the payment's reference
    method: str
    amount: Decimal
    balance: Decimal

    @property
    def is_invoice(self) -> bool:
        return self.kind == "invoice"

    @property
    def method_display(self) -> str:
        return str(PAYMENT_METHODS.get(self.method.lower(), self.method))


class Ledger:
    """Invoices and payments of a billing account, newest first, with the running balance.

    The balance is a window function over both tables in one query: invoices add their
    total, payments subtract their amount, in date order (an invoice before a payment of
    the same day). It slices like a queryset, so Paginator reads one page at a time.
    """

    SQL = """
        SELECT kind, id, date, label, method, amount, balance, owed FROM (
            SELECT kind, kind_order, id, date, label, method, amount,
                SUM(signed) OVER (
                    ORDER BY date, kind_order, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS balance,
                SUM(signed) OVER () AS owed
            FROM (
                SELECT 'invoice' AS kind, 0 AS kind_order, id, date, number AS label,
                       '' AS method, total AS amount, total AS signed
                FROM {invoice} WHERE billing_account_id = %s
                UNION ALL
                SELECT 'payment', 1, id, date, reference, method, amount, -amount
                FROM {payment} WHERE billing_account_id = %s
            ) entries
        ) ledger
        ORDER BY date DESC, kind_order DESC, id DESC
        LIMIT %s OFFSET %s
    """

    def __init__(self, billing_account_id: int):
        self.billing_account_id = billing_account_id
        self.balance: Decimal | None = None  # what is owed now, known once a slice is read

    def count(self) -> int:
        return (
            Invoice.objects.filter(billing_account_id=self.billing_account_id)
            .values("pk")
            .union(
                Payment.objects.filter(billing_account_id=self.billing_account_id).values("pk"),
                all=True,
            )
            .count()
        )

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self[:])

    @overload
    def __getitem__(self, key: int) -> LedgerEntry: ...

    @overload
    def __getitem__(self, key: slice) -> list[LedgerEntry]: ...

    def __getitem__(self, key: int | slice) -> LedgerEntry | list[LedgerEntry]:
        if not isinstance(key, slice):
            entries = self[key : key + 1] if key >= 0 else []
            if not entries:
                raise IndexError("No such ledger entry.")
            return entries[0]
        offset = key.start or 0
        limit = (key.stop - offset) if key.stop is not None else 1_000_000
        sql = self.SQL.format(
            invoice=connection.ops.quote_name(Invoice._meta.db_table),
            payment=connection.ops.quote_name(Payment._meta.db_table),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.billing_account_id, self.billing_account_id, limit, offset])
            rows = cursor.fetchall()
        entries = []
        for kind, pk, day, label, method, amount, balance, owed in rows:
            if isinstance(day, str):  # SQLite hands back dates of a UNION as text
                day = date.fromisoformat(day)
            entries.append(
                LedgerEntry(kind, pk, day, label or "", method or "", money(amount), money(balance))
            )
            self.balance = money(owed)
        return entries
