from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "calllog"
    verbose_name = _("Call log")

    def ready(self) -> None:
        from calllog.actions import purge_calls, purge_orphan_recordings
        from calllog.demo import seed_calls
        from calllog.rollup import rebuild
        from calllog.scale import CallSeeder
        from portal.registry import (
            register_demo_seeder,
            register_purger,
            register_rebuilder,
            register_scale_seeder,
        )
        from portal.sections import Section, register

        register(
            Section(
                key="calls",
                label=_("Call log"),
                url_name="calllog:list",
                description=_(
                    "Every call handled for you in the last 60 days: search by date, time, "
                    "caller or agent, listen to the recordings (“Voice”), see what each "
                    "transaction did (“Details”), and download the list."
                ),
                order=40,
                namespaces=("calllog",),
            )
        )
        register_demo_seeder(30, "calls", seed_calls)
        register_purger("calls", purge_calls)
        # After the calls: files that no row names (a killed upload), a day old.
        register_purger("orphan recordings", purge_orphan_recordings)
        register_rebuilder("call days", rebuild)
        register_scale_seeder(10, "calls", CallSeeder)
