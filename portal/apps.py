from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import db
        from portal.schedule import register_scheduled

        # Rows Python cannot load (a year after 9999) are read as the range's bound.
        db.connect()

        # What every section registered as past its retention (portal/registry.py):
        # messages, calls and recordings, webhook events, the access log, ended sessions.
        register_scheduled("purge_expired", "portal.tasks.purge_expired", "30 3 * * *")
