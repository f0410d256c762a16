"""The summary table of a run (the same figures as `marketsim summarize`) and its formatting."""

import math

import pandas as pd

from analysis.durables import run_early_share
# The run's period as the summary's sentences name it ("In the last week"): analysis.periods
# holds the rule; summary.period and summary.PERIODS stay importable from here.
from analysis.periods import PERIODS, period  # noqa: F401
from analysis.scenario_text import ScenarioSyntaxError, branched, parse_scenario, run_shocks

# (column, metric in /market, heading) of the summary table, in order.
COLUMNS = [
    ("market_share", "market_share", "market share"),
    ("customer_share", "customer_share", "customer share"),
    ("penetration", "penetration", "penetration"),
    ("awareness", "awareness", "awareness"),
    ("profit", "cumulative_profit", "profit (cumul.)"),
    ("profit_per_year", None, "profit per year"),
    ("roi", "roi", "ROI"),
]
MONEY = {"profit", "profit_per_year"}
PERCENT = {"market_share", "customer_share", "penetration", "awareness"}


# The last steps over which the segment leaders (segment_leaders) and the segment heatmap sum
# each segment's units in a file that does not say its steps per year: a quarter of weekly steps.
SEGMENT_WINDOW = 13


def segment_window(steps_per_year):
    """The steps over which the segment leaders and the segment heatmap sum each segment's
    units: a quarter of a year, rounded to the nearest (13 weeks, 3 months, 91 days), at least one
    step; SEGMENT_WINDOW when the file does not say. As `marketsim summarize`
    (models/summary_format.cpp, segment_window)."""
    if not steps_per_year or steps_per_year <= 0:
        return SEGMENT_WINDOW
    return max(1, (int(steps_per_year) + 2) // 4)  # integers: C++ rounds alike


# What a firm that took no part in the run is called, and why, as `marketsim summarize` says it.
NOT_IN_MARKET = "not in market"
NOT_IN_MARKET_WHY = "sold nothing and spent nothing during the run"
# Below this cumulative marketing money (one cent) ROI is undefined (n/a), as in marketsim.
MIN_ROI_SPEND = 0.01
# The money ROI divides cumulative profit by, as marketsim defines /market/roi: marketing spend
# and the loyalty and referral programs' rewards (older files recorded spend alone).
ROI_MONEY = ("marketing_spend", "loyalty_cost", "referral_cost")


def _absent_by_entries(run):
    """The firms the stored scenario keeps out of the whole run, as marketsim applies entries
    and exits (`in_market_in_run` in models/shocks.cpp): a firm with an `enter` shock is out from
    the start (unless an enabled one comes at step 0), then in and out as its enabled entries and
    exits apply, in step order; None when the run has no readable scenario with firms."""
    if not getattr(run, "scenario", None):
        return None
    try:
        tree = parse_scenario(run.scenario)
    except ScenarioSyntaxError:
        return None
    if not isinstance(tree, dict) or not isinstance(tree.get("firms"), list):
        return None
    steps = len(run.steps)
    shocks = run_shocks(run.scenario, steps)
    absent = []
    for firm in run.firms:
        # (applied: enabled, at a step the run reached)
        mine = [(step, shock, applied) for step, _, shock, applied in shocks
                if str(shock.get("firm", "")) == firm and shock.get("kind") in ("enter", "exit")]
        active = not any(shock.get("kind") == "enter" and (step > 0 or not applied)
                         for step, shock, applied in mine)
        moves = sorted(((step, shock) for step, shock, applied in mine if applied),
                       key=lambda move: move[0])
        at, ever = 0, False
        for step, shock in moves:
            ever = ever or (active and step > at)
            active, at = shock.get("kind") == "enter", step
        if not (ever or (active and at < steps)):
            absent.append(firm)
    return absent


def not_in_market(run):
    """The firms that took no part in the run (one that never entered, say), in firm order, by
    the stored scenario's entries and exits as `marketsim summarize` reads them (a firm with no
    budget that nobody heard of still took part). A file without a readable scenario: the firms
    that over the whole run sold nothing (the sum of /market/units is 0), spent nothing on
    marketing (the sum of /market/marketing_spend is 0) and whose last cumulative profit is 0;
    a series the run did not record counts as nothing; [] when it recorded none of the three."""
    absent = _absent_by_entries(run)
    if absent is not None:
        return absent
    present = [m for m in ("units", "marketing_spend", "cumulative_profit") if m in run.market]
    if not present:
        return []
    zero = [0.0] * len(run.firms)
    units = _total(run, "units") if "units" in run.market else zero
    spend = _total(run, "marketing_spend") if "marketing_spend" in run.market else zero
    profit = _last(run, "cumulative_profit") if "cumulative_profit" in run.market else zero
    return [firm for firm, u, s, p in zip(run.firms, units, spend, profit)
            if not (u > 0 or s > 0 or p != 0)]


def roi_money(run):
    """Per firm, in firm order, the money ROI is a return on, over the run: the sum of those of
    ROI_MONEY the run recorded (marketing spend and program rewards); None when it recorded
    none of them."""
    present = [m for m in ROI_MONEY if m in run.market]
    if not present:
        return None
    return sum(_total(run, m) for m in present)


def roi_over_time(run):
    """/market/roi as a [step x firm] frame with NaN where ROI is undefined: in the steps before
    the firm's cumulative marketing money (roi_money's datasets, summed up to the step) reaches
    MIN_ROI_SPEND. marketsim records 0 there (the dataset's description says so); the summary's
    n/a is this rule at the last step."""
    present = [m for m in ROI_MONEY if m in run.market]
    roi = run.market["roi"]
    if not present:
        return roi
    spent = sum(run.market[m] for m in present).cumsum()
    return roi.where(spent >= MIN_ROI_SPEND)


# /market figures that marketsim records as 0 where they are undefined (their datasets'
# descriptions say so; `marketsim summarize` prints n/a): those of a firm's buyers while nobody
# has bought from it, and shares of the step's sales in a step where nothing sold.
WITHOUT_BUYERS = ("customer_share", "share_of_wallet", "purchases_per_buyer", "loyalty")
WITHOUT_SALES = ("market_share", "value_share")


def as_defined(run, metric):
    """/market/<metric> as a [step x firm] frame with NaN where the figure is undefined and
    marketsim records 0, by the rules of `marketsim summarize`: ROI without marketing money
    (roi_over_time); a WITHOUT_BUYERS figure of a firm in the steps before anyone bought from it
    (none of its units sold up to the step, by /market/units, else /market/customers 0); a
    WITHOUT_SALES figure in a step where no firm sold anything. Any other metric as recorded."""
    frame = run.market[metric]
    if metric == "roi":
        return roi_over_time(run)
    if metric in WITHOUT_BUYERS:
        if "units" in run.market:
            return frame.where(run.market["units"].cumsum() > 0)
        if "customers" in run.market:
            return frame.where(run.market["customers"] > 0)
    if metric in WITHOUT_SALES and "units" in run.market:
        return frame.where(run.market["units"].sum(axis=1) > 0, axis=0)
    return frame


def in_market(run):
    """The firms that took part in the run (every firm but those of not_in_market), in order."""
    out = set(not_in_market(run))
    return [firm for firm in run.firms if firm not in out]


def not_in_market_note(firms):
    """The note a figure or table carries for the firms it leaves out: "LongLife: not in market
    (sold nothing and spent nothing during the run)"; "" for none."""
    if not firms:
        return ""
    names = firms[0] if len(firms) == 1 else ", ".join(firms[:-1]) + " and " + firms[-1]
    return f"{names}: {NOT_IN_MARKET} ({NOT_IN_MARKET_WHY})"


def scale_note(run):
    """The sentence `marketsim summarize` prints for a run of a scaled market (the scenario key
    `scale`); "" for scale 1 and for files of older versions."""
    scale = float(run.attrs.get("scale", 1.0))
    if scale == 1.0:
        return ""
    return (f"The market at scale {scale:g}: {scale:g} times the scenario's consumers, budgets, "
            f"fixed costs and reference volumes. Money and unit totals are about {scale:g} times "
            "the full market's; shares, penetration, prices and ROI compare with it directly.")


def summary_table(run):
    """One row per firm: strategy and the last step's shares, penetration, profit and ROI, and
    profit per year (cumulative profit over the years simulated, as `marketsim summarize`); the
    column in_market is False for a firm that took no part in the run (not_in_market). The
    run's steps per year ride along in table.attrs["steps_per_year"], for reading's words."""
    table = pd.DataFrame({"firm": run.firms, "strategy": run.strategies})
    for column, metric, _ in COLUMNS:
        if metric is None:
            continue
        # Undefined figures are n/a, as `marketsim summarize` shows them (as_defined): customer
        # share without buyers, market shares in a last step where nothing sold, ROI without
        # marketing money.
        if metric in run.market and len(run.steps):
            table[column] = as_defined(run, metric).iloc[-1].reindex(run.firms).to_numpy()
        else:
            table[column] = float("nan")
    years = len(run.steps) / run.steps_per_year if run.steps_per_year else 0
    table["profit_per_year"] = table["profit"] / years if years else float("nan")
    table["in_market"] = table["firm"].isin(in_market(run))
    table = table[["firm", "strategy"] + [c for c, _, _ in COLUMNS] + ["in_market"]]
    table.attrs["steps_per_year"] = run.steps_per_year
    # The units the last step's market shares are shares of, for shares_level (0: unknown).
    table.attrs["units_last_step"] = (float(run.market["units"].iloc[-1].sum())
                                      if "units" in run.market and len(run.steps) else 0.0)
    return table


# The units money() shortens to, each with its decimals (as marketsim's summary text has them).
_MONEY_UNITS = [(1.0, "", 0), (1e3, "k", 1), (1e6, "M", 2), (1e9, "B", 2), (1e12, "T", 2)]


def money(x):
    """Money in a short form: 1.18M, 12.3k, 950, in the smallest unit in which it rounds to under
    1000 (999,950 is 1.00M, not 1000.0k); from 999.995 trillion on, an exponent (1.00e+15)."""
    if not math.isfinite(x):
        return f"{x:.0f}"
    for size, suffix, decimals in _MONEY_UNITS:
        if abs(x) / size >= 1000:
            continue
        shown = f"{x / size:.{decimals}f}"
        if abs(float(shown)) < 1000:
            return shown + suffix
    return f"{x:.2e}"


def percent(x):
    """A fraction as a percentage, "n/a" where it is undefined (NaN)."""
    return "n/a" if pd.isna(x) else f"{100 * x:.1f}%"


def formatted(table):
    """The table with every number as display text (percentages, short money, 2-decimal ROI);
    a firm not in the market has "not in market" in its first column and the others blank."""
    out = table.drop(columns=["in_market"], errors="ignore").copy()
    for column, _, _ in COLUMNS:
        if column in PERCENT:
            out[column] = [percent(v) for v in table[column]]
        elif column in MONEY:
            out[column] = [money(v) for v in table[column]]
        else:
            out[column] = ["n/a" if pd.isna(v) else f"{v:.2f}" for v in table[column]]
    if "in_market" in table.columns:
        absent = ~table["in_market"].astype(bool)
        out.loc[absent, [c for c, _, _ in COLUMNS]] = ""
        out.loc[absent, COLUMNS[0][0]] = NOT_IN_MARKET
    return out.rename(columns={c: h for c, _, h in COLUMNS})


# Leader and runner-up are level when they differ by less than this: half a percentage point of
# a share (or, for shares of units, what chance alone moves them: shares_level), or 1% of the
# larger absolute profit (the rules `marketsim summarize` uses).
LEVEL_SHARE = 0.005
LEVEL_PROFIT = 0.01


def shares_level(a, b, units):
    """Whether shares `a` >= `b` of the same `units` units are level: less than LEVEL_SHARE
    apart, or apart by less than twice the standard error of the gap between two shares of
    `units` independent purchases, sqrt((a + b - (a - b)^2) / units); `units` 0 or unknown:
    LEVEL_SHARE alone. models/summary.hpp's shares_level says the same."""
    gap = a - b
    if gap < LEVEL_SHARE:
        return True
    return bool(units and units > 0 and gap < 2.0 * math.sqrt(max(0.0, a + b - gap * gap) / units))


def reading(table, steps_per_year=None):
    """The plain-language reading of the summary table, one sentence a line, over the firms in
    the market only: the only firm, or for market share, customer share and profit either the
    leader or, when the runner-up is level with it, both. A firm whose figure is undefined (NaN:
    customer share without buyers) is not ranked on it, and a figure that no firm has is not
    read. The last step is called by the run's period ("In the last week"): of
    `steps_per_year`, by default the table's own (summary_table's attrs), else "step"."""
    if steps_per_year is None:
        steps_per_year = table.attrs.get("steps_per_year")
    last = f"In the last {period(steps_per_year)}, "
    rows = table[table["in_market"].astype(bool)] if "in_market" in table.columns else table
    rows = list(rows.itertuples(index=False))
    if not rows:
        return []
    if len(rows) == 1:
        return [f"{rows[0].firm} ({rows[0].strategy}) is the only firm in the market."]

    def top_two(column):
        """(leader, runner-up, their values) among the firms whose `column` is defined (not
        NaN); runner-up and its value None with one such firm; None with none."""
        ordered = sorted((r for r in rows if not pd.isna(getattr(r, column))),
                         key=lambda r: -getattr(r, column))  # stable: first firm on ties
        if not ordered:
            return None
        a, b = ordered[0], ordered[1] if len(ordered) > 1 else None
        return a, b, getattr(a, column), None if b is None else getattr(b, column)

    def both(a, b):
        return f"{a.firm} ({a.strategy}) and {b.firm} ({b.strategy})"

    lines = []
    if not any(r.market_share > 0 for r in rows):  # every firm gone, or nobody buying
        lines.append(f"{last}no firm sold anything.")
    else:
        a, b, x, y = top_two("market_share")
        units = table.attrs.get("units_last_step", 0.0)
        lines.append(f"{last}{both(a, b)} sold about as many units: {percent(x)} "
                     f"and {percent(y)} of the market."
                     if b is not None and shares_level(x, y, units) else
                     f"{last}{a.firm} ({a.strategy}) sold the most units: "
                     f"{percent(x)} of the market.")
        top = top_two("customer_share")
        if top is not None:  # some firm has buyers
            a, b, x, y = top
            lines.append(f"{both(a, b)} won about the same share of their own buyers' category "
                         f"purchases: {percent(x)} and {percent(y)}."
                         if b is not None and x - y < LEVEL_SHARE
                         else f"{a.firm} ({a.strategy}) won the largest share of its own "
                         f"buyers' category purchases: {percent(x)}.")
    top = top_two("profit")
    if top is None:
        return lines
    a, b, x, y = top
    if x < 0:  # nobody "earned" anything
        lines.append(f"Over the run, every firm lost money; {a.firm} ({a.strategy}) lost the "
                     f"least: {money(x)}.")
    else:
        lines.append(f"Over the run, {both(a, b)} earned about the same: {money(x)} and "
                     f"{money(y)}."
                     if b is not None and x - y < LEVEL_PROFIT * max(abs(x), abs(y)) else
                     f"Over the run, {a.firm} ({a.strategy}) earned the most: {money(x)}.")
    return lines


def _segment_unit_grid(run, window=None):
    """The units each segment bought from each firm over the last `window` steps (by default
    segment_window's quarter of a year; every step in a shorter run): DataFrame [segment x
    firm], sums of /segments/units."""
    units = run.segments["units"]
    window = min(segment_window(run.steps_per_year) if window is None else window, len(units))
    totals = units.iloc[-window:].sum()
    return pd.DataFrame([[totals[(s, f)] for f in run.firms] for s in run.segment_names],
                        index=run.segment_names, columns=run.firms, dtype=float)


def segment_units(run, window=None):
    """The units each segment bought over segment_shares' window: Series [segment]."""
    return _segment_unit_grid(run, window).sum(axis=1)


def segment_shares(run, window=None):
    """Each firm's share of the units each segment bought over the last `window` steps (by default
    segment_window's quarter of a year; every step in a shorter run), as `marketsim summarize` names
    the segment leaders: sums of /segments/units, not a mean of the weekly shares, in which a week
    without purchases would count as 0% for every firm. DataFrame [segment x firm]; NaN for a
    segment that bought nothing in those steps."""
    grid = _segment_unit_grid(run, window)
    bought = grid.sum(axis=1)
    return grid.div(bought.where(bought > 0), axis=0)


def segment_leaders(run, window=None):
    """The sentence of `marketsim summarize` that names, for each segment, the firm in the market
    with the largest share of the units it bought over the last `window` steps (segment_shares),
    or both when the runner-up is level with it (shares_level); "" for a run of fewer than two
    segments or without /segments/units."""
    if len(run.segment_names) < 2 or "units" not in run.segments:
        return ""
    shares = segment_shares(run, window).fillna(0.0)
    bought = segment_units(run, window)
    strategy = dict(zip(run.firms, run.strategies))
    named = lambda firm: f"{firm} ({strategy[firm]})"  # noqa: E731
    parts = []
    for segment in run.segment_names:
        row = shares.loc[segment]
        ordered = sorted(in_market(run), key=lambda firm: -row[firm])  # stable: first on ties
        if not ordered or row[ordered[0]] <= 0:
            parts.append(f"{segment}, no units bought")
        elif len(ordered) > 1 and shares_level(row[ordered[0]], row[ordered[1]],
                                               bought[segment]):
            a, b = ordered[:2]
            parts.append(f"{segment}, {named(a)} and {named(b)} level with {percent(row[a])} "
                         f"and {percent(row[b])}")
        else:
            parts.append(f"{segment}, {named(ordered[0])} with {percent(row[ordered[0]])}")
    steps = min(segment_window(run.steps_per_year) if window is None else window,
                len(run.steps))
    unit = period(run.steps_per_year)
    when = f"in the last {unit}" if steps == 1 else f"over the last {steps} {unit}s"
    return f"By segment, the largest share of the units bought {when}: {'; '.join(parts)}."


def no_roi_note(table):
    """The note for firms in the market whose ROI is n/a (no marketing money: spend or program
    rewards), as `marketsim summarize` words it; "" for none."""
    rows = table[table["roi"].isna()]
    if "in_market" in table.columns:
        rows = rows[rows["in_market"].astype(bool)]
    firms = list(rows["firm"])
    if not firms:
        return ""
    names = firms[0] if len(firms) == 1 else ", ".join(firms[:-1]) + " and " + firms[-1]
    return f"ROI is n/a for {names}: with no marketing money spent (under 0.01) it is undefined."


def format_summary(table):
    """The summary table as aligned text, followed by a plain-language reading of it (reading)."""
    lines = [formatted(table).to_string(index=False)]
    words = reading(table) + [no_roi_note(table)]
    if any(words):
        lines.append("")
        lines += [w for w in words if w]
    return "\n".join(lines)


# ---- the customer-relationships and durable-goods tables of `marketsim summarize` ----

# Metrics that count lapses: an owner of a working durable rebuys only when it fails or to upgrade
# it, so it "lapses" without being lost; for a firm that sells only durables these measure
# nothing. The columns of relationships_table ("retention per step" whatever the run's period).
LAPSE_COLUMNS = ("lost customers", "retention per step", "CLV", "referred retention")


# The columns of relationships_table that are undefined for a firm nobody bought from
# (firms_without_buyers), as `marketsim summarize` prints them n/a ("nobody bought from it").
NO_BUYERS_COLUMNS = ("share of wallet", "purchases per buyer", "retention per step", "CLV")


def firms_without_buyers(run):
    """The firms that nobody bought from during the run (no units sold, by /market/units; else
    no customers at the last step), in firm order: their buyers' figures are undefined, as
    `marketsim summarize` says ("n/a for ...: nobody bought from it"). [] when the run recorded
    neither."""
    if "units" in run.market:
        bought = run.market["units"].sum()
    elif "customers" in run.market and len(run.steps):
        bought = run.market["customers"].iloc[-1]
    else:
        return []
    return [firm for firm in run.firms if not bought[firm] > 0]


def _last(run, metric):
    return run.market[metric].iloc[-1].reindex(run.firms).to_numpy(dtype=float)


def _total(run, metric):
    return run.market[metric].sum().reindex(run.firms).to_numpy(dtype=float)


def durable_only_firms(run):
    """The firms in the market whose every category is durable: from each firm's `categories` in
    the run's scenario, else from the categories it sold in. [] when the run has no durable
    category. A firm not in the market (not_in_market) sells nothing, so it is never listed."""
    kinds = dict(zip(run.categories, run.category_kinds))
    if "durable" not in kinds.values():
        return []
    listed = {}
    try:
        for firm in (parse_scenario(run.scenario).get("firms") or []) if run.scenario else []:
            if isinstance(firm, dict) and isinstance(firm.get("categories"), list):
                listed[str(firm.get("name"))] = firm["categories"]
    except (ScenarioSyntaxError, AttributeError):
        listed = {}
    units = run.by_category.get("units")
    found = []
    for firm in in_market(run):
        categories = listed.get(firm)
        if categories is None and units is not None:
            categories = [c for c in run.categories if units[(c, firm)].sum() > 0]
        if categories and all(kinds.get(c) == "durable" for c in categories):
            found.append(firm)
    return found


# The referral columns of relationships_table: blank (NaN) for a firm without a referral program
# (referral_program_firms), as `marketsim summarize` leaves them.
REFERRAL_COLUMNS = ("referred customers", "referred retention")


def referral_program_firms(run):
    """The firms with a referral program, by `marketsim summarize`'s rule: a `referral_program`
    block in the firm's entry of the run's resolved scenario (with its --set changes) that
    multiplies word of mouth or pays a reward (multiplier other than 1, its default 2; reward
    other than 0, its default 1), before a `branch:` block's step or after it (its `set` applied).
    A block with multiplier 1 and reward 0 is no program ("programs off"), though marketsim still
    tags the customers word of mouth brought in as referred. Every firm when the run has no
    readable scenario (nothing says otherwise), as summarize."""
    try:
        tree = parse_scenario(run.scenario) if run.scenario else None
        firms = (tree or {}).get("firms")
    except (ScenarioSyntaxError, AttributeError):
        firms = None
    if not isinstance(firms, list):
        return list(run.firms)

    def has_program(firm):
        program = firm.get("referral_program") if isinstance(firm, dict) else None
        if not isinstance(program, dict):
            return False
        try:
            return (float(program.get("multiplier", 2.0)) != 1.0
                    or float(program.get("reward", 1.0)) != 0.0)
        except (TypeError, ValueError):
            return True

    having = {str(firm.get("name")) for version in (firms, branched(tree, "firms", firms))
              for firm in version if has_program(firm)}
    return [firm for firm in run.firms if firm in having]


def relationships_table(run):
    """The customer-relationships table of `marketsim summarize`, one row per firm (None when the
    run did not record /market/share_of_wallet): share of wallet, purchases per buyer and active
    customers at the last step, lost customers over the run, retention and CLV at the last step,
    loyalty and referral program cost over the run, and, when the customers of a firm with a
    referral program were tagged as referred (the rule of `marketsim summarize`), referred
    customers and their retention,
    NaN (blank in the report, as summarize leaves them) for a firm without a referral program
    (referral_program_firms). Lapse-based columns are NaN for firms that sell
    only durables (see LAPSE_COLUMNS); share of wallet, purchases per buyer, retention and CLV
    are NaN for a firm nobody bought from (NO_BUYERS_COLUMNS), as `marketsim summarize` prints
    n/a for them.

    Retention is the column "retention per step" whatever the run's period: users' scripts read
    it by that name. What is shown says the period instead ("retention per week", as the report
    and `marketsim summarize` head it)."""
    if "share_of_wallet" not in run.market:
        return None
    zeros = [0.0] * len(run.firms)
    get = lambda how, metric: how(run, metric) if metric in run.market else zeros  # noqa: E731
    table = pd.DataFrame({
        "firm": run.firms,
        "share of wallet": get(_last, "share_of_wallet"),
        "purchases per buyer": get(_last, "purchases_per_buyer"),
        "active customers": get(_last, "active_customers"),
        "lost customers": get(_total, "lost_customers"),
        "retention per step": get(_last, "retention"),
        "CLV": get(_last, "clv"),
        "programs cost": [a + b for a, b in zip(get(_total, "loyalty_cost"),
                                                get(_total, "referral_cost"))],
    })
    referred = get(_last, "referred_customers")
    programs = referral_program_firms(run)
    if any(v > 0 and firm in programs for v, firm in zip(referred, run.firms)):
        table["referred customers"] = referred
        table["referred retention"] = get(_last, "referred_retention")
        without = ~table["firm"].isin(programs)
        table.loc[without, list(REFERRAL_COLUMNS)] = float("nan")
    durable = table["firm"].isin(durable_only_firms(run))
    for column in LAPSE_COLUMNS:
        if column in table.columns:
            table.loc[durable, column] = float("nan")
    nobody = table["firm"].isin(firms_without_buyers(run))
    table.loc[nobody, list(NO_BUYERS_COLUMNS)] = float("nan")
    return table


def durable_firms(run):
    """The firms that sell a durable, in firm order, as `marketsim summarize` lists them in its
    durable-goods table: units in a durable category during the run, a price for one, or a
    durable among the firm's `categories` in the run's scenario (all categories without that
    key). [] when the run has no durable category."""
    durable = [c for c, kind in zip(run.categories, run.category_kinds) if kind == "durable"]
    if not durable:
        return []
    offered = set()
    try:
        for firm in (parse_scenario(run.scenario).get("firms") or []) if run.scenario else []:
            if isinstance(firm, dict):
                listed = firm.get("categories")
                listed = listed if isinstance(listed, list) else run.categories
                if any(c in durable for c in listed):
                    offered.add(str(firm.get("name")))
    except (ScenarioSyntaxError, AttributeError):
        offered = set()
    units, price = run.by_category.get("units"), run.by_category.get("price")
    sold = lambda frame, firm: frame is not None and any(  # noqa: E731
        (c, firm) in frame.columns and frame[(c, firm)].sum() > 0 for c in durable)
    return [firm for firm in run.firms
            if firm in offered or sold(units, firm) or sold(price, firm)]


def _durable_total(run, metric, firms, last=False):
    """Per firm of `firms`: the sum of /market/by_category/<metric> over the durable categories,
    over every step (or at the last step)."""
    frame = run.by_category.get(metric)
    durable = [c for c, kind in zip(run.categories, run.category_kinds) if kind == "durable"]
    if frame is None:
        return [0.0] * len(firms)
    rows = frame.iloc[-1:] if last else frame
    return [float(sum(rows[(c, f)].sum() for c in durable if (c, f) in rows.columns))
            for f in firms]


def durables_table(run):
    """The durable-goods table of `marketsim summarize`, one row per firm that sells a durable
    (durable_firms; None when the run did not record /market/failures), counting the durable
    categories of /market/by_category only: units, failures, mean age at failure (NaN without
    failures), the share of the firm's durable units bought as replacements and upgrades, all
    over the run; the share of failures that were early, counted from the first step a failure
    can be on time (analysis.durables.first_on_time_step: before it every failure is early by
    definition), as the obsolescence figure counts it; installed base at the last step; and
    loyalty, firm-wide, at the last step (NaN for a firm nobody bought from: undefined). A share
    of nothing (no failures from that step on, or no such step in the run; replacements without
    units) is NaN: n/a, as summarize."""
    if "failures" not in run.market:
        return None
    firms = durable_firms(run)
    total = lambda metric: _durable_total(run, metric, firms)  # noqa: E731
    units, failures, replacements = total("units"), total("failures"), total("replacements")
    early = run_early_share(run, firms)
    age, failed = run.by_category.get("mean_failure_age"), run.by_category.get("failures")
    if age is not None and failed is not None:
        durable = [c for c, kind in zip(run.categories, run.category_kinds) if kind == "durable"]
        age_sum = [float(sum((age[(c, f)] * failed[(c, f)]).sum() for c in durable))
                   for f in firms]
    else:
        age_sum = [float("nan")] * len(firms)
    # Loyalty is undefined (NaN) for a firm nobody bought from (as_defined).
    loyalty = (as_defined(run, "loyalty").iloc[-1].reindex(firms).to_numpy(dtype=float)
               if "loyalty" in run.market else [0.0] * len(firms))
    ratio = lambda a, b: a / b if b > 0 else float("nan")  # noqa: E731  n/a, as summarize
    return pd.DataFrame({
        "firm": firms,
        "units": units,
        "failures": failures,
        "early failures": early,
        "mean age at failure": [s / f if f > 0 else float("nan")
                                for s, f in zip(age_sum, failures)],
        "replacement share": [ratio(r, u) for r, u in zip(replacements, units)],
        "upgrades": total("upgrades"),
        "installed base": _durable_total(run, "installed_base", firms, last=True),
        "loyalty": loyalty,
    }, columns=["firm", "units", "failures", "early failures", "mean age at failure",
                "replacement share", "upgrades", "installed base", "loyalty"])


def ownership(run):
    """[(durable category, share of consumers owning a working one at the last step)]."""
    if run.saturation is None:
        return []
    last = run.saturation.iloc[-1]
    return [(c, float(last[c])) for c, kind in zip(run.categories, run.category_kinds)
            if kind == "durable" and c in last.index]
