from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from calllog import observers
        from portal.sections import Section, register
        from stats import (
            rollup,
            signals,  # noqa: F401 (connects the rollup's rebuild on a zone change)
        )

        # Every call written or deleted moves its figures, in the same transaction.
        observers.observe(write=rollup.follow_write, delete=rollup.forget_calls)

        register(
            Section(
                key="stats",
                label=_("Statistics"),
                url_name="stats:statistics",
                description=_(
                    "Your call figures for any period of the last 60 days, time of day and "
                    "days of the week: calls answered, automated and abandoned, waiting and "
                    "hold times, patches and busies, with Excel and PDF downloads."
                ),
                order=70,
                namespaces=("stats",),
            )
        )
