from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app declares its export kinds in its own exports.py (jobs.exports.register).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("exports")
