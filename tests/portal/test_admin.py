"""Support staff reach every model of the portal in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

# Edited as inlines of their parent (contact, shift, invoice) or internal to Django.
NOT_ON_THEIR_OWN = {
    "directory.ContactMethod",
    "oncall.ShiftComment",
    "billing.InvoiceLine",
    "billing.InvoiceTax",
    "messages_app.MessageEvent",
    "messages_app.MessageRead",
    "webhooks.Attempt",
}
OURS = {
    "accounts",
    "directory",
    "messages_app",
    "calllog",
    "oncall",
    "billing",
    "api",
    "webhooks",
    "jobs",
}


def test_every_portal_model_is_in_the_admin():
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in OURS
        and m._meta.label not in NOT_ON_THEIR_OWN
        and m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.parametrize("label", ["messages_app.message", "calllog.call", "accounts.account"])
def test_admin_lists_open(staff_client, label):
    app, model = label.split(".")
    assert staff_client.get(f"/admin/{app}/{model}/").status_code == 200


def test_the_daily_call_totals_are_read_only_in_the_admin(staff_client):
    assert staff_client.get("/admin/calllog/callday/").status_code == 200
    assert staff_client.get("/admin/calllog/callday/add/").status_code == 403
