from django.contrib import admin

from messages_app.models import Message, MessageEvent


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    fields = readonly_fields = ("at", "kind", "target", "detail")
    extra = 0
    can_delete = False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The platform owns messages: staff look them up here, they do not edit them."""

    list_display = [
        "external_id",
        "account",
        "taken_at",
        "taken_by",
        "subject",
        "caller_name",
        "urgent",
    ]
    list_filter = ["urgent", "account", "taken_at"]
    search_fields = ["external_id", "subject", "caller_name", "caller_number", "account__number"]
    list_select_related = ["account"]
    date_hierarchy = "taken_at"
    inlines = [MessageEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
