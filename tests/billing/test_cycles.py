from datetime import date

import pytest

from billing.cycles import Cycle, cycle_containing, last_complete_cycle


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 11, 22), date(2026, 10, 20), date(2026, 11, 19)),  # after the 20th
        (date(2026, 11, 20), date(2026, 10, 20), date(2026, 11, 19)),  # on the 20th
        (date(2026, 11, 15), date(2026, 9, 20), date(2026, 10, 19)),  # before the 20th
        (date(2026, 11, 19), date(2026, 9, 20), date(2026, 10, 19)),  # a cycle's last day
        (date(2027, 1, 5), date(2026, 11, 20), date(2026, 12, 19)),  # January, before the 20th
        (date(2027, 1, 25), date(2026, 12, 20), date(2027, 1, 19)),  # January, after the 20th
        (date(2027, 2, 10), date(2026, 12, 20), date(2027, 1, 19)),  # back across the year
    ],
)
def test_last_complete_cycle(today, start, end):
    assert last_complete_cycle(today) == Cycle(start, end)


def test_cycle_containing_runs_from_the_20th_to_the_19th():
    assert cycle_containing(date(2026, 12, 25)) == Cycle(date(2026, 12, 20), date(2027, 1, 19))
    assert cycle_containing(date(2026, 1, 19)) == Cycle(date(2025, 12, 20), date(2026, 1, 19))
    assert cycle_containing(date(2026, 3, 1)).contains(date(2026, 2, 28))
