from django.contrib import admin
from django.db import transaction

from calllog import observers
from calllog.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """The platform owns calls: staff look them up here, they do not edit them."""

    list_display = [
        "external_id",
        "account",
        "started_at",
        "direction",
        "kind",
        "caller_number",
        "agent",
        "duration_s",
        "invoice_number",
    ]
    list_filter = ["direction", "kind", "busy", "account", "started_at"]
    search_fields = [
        "external_id",
        "caller_number",
        "caller_name",
        "agent",
        "invoice_number",
        "account__number",
    ]
    list_select_related = ["account"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    # A call deleted here leaves the statistics too (calllog/observers.py).
    def delete_model(self, request, obj):
        with transaction.atomic():
            observers.deleting([obj.pk])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            observers.deleting(queryset.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)
