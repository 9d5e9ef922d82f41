from decimal import Decimal

import pytest
from django.template import Context, Template

from billing.formatting import minutes_as_mmss


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        ("1.5", "01:30"),
        ("3.25", "03:15"),
        ("0.75", "00:45"),
        ("59.99", "59:59"),  # 3599.4 s, rounded to the nearest second
        ("0", "00:00"),
        ("75", "75:00"),
        ("0.01", "00:01"),  # 0.6 s
    ],
)
def test_minutes_as_mmss(minutes, shown):
    assert minutes_as_mmss(Decimal(minutes)) == shown


def test_missing_minutes_show_nothing():
    assert minutes_as_mmss(None) == ""


def test_mmss_template_filter():
    rendered = Template("{% load billing %}{{ m|mmss }}").render(Context({"m": Decimal("2.5")}))
    assert rendered == "02:30"
