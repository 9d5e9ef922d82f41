from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = ApiToken.issue(obj.name)
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("The new token is %(secret)s: copy it now, it is never shown again.")
            % {"secret": secret},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
        self.message_user(request, _("Revoked."))

    def has_delete_permission(self, request, obj=None):
        return False
