"""Fill a PostgreSQL database at ten times a real answering service (accounts/scale.py)."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts import scale


class Command(BaseCommand):
    help = (
        "Seed 1,000 accounts, 1.2 million calls and 600,000 messages over 60 days (PostgreSQL, "
        "a fresh database): the data `make bench` measures the portal at."
    )

    def add_arguments(self, parser):
        defaults = scale.ScaleSize()
        parser.add_argument("--accounts", type=int, default=defaults.accounts)
        parser.add_argument("--calls", type=int, default=defaults.calls)
        parser.add_argument("--messages", type=int, default=defaults.messages)
        parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            default=None,
            help="the moment the 60 days end (ISO 8601 with an offset); default: now",
        )

    def handle(self, *args, accounts, calls, messages, seed, now, **options):
        if accounts < 1 or calls < 0 or messages < 0:
            raise CommandError("--accounts must be at least 1, --calls and --messages at least 0.")
        if now is not None and now.tzinfo is None:
            raise CommandError("--now needs a UTC offset, e.g. 2026-03-22T12:00:00+00:00.")
        size = scale.ScaleSize(accounts=accounts, calls=calls, messages=messages, seed=seed)
        try:
            report = scale.seed(size, now=now, stdout=self.stdout, progress=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{count} {name}" for name, count in report.rows.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {report.accounts} accounts, {rows} in {report.seconds['total']:.0f} s "
                f"(rows: {report.seconds['rows']:.0f} s)."
            )
        )
        self.stdout.write(
            f"Biggest account: {scale.BIG_NUMBER}; sign in as {scale.BENCH_USER} / "
            f"{scale.BENCH_PASSWORD}."
        )
