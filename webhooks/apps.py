from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from portal.registry import register_purger
        from webhooks.delivery import purge_events

        register_purger("webhook events", purge_events)
