"""The caller search reads a stored digits column that the database keeps, with an index."""

import pytest
from django.db import connection

from calllog.models import Call
from tests.factories import make_call

pytestmark = pytest.mark.django_db


def test_the_digits_column_follows_the_number_on_create_and_update(account):
    call = make_call(account, caller_number="+1 (514) 555-0199 poste 12")
    call.refresh_from_db()
    assert call.caller_digits == "15145550199" + "12"
    Call.objects.filter(pk=call.pk).update(caller_number="450.555.0100")
    call.refresh_from_db()
    assert call.caller_digits == "4505550100"


@pytest.mark.parametrize(
    "typed", ["514555", "514 555", "(514) 555-01", "514.555.0199", "1-514-555-0199"]
)
def test_caller_search_finds_the_digits_however_they_are_written(account, typed):
    wanted = make_call(account, caller_number="+1 (514) 555-0199")
    make_call(account, caller_number="438-555-0199")
    make_call(account, caller_number="")
    assert list(Call.objects.for_account(account).from_caller(typed)) == [wanted]


def test_caller_search_without_digits_looks_at_the_name(account):
    wanted = make_call(account, caller_name="Geneviève Bérubé", caller_number="5145550100")
    make_call(account, caller_name="Marc Lefebvre")
    assert list(Call.objects.for_account(account).from_caller("bérubé")) == [wanted]


def test_caller_search_stays_in_the_account(account, other_account):
    make_call(other_account, caller_number="514-555-0199")
    assert not Call.objects.for_account(account).from_caller("514555").exists()


def test_the_digits_have_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'calllog_call' "
            "AND indexname = 'call_caller_digits_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition
    assert "caller_digits gin_trgm_ops" in definition
