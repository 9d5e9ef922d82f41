"""Recompute every rollup and denormalised column the apps keep (portal.registry)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.registry import rebuilders


class Command(BaseCommand):
    help = "Recompute the rollups (e.g. the daily call totals) from the rows they summarise."

    def handle(self, *args, **options):
        for name, rebuild in rebuilders:
            with transaction.atomic():
                rebuild()
            self.stdout.write(f"{name}: rebuilt")
