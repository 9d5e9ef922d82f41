"""Support staff: schedules and shifts, the history read only, and "repeat this shift"."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oncall.models import Assignment, Schedule, Shift, ShiftComment


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


class ShiftAdminForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["schedule", "external_id", "starts_at", "ends_at", "ranks"]

    def clean(self):
        super().clean()
        schedule = self.cleaned_data.get("schedule")
        if schedule is not None:
            self.instance.account_id = schedule.account_id
        return self.cleaned_data


class RepeatForm(forms.Form):
    times = forms.IntegerField(label=_("How many copies"), min_value=1, max_value=52, initial=4)


def repeat_shifts(shift: Shift, step: timedelta, times: int) -> tuple[list[Shift], list[str]]:
    """Copies of `shift` every `step` (day or week), same local wall-clock times across DST."""
    tz = shift.schedule.tzinfo
    local_start = timezone.localtime(shift.starts_at, tz).replace(tzinfo=None)
    local_end = timezone.localtime(shift.ends_at, tz).replace(tzinfo=None)
    created, skipped = [], []
    for i in range(1, times + 1):
        start = timezone.make_aware(local_start + step * i, tz)
        end = timezone.make_aware(local_end + step * i, tz)
        external_id = f"{shift.external_id[:40]}@{start:%Y%m%dT%H%M}"
        with transaction.atomic():
            Schedule.objects.select_for_update().filter(pk=shift.schedule_id).first()
            copy = Shift(
                account_id=shift.account_id,
                schedule_id=shift.schedule_id,
                external_id=external_id,
                starts_at=start,
                ends_at=end,
                ranks=shift.ranks,
            )
            exists = Shift.objects.filter(
                schedule_id=shift.schedule_id, external_id=external_id
            ).exists()
            if exists or copy.overlapping_shifts().exists():
                skipped.append(f"{start:%Y-%m-%d %H:%M}")
                continue
            copy.save()
            created.append(copy)
    return created, skipped


def _repeat_action(step: timedelta, description):
    def action(modeladmin, request, queryset):
        form = RepeatForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            total, skipped = 0, []
            for shift in queryset.select_related("schedule__account"):
                made, missed = repeat_shifts(shift, step, form.cleaned_data["times"])
                total += len(made)
                skipped += missed
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

    def save_model(self, request, obj, form, change):
        obj.account_id = obj.schedule.account_id
        super().save_model(request, obj, form, change)


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
