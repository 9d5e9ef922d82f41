"""webhook_endpoint URL --events TYPE[,TYPE...] --secret-stdin   (prints the endpoint's id)
webhook_endpoint --disable ID

Registers a URL of the platform that receives signed events (docs/api.md, "Webhooks").
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import models

from webhooks.models import MIN_SECRET_LENGTH, Endpoint, EventType


def parse_events(value: str) -> list[str]:
    events = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [event for event in events if event not in EventType.values]
    if unknown or not events:
        raise CommandError(
            f"--events {value!r}: give one or more of {', '.join(EventType.values)}, "
            "separated by commas."
        )
    return list(dict.fromkeys(events))


class Command(BaseCommand):
    help = "Register a webhook endpoint of the platform (prints its id), or disable one."

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="Where events are POSTed (https://...).")
        parser.add_argument(
            "--events", metavar="TYPE[,TYPE...]", help=f"Among {', '.join(EventType.values)}."
        )
        parser.add_argument(
            "--secret-stdin",
            action="store_true",
            help="Read the signing secret from the first line of standard input.",
        )
        parser.add_argument("--description", default="")
        parser.add_argument("--disable", type=int, metavar="ID", help="Turn this endpoint off.")

    def handle(self, *args, url, events, secret_stdin, description, disable, **options):
        if disable is not None:
            if url or events or secret_stdin:
                raise CommandError("--disable ID takes no URL, --events or --secret-stdin.")
            updated = Endpoint.objects.filter(pk=disable).update(active=False)
            if not updated:
                raise CommandError(f"No webhook endpoint {disable}.")
            self.stdout.write(f"Webhook endpoint {disable} disabled.")
            return
        if not url or not events or not secret_stdin:
            raise CommandError("Give URL --events TYPE[,TYPE...] --secret-stdin (or --disable ID).")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise CommandError(f"{url!r} is not an http(s) URL.") from error
        if len(url) > _max_length("url"):
            raise CommandError("The URL is too long.")
        types = parse_events(events)
        secret = sys.stdin.readline().rstrip("\r\n")
        if len(secret) < MIN_SECRET_LENGTH:
            raise CommandError(
                f"The secret (first line of standard input) needs at least "
                f"{MIN_SECRET_LENGTH} characters."
            )
        if len(secret) > _max_length("secret"):
            raise CommandError("The secret is too long.")
        endpoint = Endpoint.objects.create(
            url=url, events=types, secret=secret, description=description[:200]
        )
        self.stderr.write(f"Webhook endpoint for {', '.join(types)} registered at {url}.")
        self.stdout.write(str(endpoint.pk))


def _max_length(name: str) -> int:
    """The longest value the endpoint's field `name` stores."""
    field = Endpoint._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length
