from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.history, name="history"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("calls/", views.calls, name="calls"),
    path("calls/export.xlsx", views.calls_export, name="calls_export"),
    path("calls/email/", views.calls_email, name="calls_email"),
]
