"""An amount carries its currency in the reader's locale: $1,234.56 / 1 234,56 $."""

from decimal import Decimal

import pytest
from django.utils import translation

from billing.formatting import money_text

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("en", Decimal("1234.56"), "$1,234.56"),
        ("en", Decimal("-12.5"), "-$12.50"),
        ("en", 0, "$0.00"),
        ("fr", Decimal("1234.56"), f"1{NBSP}234,56{NBSP}$"),
        ("fr", Decimal("-12.5"), f"-12,50{NBSP}$"),
    ],
)
def test_money_in_each_locale(lang, value, expected):
    with translation.override(lang):
        assert money_text(value) == expected
