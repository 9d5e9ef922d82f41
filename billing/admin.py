from django.contrib import admin

from billing.models import Invoice, InvoiceLine, InvoiceTax, Payment


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    raw_id_fields = ["account"]


class InvoiceTaxInline(admin.TabularInline):
    model = InvoiceTax
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "billing_account", "date", "period_start", "period_end", "total"]
    list_filter = ["date"]
    search_fields = ["number", "billing_account__number"]
    raw_id_fields = ["billing_account"]
    inlines = [InvoiceLineInline, InvoiceTaxInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["external_id", "billing_account", "date", "amount", "method", "reference"]
    list_filter = ["date", "method"]
    search_fields = ["external_id", "reference", "billing_account__number"]
    raw_id_fields = ["billing_account"]
