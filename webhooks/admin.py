"""Staff register the platform's endpoints, follow every event and attempt, and resend."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks.delivery import resend
from webhooks.models import MIN_SECRET_LENGTH, Attempt, Delivery, Endpoint, Event, EventType


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        min_length=MIN_SECRET_LENGTH,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "The key the platform checks each event's signature with. "
            "Leave empty to keep the current one."
        ),
    )

    class Meta:
        model = Endpoint
        fields = ["url", "events", "secret", "description", "active"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if not secret and not (self.instance and self.instance.secret):
            raise forms.ValidationError(_("An endpoint needs a secret."))
        return secret or self.instance.secret


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["id", "url", "event_types", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]

    @admin.display(description=_("events"))
    def event_types(self, obj: Endpoint) -> str:
        return ", ".join(obj.events)


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = readonly_fields = ("at", "status_code", "duration_ms", "error", "response")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = readonly_fields = (
        "endpoint",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    )
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Resend now (retries start over)"))
def resend_deliveries(modeladmin, request, queryset):
    count = resend(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d delivery will be sent again.",
            "%(count)d deliveries will be sent again.",
            count,
        )
        % {"count": count},
    )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read only: what was sent where, every attempt; staff may only resend."""

    list_display = [
        "event",
        "event_type",
        "account",
        "endpoint",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "endpoint", "event__type"]
    search_fields = ["event__uuid", "account__number"]
    list_select_related = ["event", "account", "endpoint"]
    inlines = [AttemptInline]
    actions = [resend_deliveries]

    @admin.display(description=_("type"))
    def event_type(self, obj: Delivery) -> str:
        return obj.event.type

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["uuid", "type", "account", "created_at", "delivery_status"]
    list_filter = ["type", "deliveries__status", "created_at"]
    search_fields = ["uuid", "account__number"]
    list_select_related = ["account"]
    inlines = [DeliveryInline]
    actions = ["resend_event"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries")

    @admin.display(description=_("deliveries"))
    def delivery_status(self, obj: Event) -> str:
        labels = dict(Delivery.Status.choices)
        return ", ".join(str(labels[d.status]) for d in obj.deliveries.all()) or "—"

    @admin.action(description=_("Resend the failed deliveries of the selected events"))
    def resend_event(self, request, queryset):
        failed = Delivery.objects.filter(event__in=queryset, status=Delivery.Status.FAILED)
        resend_deliveries(self, request, failed)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
