"""Support staff: schedules and shifts, the history read only, and "repeat this shift"."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oncall import actions
from oncall.models import (
    Assignment,
    ChangeNotice,
    FeedLink,
    GapAlert,
    Schedule,
    Shift,
    ShiftComment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = readonly_fields = (
        "rank",
        "kind",
        "contact",
        "start",
        "end",
        "comment",
        "created_at",
        "created_by",
        "ended_at",
        "ended_by",
    )


class CommentInline(ReadOnlyInline):
    model = ShiftComment
    fields = readonly_fields = ("created_at", "author", "text")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "external_id", "timezone"]
    list_filter = ["timezone"]
    search_fields = ["name", "external_id", "account__number", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]

    def save_model(self, request, obj, form, change):
        actions.save_schedule(obj, by=request.user)


class ShiftAdminForm(forms.ModelForm):
    """Staff's shift form: the model's clean() applies oncall.actions.check_shift, so what
    the API refuses (an overlap, an override left outside, a rank still in use) is refused
    here too, next to the field."""

    class Meta:
        model = Shift
        fields = ["schedule", "external_id", "starts_at", "ends_at", "ranks"]

    def clean(self):
        super().clean()
        schedule = self.cleaned_data.get("schedule") or (
            self.instance.schedule if self.instance.pk else None
        )
        if schedule is not None:
            self.instance.account_id = schedule.account_id
        return self.cleaned_data


class RepeatForm(forms.Form):
    times = forms.IntegerField(label=_("How many copies"), min_value=1, max_value=52, initial=4)


def _repeat_action(step: timedelta, description):
    def action(modeladmin, request, queryset):
        form = RepeatForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            total, skipped = 0, []
            for shift in queryset.select_related("schedule__account"):
                made, missed = actions.repeat_shift(
                    shift, step, form.cleaned_data["times"], by=request.user
                )
                total += len(made)
                tz = shift.schedule.tzinfo
                skipped += [f"{timezone.localtime(m, tz):%Y-%m-%d %H:%M}" for m in missed]
            modeladmin.message_user(
                request, gettext("%(n)d shifts created.") % {"n": total}, messages.SUCCESS
            )
            if skipped:
                modeladmin.message_user(
                    request,
                    gettext("Not created because they would overlap another shift: %(list)s")
                    % {"list": ", ".join(skipped)},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/oncall/repeat.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "form": form,
                "shifts": queryset,
                "action_name": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": modeladmin.model._meta,
            },
        )

    action.__name__ = f"repeat_every_{step.days}_days"
    return admin.action(description=description)(action)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    form = ShiftAdminForm
    list_display = ["__str__", "schedule", "starts_at", "ends_at", "ranks", "external_id"]
    list_filter = ["schedule__account", "schedule", "ranks"]
    search_fields = ["external_id", "schedule__name", "schedule__account__number"]
    list_select_related = ["schedule", "schedule__account"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["schedule"]
    inlines = [AssignmentInline, CommentInline]
    actions = [
        _repeat_action(timedelta(weeks=1), _("Repeat this shift every week for N times")),
        _repeat_action(timedelta(days=1), _("Repeat this shift every day for N times")),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A shift stays in its schedule: its people are that account's contacts.
        return ["schedule"] if obj is not None and obj.pk else []

    def save_model(self, request, obj, form, change):
        actions.save_shift(obj, by=request.user)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """The append-only history, searchable; nobody edits or deletes it here."""

    list_display = [
        "shift",
        "rank",
        "kind",
        "contact",
        "created_at",
        "created_by",
        "ended_at",
        "ended_by",
    ]
    list_filter = ["kind", "shift__schedule"]
    search_fields = ["contact__name", "shift__schedule__name", "shift__external_id"]
    list_select_related = ["shift__schedule", "contact", "created_by", "ended_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedLink)
class FeedLinkAdmin(admin.ModelAdmin):
    """Calendar feed links: who made them and when; the token itself is never stored."""

    list_display = [
        "schedule",
        "contact",
        "include_methods",
        "created_at",
        "created_by",
        "revoked_at",
    ]
    list_filter = ["include_methods"]
    search_fields = ["schedule__name", "contact__name", "schedule__account__number"]
    list_select_related = ["schedule", "contact", "created_by"]
    readonly_fields = [
        "account",
        "schedule",
        "contact",
        "include_methods",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(ReadOnlyAdmin):
    """What each contact was (or will be) e-mailed about their time on call."""

    list_display = ["contact", "schedule", "rank", "gained", "start", "end", "by", "sent_at"]
    list_filter = ["gained", "schedule"]
    search_fields = ["contact__name", "schedule__name"]
    list_select_related = ["contact", "schedule", "by"]


@admin.register(GapAlert)
class GapAlertAdmin(ReadOnlyAdmin):
    """Gaps already e-mailed to the managers (not sent again within a day)."""

    list_display = ["shift", "account", "sent_at"]
    list_select_related = ["shift__schedule", "account"]
