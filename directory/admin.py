from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from directory.actions import mark_done
from directory.models import ChangeRequest, Contact, ContactMethod, InfoPage


class ContactMethodInline(admin.TabularInline):
    model = ContactMethod
    fields = ["position", "kind", "value", "label"]
    extra = 1


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "account", "position", "active", "external_id"]
    list_filter = ["active", "account"]
    search_fields = [
        "name",
        "title",
        "external_id",
        "account__number",
        "account__name",
        "methods__value",
    ]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    inlines = [ContactMethodInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def save_formset(self, request, form, formset, change):
        # A method belongs to its contact's account (the tenant key every table carries).
        for method in formset.save(commit=False):
            method.account = form.instance.account
            method.save()
        for method in formset.deleted_objects:
            method.delete()


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "position", "external_id"]
    list_filter = ["account"]
    search_fields = ["title", "body", "external_id", "account__number", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "account",
        "subject",
        "info_page",
        "requested_by",
        "short_text",
        "status",
        "closed_at",
        "closed_by",
    ]
    list_filter = ["status", "subject", "account", "created_at"]
    search_fields = [
        "text",
        "account__number",
        "account__name",
        "requested_by__username",
        "info_page__title",
    ]
    list_select_related = ["account", "info_page", "requested_by", "closed_by"]
    readonly_fields = ["created_at", "closed_at", "closed_by"]
    autocomplete_fields = ["account", "requested_by", "info_page"]
    date_hierarchy = "created_at"
    actions = ["mark_as_done"]

    def save_model(self, request, obj: ChangeRequest, form, change) -> None:
        # Closing by hand in the form records who and when, like the list action.
        if obj.status == ChangeRequest.Status.DONE and obj.closed_at is None:
            obj.closed_at = timezone.now()
            obj.closed_by = request.user
        elif obj.status == ChangeRequest.Status.OPEN:
            obj.closed_at = obj.closed_by = None
        super().save_model(request, obj, form, change)

    @admin.display(description=_("requested change"))
    def short_text(self, change: ChangeRequest) -> str:
        return change.text if len(change.text) <= 80 else f"{change.text[:79]}…"

    @admin.action(description=_("Mark as done"))
    def mark_as_done(self, request, queryset) -> None:
        closed = mark_done(queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked as done.", "%(count)d requests marked as done.", closed
            )
            % {"count": closed},
            messages.SUCCESS,
        )
