"""Numbers as a reader wants them on a page: money with thousands separators, shares as
percentages, differences of shares in percentage points, counts as whole numbers, "n/a" for
what is undefined (NaN).

Each metric has a kind ("share", "money", "count", "ratio" or "number"), taken from the
`units` attribute of its dataset when known and from its name otherwise.
"""

import math

NA = "n/a"

# Units attributes of /market datasets, by kind.
_UNIT_KINDS = {"fraction": "share", "fraction per step": "share", "money": "money",
               "money per unit": "money", "money per customer": "money", "ratio": "ratio",
               "units": "count", "consumers": "count"}
# Metric names whose kind is known without a units attribute (key results of experiments).
_NAME_KINDS = {"profit_per_year": "money", "cumulative_profit": "money", "profit": "money",
               "revenue": "money", "clv": "money", "roi": "ratio"}


def missing(value):
    """True for None and NaN (an undefined statistic, such as the sd of one run)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def metric_kind(metric, units=""):
    """The kind of a metric from its units attribute, else from its name."""
    if units in _UNIT_KINDS:
        return _UNIT_KINDS[units]
    if metric in _NAME_KINDS:
        return _NAME_KINDS[metric]
    if metric.endswith(("_share", "_retention")) or metric in (
            "penetration", "awareness", "retention", "churn", "saturation", "loyalty"):
        return "share"
    if metric.endswith(("_cost", "_spend", "_price")) or metric == "price":
        return "money"
    if metric.endswith(("customers", "failures", "units", "replacements", "upgrades")) \
            or metric == "installed_base":
        return "count"
    return "number"


def money(value, signed=False, whole=False):
    """Money with thousands separators: 19,990; cents below 100 (1.53) unless `whole` (for a
    column of large amounts, where +35.61 among +19,990 would look more precise than it is).
    An amount that is zero to the cent (the sd 9.6e-13 of runs that all spent 6,000, a float's
    noise) reads "0", as an exact zero does, not "0.00"."""
    if missing(value):
        return NA
    decimals = 0 if whole or abs(value) >= 100 or value == 0 else 2
    value = _no_negative_zero(value, 1, decimals)
    if value == 0:
        decimals = 0
    sign = "+" if signed and value else ""
    return f"{value:{sign},.{decimals}f}"


def share(value, decimals=1):
    """A fraction as a percentage: 0.418 -> 41.8%."""
    if missing(value):
        return NA
    return f"{100 * _no_negative_zero(value, 100, decimals):.{decimals}f}%"


def _no_negative_zero(value, scale, decimals):
    """`value`, or 0.0 when `value` x `scale` rounds to zero at `decimals` (no "-0.0")."""
    return 0.0 if round(value * scale, decimals) == 0 else value


def points(value, signed=True):
    """A difference (or spread) of shares in percentage points: +2.3 points."""
    if missing(value):
        return NA
    value = _no_negative_zero(value, 100, 1)
    return f"{100 * value:{'+' if signed and value else ''}.1f} points"


def count(value, signed=False):
    """A count as a whole number with thousands separators: 39,712."""
    if missing(value):
        return NA
    value = _no_negative_zero(value, 1, 0)
    return f"{value:{'+' if signed and value else ''},.0f}"


def ratio(value, signed=False):
    """A ratio (ROI) with two decimals."""
    if missing(value):
        return NA
    value = _no_negative_zero(value, 1, 2)
    return f"{value:{'+' if signed and value else ''},.2f}"


def number(value, signed=False):
    """Any other number: whole numbers with separators, others to four significant digits."""
    if missing(value):
        return NA
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(
            value, "dtype"):
        return str(value)
    if value == 0:
        value = 0.0  # no "-0" (nor "+0": a zero change has no sign, as in the other kinds)
    sign = "+" if signed and value else ""
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.4g}"


def value(kind, x, difference=False, spread=False):
    """`x` formatted for its kind. A `difference` (B - A, a change against a baseline) is
    signed, in points for shares; a `spread` (an sd) is unsigned, in points for shares."""
    if kind == "share":
        return points(x, signed=difference and not spread) if difference or spread else share(x)
    function = {"money": money, "count": count, "ratio": ratio}.get(kind, number)
    return function(x, signed=difference and not spread)
