import io
import random
import wave
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calllog.demo import billed_minutes, billing_cycle_end, billing_cycle_start, seed_calls
from calllog.models import Call

pytestmark = pytest.mark.django_db


def test_billed_minutes_round_up_to_a_quarter_with_half_a_minute_at_least():
    assert billed_minutes(10) == Decimal("0.50")
    assert billed_minutes(60) == Decimal("1.00")
    assert billed_minutes(61) == Decimal("1.25")
    assert billed_minutes(135) == Decimal("2.25")


def test_billing_cycle_runs_from_the_20th_to_the_19th():
    assert billing_cycle_start(date(2026, 3, 19)) == date(2026, 2, 20)
    assert billing_cycle_end(date(2026, 3, 19)) == date(2026, 3, 19)
    assert billing_cycle_start(date(2026, 3, 20)) == date(2026, 3, 20)
    assert billing_cycle_end(date(2026, 12, 25)) == date(2027, 1, 19)
    assert billing_cycle_start(date(2026, 1, 5)) == date(2025, 12, 20)


def test_seed_makes_sixty_days_of_calls_with_playable_recordings_and_is_idempotent(
    account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # as seed_demo commits each
        seed_calls({5201: account}, random.Random("demo-calls"), io.StringIO())
    calls = Call.objects.for_account(account)
    count = calls.count()
    assert 60 * 5 <= count <= 60 * 20
    assert calls.retained().count() == count
    recorded = list(calls.with_recording())
    answered = calls.filter(answered_s__isnull=False).count()
    assert 0.15 * answered <= len(recorded) <= 0.45 * answered
    sample = recorded[0]
    with sample.recording.open("rb") as stored, wave.open(stored) as audio:
        assert audio.getframerate() == 8000 and audio.getnframes() >= 8000 * 8
    assert sample.recording_size < 100_000 and sample.recording_duration_s >= 8
    # Every statistics row has something to count.
    assert calls.filter(busy=True).exists()
    assert calls.filter(queued_s__isnull=True, busy=False, duration_s__gt=6).exists()
    assert calls.filter(queued_s__isnull=False, assigned_s__isnull=True, duration_s__gt=6).exists()
    assert calls.filter(assigned_s__isnull=False, answered_s__isnull=True).exists()
    assert calls.filter(hold_s__gt=10).exists() and calls.filter(patch_s__isnull=False).exists()
    assert calls.filter(direction="outbound").exists()
    assert calls.filter(kind="transaction").exclude(details={}).exists()
    # Billing: complete cycles before the current one are billed, the current one is not.
    today = timezone.localtime(timezone.now(), account.tzinfo).date()
    current_start = billing_cycle_start(today)
    assert calls.billed().exists()
    for call in calls.billed():
        local_day = timezone.localtime(call.started_at, account.tzinfo).date()
        assert local_day < current_start
        assert call.invoice_number == f"780412-{billing_cycle_end(local_day):%Y%m}"
    unbilled_recent = calls.filter(started_at__gte=timezone.now() - timedelta(days=1))
    assert not unbilled_recent.billed().exists()

    names = sorted(c.recording.name for c in recorded)
    seed_calls({5201: account}, random.Random("demo-calls"), io.StringIO())
    assert calls.count() == count
    assert sorted(c.recording.name for c in calls.with_recording()) == names
