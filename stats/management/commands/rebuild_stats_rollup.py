"""Recompute the statistics rollup from the calls, or check it (stats/rollup.py).

Run it after loading calls without the portal's write functions (a bulk load, COPY, a
restore), or with --check to report any difference without writing.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from stats.rollup import drift, rebuild


class Command(BaseCommand):
    help = "Rebuild (or --check) the statistics rollup from the calls."

    def add_arguments(self, parser):
        parser.add_argument(
            "--account",
            type=int,
            action="append",
            dest="numbers",
            help="An account number (repeat for several); default: every account.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Report differences, write nothing."
        )

    def handle(self, *args, numbers=None, check=False, **options):
        ids = None
        if numbers:
            found = dict(Account.objects.filter(number__in=numbers).values_list("number", "pk"))
            missing = sorted(set(numbers) - found.keys())
            if missing:
                raise CommandError(f"No account {', '.join(map(str, missing))}.")
            ids = list(found.values())
        if check:
            differences = drift(ids)
            for line in differences[:50]:
                self.stdout.write(line)
            if differences:
                raise CommandError(
                    f"The rollup differs from the calls in {len(differences)} cells."
                )
            self.stdout.write("The statistics rollup matches the calls.")
            return
        cells = rebuild(ids)
        self.stdout.write(f"Statistics rollup rebuilt: {cells} cells.")
