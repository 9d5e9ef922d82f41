"""The `local` template filter shows an instant in the account's own zone, whatever the
active time zone (the template engine would otherwise convert it back)."""

import zoneinfo
from datetime import UTC, datetime
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone


def render(value, zone: str) -> str:
    account = SimpleNamespace(tzinfo=zoneinfo.ZoneInfo(zone))
    template = Template('{% load portal %}{{ value|local:account|date:"Y-m-d H:i" }}')
    return template.render(Context({"value": value, "account": account}))


def test_local_time_of_the_account_not_of_the_active_zone():
    noon_utc = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Toronto")):
        assert render(noon_utc, "America/Vancouver") == "2026-03-01 04:00"
        assert render(noon_utc, "America/Halifax") == "2026-03-01 08:00"


def test_nothing_for_no_instant():
    assert render(None, "America/Vancouver") == ""
