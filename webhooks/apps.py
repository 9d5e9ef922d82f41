from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from portal.registry import register_purger
        from portal.schedule import register_scheduled
        from webhooks.delivery import purge_events

        register_purger("webhook events", purge_events)
        # The sweeper: wakes the worker for deliveries that are overdue and held by no one.
        register_scheduled(
            "webhooks_requeue_overdue", "webhooks.tasks.requeue_overdue", "* * * * *"
        )
