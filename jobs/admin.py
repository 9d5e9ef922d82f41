"""Support staff follow export jobs and queued e-mail, and send a given-up e-mail again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobs.models import ExportJob, QueuedEmail


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Made by the worker for one user: looked at here, never edited."""

    list_display = ["kind", "account", "owner", "status", "created_at", "finished_at", "size"]
    list_filter = ["status", "kind", "delivery"]
    search_fields = ["account__number", "owner__username", "email_to"]
    list_select_related = ["account", "owner"]
    date_hierarchy = "created_at"
    exclude = ["file"]  # the file is the user's: served to its owner only

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QueuedEmail)
class QueuedEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "created_at", "attempts", "failed_at"]
    list_filter = [("failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipients"]
    readonly_fields = (
        "subject",
        "recipients",
        "mailer",
        "created_at",
        "attempts",
        "last_error",
        "failed_at",
    )
    fields = readonly_fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected e-mails again"))
    def send_again(self, request, queryset):
        from jobs.tasks import deliver_email

        count = 0
        for queued in queryset:
            QueuedEmail.objects.filter(pk=queued.pk).update(failed_at=None)
            deliver_email.enqueue(str(queued.pk))
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
