"""The demo's access log: as james, "who played yesterday's recording?" has an answer."""

import io
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.demo import seed_access_log
from accounts.models import AccessEvent
from tests.conftest import signed_in
from tests.factories import make_account, make_recorded_call, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_log_says_who_played_yesterdays_recording(account):
    clinic = make_account(5202, "Westmount Medical Clinic", language="en")
    james = make_user("james", (clinic, "manager"))
    make_user("olivia", (clinic, "member"), (account, "member"))
    yesterday = timezone.localtime(timezone.now(), clinic.tzinfo) - timedelta(days=1)
    call = make_recorded_call(clinic, started_at=yesterday.replace(hour=10, minute=5))

    accounts = {5201: account, 5202: clinic}
    seed_access_log(accounts, random.Random(1), io.StringIO())
    count = AccessEvent.objects.count()
    seed_access_log(accounts, random.Random(1), io.StringIO())
    assert AccessEvent.objects.count() == count  # a second run adds nothing

    response = signed_in(james).get(f"/a/{clinic.number}/access-log/?action=played")
    (row,) = response.context["rows"]
    assert row["event"].username == "olivia"
    assert row["event"].object_id == str(call.pk)
    assert timezone.localtime(row["event"].at, clinic.tzinfo).date() == yesterday.date()
    assert row["what"] == f"Call {yesterday:%Y-%m-%d} 10:05 AM"
