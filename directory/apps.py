from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "directory"
    verbose_name = _("Directory and information pages")

    def ready(self) -> None:
        from directory.demo import seed_directory
        from portal.registry import register_demo_seeder
        from portal.sections import Section, register

        register(
            Section(
                key="directory",
                label=_("Directory"),
                url_name="directory:directory",
                description=_(
                    "The people our agents reach for you and how to reach them. "
                    "Something to change? Send us a request from the page."
                ),
                order=20,
                namespaces=("directory",),
            )
        )
        register(
            Section(
                key="info",
                label=_("Information pages"),
                url_name="info:list",
                description=_(
                    "What our agents read when they answer for you: greetings, procedures, hours. "
                    "Ask for a change from any page."
                ),
                order=30,
                namespaces=("info",),
            )
        )
        register_demo_seeder(10, "directory", seed_directory)
