"""List the stored rows that break the intake rules; with --fix, repair or remove them.

See portal/integrity.py for the rules and the repairs, docs/operations.md for when to
run it.
"""

from django.core.management.base import BaseCommand

from portal.integrity import findings


class Command(BaseCommand):
    help = (
        "List stored rows the portal cannot show as they are (instants or dates outside "
        "1970..2099, control characters, JSON too deep or too large); --fix repairs them "
        "(clamps, strips, empties) or removes a row whose repair is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Repair (or remove) the rows listed."
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="List at most this many rows per column."
        )

    def handle(self, *args, fix, limit, **options):
        found = findings(limit=limit)
        if not found:
            self.stdout.write("No stored row breaks the intake rules.")
            return
        repaired = removed = 0
        for finding in found:
            rule = finding.rule
            shown = ", ".join(str(pk) for pk in finding.pks[:50])
            more = f" (and {len(finding.pks) - 50} more)" if len(finding.pks) > 50 else ""
            self.stdout.write(f"{rule.label}: {rule.problem}: rows {shown}{more}")
            if fix:
                for pk in finding.pks:
                    if rule.fix(pk) == "repaired":
                        repaired += 1
                    else:
                        removed += 1
        if fix:
            self.stdout.write(f"Repaired {repaired} values, removed {removed} rows.")
        else:
            self.stdout.write("Run again with --fix to repair them.")
