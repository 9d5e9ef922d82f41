"""Fill the database with the demo: tenants, users and every section's data.

Idempotent: every row is written by its natural key through the same upsert code as
the platform API, so running it twice leaves the same demo.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, USERS, seed_tenants
from portal.registry import demo_seeders


class Command(BaseCommand):
    help = "Create or refresh the demo accounts, users and data (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = seed_tenants()
        for _order, name, seeder in demo_seeders:
            # A fixed seed per section: the same demo every run, whatever ran before.
            rng = random.Random(f"demo-{name}")
            with transaction.atomic():
                seeder(accounts, rng, self.stdout)
            self.stdout.write(f"  {name}: done")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {DEMO_PASSWORD})"))
        for username, first, last, _lang, roles in USERS:
            where = ", ".join(f"{number} as {role}" for number, role in roles)
            self.stdout.write(f"  {username:<8} {first} {last}: {where}")
        self.stdout.write("  support  staff, for /admin/")
