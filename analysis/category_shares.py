"""Each category's market shares over time, for the market-share figure's panels: which firms
sell in a category, and their shares of the category's units, undefined (NaN) in the steps in
which the category sold nothing. /market/market_share adds up the units of every category, so a
firm selling many cheap consumables looks like the leader of a market of washing machines."""

from analysis.scenario_text import ScenarioSyntaxError, parse_scenario
from analysis.share_gaps import without_sales
from analysis.summary import in_market


def listed_categories(run):
    """{firm: [category names]} from the firms of the run's stored scenario: its `categories`,
    or every category of the run for a firm without that key; {} when the scenario cannot be
    read."""
    try:
        firms = (parse_scenario(run.scenario).get("firms") or []) if run.scenario else []
    except (ScenarioSyntaxError, AttributeError):
        return {}
    listed = {}
    for firm in firms:
        if isinstance(firm, dict) and firm.get("name") is not None:
            categories = firm.get("categories")
            listed[str(firm["name"])] = ([str(c) for c in categories]
                                         if isinstance(categories, list) else list(run.categories))
    return listed


def _recorded_in(run, category, firm):
    """Whether the run recorded a price for `firm` in `category`, or units it sold there, in any
    step (/market/by_category/price and units; 0 where the firm does not sell the category)."""
    for metric in ("price", "units"):
        frame = run.by_category.get(metric)
        if frame is not None and (category, firm) in frame.columns \
                and (frame[(category, firm)] > 0).any():
            return True
    return False


def category_firms(run, category):
    """The firms in the market (summary.in_market, in firm order) that sell in `category`: those
    whose `categories` in the run's scenario name it (every category without that key), and any
    with a price or units recorded in it (a file whose scenario cannot be read)."""
    listed = listed_categories(run)
    return [firm for firm in in_market(run)
            if category in listed.get(firm, ()) or _recorded_in(run, category, firm)]


def category_shares(run):
    """{category: DataFrame [step x firm]}: the unit share of each firm of category_firms in the
    category's sales, from /market/by_category/market_share (else computed from
    /market/by_category/units), NaN in every step where the category sold nothing (marketsim
    records 0 there: share_gaps.without_sales). Categories in which no firm in the market sells
    are left out; {} when the run recorded neither dataset."""
    shares = run.by_category.get("market_share")
    units = run.by_category.get("units")
    if shares is None and units is None:
        return {}
    result = {}
    for category in run.categories:
        firms = category_firms(run, category)
        if not firms:
            continue
        sold = units[category] if units is not None else None
        if shares is not None:
            frame = without_sales(shares[category], sold)
        else:
            frame = without_sales(sold.div(sold.sum(axis=1), axis=0).fillna(0.0), sold)
        frame = frame[firms]
        frame.columns.name = "firm"
        result[category] = frame
    return result
