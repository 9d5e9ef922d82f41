from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from billing.demo import seed_billing
        from portal.registry import register_demo_seeder
        from portal.sections import Section, register

        register(
            Section(
                key="billing",
                label=_("Billing"),
                url_name="billing:history",
                description=_(
                    "Your invoices and payments with the balance after each, every invoice "
                    "as a PDF, and the billed calls of a billing cycle with their minutes."
                ),
                order=60,
                namespaces=("billing",),
            )
        )
        register_demo_seeder(50, "billing", seed_billing)
