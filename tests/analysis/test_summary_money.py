"""analysis.summary.money writes money as marketsim's summary text does
(models/summary_format.cpp): the smallest unit in which it rounds to under 1000."""

import pytest

from analysis.summary import money


@pytest.mark.parametrize("value, shown", [
    (950, "950"), (999.6, "1.0k"), (12345, "12.3k"), (999949, "999.9k"), (999950, "1.00M"),
    (-2.5e6, "-2.50M"), (1.5e9, "1.50B"), (999.996e9, "1.00T"), (2.3e14, "230.00T"),
    (-1e15, "-1.00e+15"),
])
def test_money_rolls_over_to_the_next_unit(value, shown):
    assert money(value) == shown
