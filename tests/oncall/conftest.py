"""Fixtures shared by the on-call tests: a schedule of 5201 and two of its contacts, each
with a mobile number."""

import pytest

from tests.factories import make_contact, make_schedule


@pytest.fixture
def schedule(account):
    return make_schedule(account)


@pytest.fixture
def ann(account):
    return make_contact(account, "Ann Base", ("mobile", "514-555-0101", "cell"))


@pytest.fixture
def olga(account):
    return make_contact(account, "Olga Override", ("mobile", "514-555-0101", "cell"))
