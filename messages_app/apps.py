from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "messages_app"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from messages_app import live
        from messages_app.actions import purge_messages
        from messages_app.demo import seed_messages
        from messages_app.panel import unread_panel
        from portal.registry import register_demo_seeder, register_purger
        from portal.sections import Section, register

        register(
            Section(
                key="messages",
                label=_("Messages"),
                url_name="messages:inbox",
                description=_(
                    "The messages our agents took for you in the last 60 days, with when each was "
                    "sent to whom. Search them, and download or e-mail them as Excel, CSV or PDF."
                ),
                order=10,
                namespaces=("messages",),
                panel=unread_panel,
                panel_template="messages_app/panel.html",
                home_context=live.home_context,
            )
        )
        register_purger("messages", purge_messages)
        register_demo_seeder(20, "messages", seed_messages)
