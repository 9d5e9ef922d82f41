from django.core.management.base import BaseCommand

from api.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for the call-centre platform; the token is printed once, last."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who or what uses the token, e.g. 'platform-prod'.")

    def handle(self, *args, name, **options):
        token, secret = ApiToken.issue(name)
        self.stdout.write(f"Token {token.name!r} created. Keep it now: it is never shown again.")
        self.stdout.write(secret)
