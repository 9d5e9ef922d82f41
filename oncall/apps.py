from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "oncall"
    verbose_name = _("On call")

    def ready(self) -> None:
        from oncall.demo import seed_oncall
        from oncall.views import panel
        from portal.registry import register_demo_seeder
        from portal.schedule import register_scheduled
        from portal.sections import Section, register

        register(
            Section(
                key="oncall",
                label=_("On call"),
                url_name="oncall:index",
                description=_(
                    "Who our agents call, shift by shift: assign someone, replace them for a while "
                    "(override), add a comment, and save the calendar as a PDF."
                ),
                order=50,
                namespaces=("oncall",),
                panel=panel,
                panel_template="oncall/panel.html",
            )
        )
        register_demo_seeder(40, "oncall", seed_oncall)
        # Each morning, managers learn of the shifts nobody covers in the coming week.
        register_scheduled("oncall_gap_alerts", "oncall.tasks.send_gap_alerts", "0 7 * * *")
