"""The access log is kept ACCESS_LOG_RETENTION_DAYS (365), then purged by the daily purge."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.actions import purge_access_log
from accounts.models import AccessEvent

pytestmark = pytest.mark.django_db


def event(account, days_ago: float) -> AccessEvent:
    return AccessEvent.objects.create(
        account=account,
        username="alice",
        action="viewed",
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_rows_older_than_the_retention_are_purged(account):
    old = [event(account, 366), event(account, 400)]
    kept = [event(account, 364), event(account, 1)]
    assert purge_access_log(batch_size=1) == 2
    remaining = set(AccessEvent.objects.values_list("pk", flat=True))
    assert remaining == {e.pk for e in kept}
    assert not remaining & {e.pk for e in old}


def test_the_retention_is_a_setting(account, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    event(account, 31)
    event(account, 29)
    assert purge_access_log() == 1


def test_the_daily_purge_purges_the_access_log_by_its_own_retention(account):
    event(account, 90)  # older than the 60 days of messages and calls, kept
    event(account, 370)
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "access log: 1 removed" in out.getvalue()
    assert AccessEvent.objects.count() == 1
