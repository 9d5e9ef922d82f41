from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app declares its export kinds in its own exports.py (jobs.exports.register).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("exports")

        # Exports too big to wait for reach the worker through portal/background.py.
        from jobs.exports import start_export
        from portal.background import register_starter

        register_starter(start_export)

        from portal.schedule import register_scheduled

        # Export files past EXPORT_RETENTION_HOURS, interrupted jobs, left-over attachments.
        register_scheduled(
            "delete_expired_exports", "jobs.tasks.delete_expired_exports", "*/15 * * * *"
        )
        # The worker's finished task results past TASK_RESULTS_KEPT_DAYS.
        register_scheduled("prune_task_results", "jobs.tasks.prune_task_results", "15 4 * * *")
