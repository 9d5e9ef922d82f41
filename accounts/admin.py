from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    AccessEvent,
    Account,
    BillingAccount,
    KnownBrowser,
    Membership,
    User,
    UserSession,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["account", "user"]


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name", "accounts__name"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "billing_account",
        "timezone",
        "language",
        "require_two_factor",
        "active",
    ]
    list_filter = ["active", "language", "require_two_factor", "timezone"]
    search_fields = ["number", "name", "billing_account__number"]
    list_select_related = ["billing_account"]
    autocomplete_fields = ["billing_account"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "language", "memberships__role"]
    search_fields = ["username", "email", "first_name", "last_name", "memberships__account__number"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Portal"), {"fields": ("language",)}))
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("email", "first_name", "last_name", "language")}),
    )
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "account__number", "account__name"]
    list_select_related = ["user", "account"]
    autocomplete_fields = ["user", "account"]


class RecordAdmin(admin.ModelAdmin):
    """Rows the portal writes itself: staff read them, never add or change one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(RecordAdmin):
    list_display = ["at", "username", "account", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["username", "account__number", "object_id", "detail", "ip_address"]
    list_select_related = ["account"]
    date_hierarchy = "at"

    # The access log is a record: nobody deletes it either, not even staff.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(RecordAdmin):
    """Open sessions; deleting one signs that browser out at its next request."""

    list_display = fields = readonly_fields = (
        "user",
        "started_at",
        "last_seen",
        "ip_address",
        "user_agent",
    )
    search_fields = ["user__username", "ip_address"]
    list_select_related = ["user"]

    def delete_queryset(self, request, queryset):
        from accounts.sessions import end_sessions

        end_sessions(queryset)

    def delete_model(self, request, obj):
        from accounts.sessions import end_sessions

        end_sessions(UserSession.objects.filter(pk=obj.pk))


@admin.register(KnownBrowser)
class KnownBrowserAdmin(RecordAdmin):
    list_display = readonly_fields = (
        "user",
        "first_seen",
        "last_seen",
        "ip_address",
        "user_agent",
        "notified_at",
    )
    search_fields = ["user__username", "ip_address"]
    list_select_related = ["user"]
