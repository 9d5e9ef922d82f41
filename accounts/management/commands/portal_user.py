"""portal_user USERNAME --email EMAIL [--password-stdin] --account NUMBER[:ROLE] ...

Creates or updates a client user and sets their memberships (docs/api.md, "Client users and roles").
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Account, Membership, User
from accounts.roles import Role


def parse_account(value: str) -> tuple[int, str]:
    number, _sep, role = value.partition(":")
    role = role or Role.MEMBER
    if not number.isdigit():
        raise CommandError(f"--account {value!r}: the account number must be digits.")
    if role not in Role.values:
        raise CommandError(
            f"--account {value!r}: the role must be one of {', '.join(Role.values)}."
        )
    return int(number), role


class Command(BaseCommand):
    help = "Create or update a client user and their account memberships."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default=None)
        parser.add_argument("--first-name", default=None)
        parser.add_argument("--last-name", default=None)
        parser.add_argument("--language", choices=["fr", "en"], default=None)
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        parser.add_argument(
            "--account",
            action="append",
            default=[],
            metavar="NUMBER[:ROLE]",
            help="An account to open, with role manager, member (default) or billing. Repeatable.",
        )
        parser.add_argument(
            "--only",
            action="store_true",
            help="Remove memberships of accounts not named by --account.",
        )

    def handle(self, *args, username, email, password_stdin, account, only, **options):
        wanted = [parse_account(value) for value in account]
        accounts = {a.number: a for a in Account.objects.filter(number__in=[n for n, _r in wanted])}
        missing = sorted({n for n, _r in wanted} - accounts.keys())
        if missing:
            raise CommandError(f"No such account: {', '.join(map(str, missing))}.")
        if email is not None:
            try:
                validate_email(email)
            except ValidationError as error:
                raise CommandError(f"--email {email!r} is not a valid e-mail address.") from error
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: standard input gave an empty password.")

        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            for field in ("email", "first_name", "last_name", "language"):
                value = email if field == "email" else options.get(field)
                if value is not None:
                    setattr(user, field, value)
            if password is not None:
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()
            for number, role in wanted:
                Membership.objects.update_or_create(
                    user=user, account=accounts[number], defaults={"role": role}
                )
            if only:
                user.memberships.exclude(account__number__in=accounts.keys()).delete()

        verb = "Created" if created else "Updated"
        roles = ", ".join(
            f"{m.account.number}:{m.role}" for m in user.memberships.select_related("account")
        )
        self.stdout.write(f"{verb} {username}" + (f" ({roles})" if roles else " (no account)"))
