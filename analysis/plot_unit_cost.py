"""The unit-cost figure of one run: what a unit costs each firm to make over time, a panel per
category, so that economies of scale (the experience curve: the more a firm has made, the
cheaper each unit) and of scope (a customisation premium shared over more categories) can be
read category by category (scenarios/textbook/scale_vs_scope.yaml)."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analysis.plot_format import (LINE_STYLES, _drawn, _time_axis, _titled,  # noqa: E402
                                  draw_series)
from analysis.plot_market import firms_without_sales  # noqa: E402
from analysis.scenario_text import in_market_at, run_shocks  # noqa: E402
from analysis.summary import not_in_market, not_in_market_note  # noqa: E402


UNIT_COST_FIGURE = "unit_cost.png"
# Unit costs closer than this (relative to the largest) are the same: a figure of one flat line
# per category, the same for every firm, would show nothing.
SAME_COST = 1e-9
TITLE_WIDTH = 110  # characters a line of the figure's explanation


def _sold(run, category, firm, steps):
    """Whether `firm` sold any unit of `category` in `steps` (/market/by_category/units; with one
    category, /market/units); True when the run recorded neither, as nothing says otherwise."""
    if "units" in run.by_category:
        units = run.by_category["units"]
        if (category, firm) in units.columns:
            return bool(units[(category, firm)].loc[steps].sum() > 0)
    if "units" in run.market and len(run.categories) == 1:
        return bool(run.market["units"][firm].loc[steps].sum() > 0)
    return True


def costs_and_unsold(run):
    """(unit_costs(run), {category: [firm]}): the unit costs the figure draws, and for each
    category the firms in the market that sell it (a unit cost is recorded) but sold none of it
    in the run, whose line would be the cost a unit would have had, flat at the base cost for a
    firm that never sold (not "the mean cost of the units it sold"): they are left out."""
    firms = [firm for _, _, _, firm in _drawn(run)]
    if "unit_cost" in run.by_category:
        table = run.by_category["unit_cost"]
        frames = {category: table[category][firms].astype(float)
                  for category in run.categories if category in table.columns.get_level_values(0)}
    elif "unit_cost" in run.market and len(run.categories) == 1:
        frames = {run.categories[0]: run.market["unit_cost"][firms].astype(float)}
    else:
        return {}, {}
    shocks = run_shocks(run.scenario, len(run.steps)) if getattr(run, "scenario", None) else []
    result, unsold = {}, {}
    for category, frame in frames.items():
        frame = frame.where(frame > 0)
        for firm in firms:
            out = [not in_market_at(shocks, firm, step) for step in frame.index]
            frame.loc[out, firm] = np.nan
        frame = frame.dropna(axis=1, how="all")
        idle = [firm for firm in frame.columns
                if not _sold(run, category, firm, frame.index[frame[firm].notna()])]
        if idle:
            unsold[category] = idle
            frame = frame.drop(columns=idle)
        if frame.shape[1]:
            result[category] = frame
    return result, unsold


def unit_costs(run):
    """{category: DataFrame [step x firm]} of the unit costs (money per unit) of the firms in the
    market (plot_format._drawn), from /market/by_category/unit_cost, for the categories any of
    them sells: NaN where a firm does not sell the category (the file records 0 there) and in
    the steps it is out of the market, before an `enter` or after an `exit` (the file records the
    cost a unit would have); a firm that sold none of the category in the run has no column
    there (costs_and_unsold). A file without the by-category table but with one category: its
    /market/unit_cost. {} when the run recorded neither."""
    return costs_and_unsold(run)[0]


def unsold_note(run, unsold):
    """The note under the figure on the firms left out for selling nothing (`unsold`, from
    costs_and_unsold): "Not drawn: Ghost (sold nothing in the run)." for a firm that sold
    nothing in any category, as the quadrant chart says it; "Not drawn in drinks: Diff (sold
    none of it in the run)." for one that sold in another; "" for none."""
    idle = set(firms_without_sales(run))
    never = [firm for firm in run.firms
             if firm in idle and any(firm in firms for firms in unsold.values())]
    lines = [f"Not drawn: {', '.join(never)} (sold nothing in the run)."] if never else []
    for category, firms in unsold.items():
        others = [firm for firm in firms if firm not in never]
        if others:
            lines.append(f"Not drawn in {category}: {', '.join(others)} (sold none of it in "
                         "the run).")
    return "\n".join(lines)


def unit_costs_differ(costs):
    """Whether the unit costs of `costs` (unit_costs) differ between firms or change over time in
    any category."""
    for frame in costs.values():
        values = frame.to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) and values.max() - values.min() > SAME_COST * max(1.0, abs(values.max())):
            return True
    return False


def _cost_tick(value, _position=None):
    """A unit cost's tick: as many decimals as it needs (1.5, 2, 12.5), thousands separated."""
    return f"{value:,.6g}"


def unit_cost(run):
    """Each firm's unit cost over time, a panel per category (each on its own scale, from 0), a
    line per firm that sells the category, in the firm's colour and line style of the other
    figures; the shocks and new generations marked as in every time series. None when the run
    recorded no unit costs, or when they neither differ between firms nor change over time in
    any category (every line flat, one on the other)."""
    costs, unsold = costs_and_unsold(run)
    if not costs or not unit_costs_differ(costs):
        return None
    styles = {firm: (label, colour, LINE_STYLES[j % len(LINE_STYLES)], 2.2 if j < 4 else 1.6)
              for j, label, colour, firm in _drawn(run)}
    categories = list(costs)
    columns = 1 if len(categories) == 1 else 2 if len(categories) in (2, 4) else 3
    rows = -(-len(categories) // columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False, sharex=True,
                             figsize=(5.4 * columns + 2.6, 3.4 * rows + 1.6),
                             constrained_layout=True)
    lines = {}
    units = run.unit("unit_cost") or "money per unit"
    for k, category in enumerate(categories):
        ax = axes[k // columns, k % columns]
        frame = costs[category]
        time = run.time_values(frame.index)
        for firm in styles:
            if firm not in frame.columns:
                continue
            label, colour, style, width = styles[firm]
            lines[firm] = draw_series(ax, time, frame[firm], color=colour, linestyle=style,
                                      linewidth=width, label=label)
        _time_axis(ax, run, tight=True)
        ax.set_ylabel(f"unit cost ({units})")
        ax.yaxis.set_major_formatter(FuncFormatter(_cost_tick))
        ax.set_ylim(0, float(np.nanmax(frame.to_numpy(dtype=float))) * 1.1)
        ax.set_title(category)
        ax.grid(alpha=0.3)
        ax.xaxis.set_tick_params(labelbottom=True)
    for k in range(len(categories), rows * columns):
        axes[k // columns, k % columns].remove()
    firms = [firm for firm in styles if firm in lines]
    fig.legend([lines[f] for f in firms], [styles[f][0] for f in firms], title="firm (strategy)",
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    period = run.time_label()
    explanation = textwrap.fill(
        f"what making one unit cost each firm (the mean over its units sold in the {period}); "
        "a panel per category, each on its own scale from 0, a line per firm that sells in it",
        TITLE_WIDTH, break_on_hyphens=False)
    fig.suptitle(_titled(run, f"{run.name}: unit cost by category", explanation))
    absent, idle = not_in_market_note(not_in_market(run)), unsold_note(run, unsold)
    notes = ([f"{absent}; not drawn."] if absent else []) + ([idle] if idle else [])
    if notes:  # the firms not in the market first, as every figure names them (_note_absent)
        fig.text(0.01, 0.0, "\n".join(notes), ha="left", va="top", fontsize=9, color="dimgrey")
    return fig
