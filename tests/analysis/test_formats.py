"""analysis.formats: numbers as the report shows them."""

import math

from analysis import formats


def test_kinds_of_metrics():
    assert formats.metric_kind("market_share", "fraction") == "share"
    assert formats.metric_kind("cumulative_profit", "money") == "money"
    assert formats.metric_kind("profit_per_year") == "money"  # a key result, not in /market
    assert formats.metric_kind("roi") == "ratio"
    assert formats.metric_kind("active_customers", "consumers") == "count"
    assert formats.metric_kind("market_share") == "share"


def test_each_kind():
    assert formats.money(19990.4) == "19,990" and formats.money(1.534) == "1.53"
    assert formats.money(0.0) == "0" and formats.money(-1234.0, signed=True) == "-1,234"
    assert formats.share(0.4183) == "41.8%" and formats.share(-1e-9) == "0.0%"
    assert formats.points(0.0234) == "+2.3 points" and formats.points(-1e-5) == "0.0 points"
    assert formats.count(39712.0) == "39,712" and formats.ratio(3.3123) == "3.31"
    assert formats.number(80000.0) == "80,000" and formats.number(0.12345) == "0.1235"
    assert formats.value("share", 0.02, difference=True) == "+2.0 points"
    assert formats.value("share", 0.02, spread=True) == "2.0 points"
    assert formats.value("money", 1234.5, difference=True) == "+1,234"


def test_undefined_is_na():
    for kind in ("share", "money", "count", "ratio", "number"):
        assert formats.value(kind, math.nan) == "n/a"
        assert formats.value(kind, math.nan, difference=True, spread=True) == "n/a"


def test_no_negative_zero_in_any_kind():
    """A change that rounds to nothing reads 0, never -0.0 (nor +0): a -0.0 in a table of
    changes (a swept value, or a result of a kind the package does not know) printed "-0"."""
    import numpy as np
    for zero in (-0.0, np.float64(-0.0)):
        assert formats.number(zero) == "0" and formats.number(zero, signed=True) == "0"
        assert formats.value("number", zero, difference=True) == "0"
    assert formats.number(2.0, signed=True) == "+2" and formats.number(-0.5) == "-0.5"
    assert formats.points(-0.0004) == "0.0 points" and formats.share(-0.0) == "0.0%"
    assert formats.money(-0.004, signed=True) == "0" and formats.count(-0.2) == "0"
    assert formats.ratio(-0.001, signed=True) == "0.00"


def test_a_value_zero_to_the_printed_precision_reads_as_an_exact_zero():
    """The sd of runs that all spent 6,000 is 9.6e-13 (a float's noise) in /experiment/summary,
    and exactly 0 in another design point: both read "0", not "0.00" beside "0"."""
    noise = 9.6e-13
    assert formats.money(noise) == formats.money(0.0) == "0"
    assert formats.value("money", noise, spread=True) == formats.value("money", 0.0,
                                                                        spread=True) == "0"
    assert formats.value("money", -noise, difference=True) == "0"
    assert formats.money(0.004) == "0" and formats.money(0.006) == "0.01"
    assert formats.value("share", noise, spread=True) == formats.value("share", 0.0, spread=True)
    assert formats.ratio(noise) == formats.ratio(0.0) == "0.00"  # ratios always have 2 decimals
    assert formats.count(noise) == formats.count(0.0) == "0"
