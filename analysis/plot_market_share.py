"""The market-share figure of one run (market_share.png): who sells the units, stacked over time.
A run of one category gets one panel; a run of several gets a panel per category, since units of
chewing gum and of washing machines added together would make the firm that sells the most
cheap consumables look like the leader of every market. A step where nothing sold (in the
category) has no share: it is a gap, not 0."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.category_shares import category_shares  # noqa: E402
from analysis.plot_format import (_drawn, _label_axis, _note_absent, _time_axis,  # noqa: E402
                                  _titled, lone_points)
from analysis.share_gaps import gap_steps, without_sales  # noqa: E402

TITLE_WIDTH = 110  # characters a line of the figure's explanation


def _gaps_line(run, frames):
    """The title's line about the steps left blank because nothing sold ("" when none): "blank:
    no units of the category sold in the week (no share to draw)"."""
    if not any(gap_steps(frame) for frame in frames):
        return ""
    what = "of the category " if len(frames) > 1 else ""
    return (f"blank where no units {what}sold in the {run.time_label()} (market share is "
            "undefined there)")


# The width of the stacked bar that stands for a step with no neighbour in the stack (a run of
# one step), in steps.
LONE_BAR_WIDTH = 0.6


def _stack(ax, run, frame, styles):
    """Stacks the columns of `frame` [step x firm] on `ax` in the firms' colours, with the time
    axis, the run's shocks and a y axis from 0 to 100%; returns {firm: its area}. A step with no
    step beside it in the stack (a run of one step, or a week of sales between weeks without),
    which an area cannot show, is a stacked bar."""
    time = run.time_values(frame.index)
    values = frame.to_numpy(dtype=float)
    areas = ax.stackplot(time, values.T, labels=[styles[f][0] for f in frame.columns],
                         colors=[styles[f][1] for f in frame.columns], alpha=0.85)
    alone = lone_points(np.where(np.isfinite(values).any(axis=1), 0.0, np.nan))
    if alone.any():
        bottom = np.zeros(int(alone.sum()))
        for k, firm in enumerate(frame.columns):
            height = np.nan_to_num(values[alone, k])
            ax.bar(np.asarray(time)[alone], height, LONE_BAR_WIDTH, bottom=bottom,
                   color=styles[firm][1], alpha=0.85)
            bottom = bottom + height
    ax.set_ylim(0, max(1.0, float(frame.sum(axis=1).max())))
    _time_axis(ax, run, tight=True)
    return dict(zip(frame.columns, areas))


def whole_market_share(run):
    """One stacked area of each firm's unit market share over time (/market/market_share; the
    firms in the market only), blank in the steps where nothing sold."""
    drawn = _drawn(run)
    styles = {firm: (label, colour) for _, label, colour, firm in drawn}
    shares = run.market["market_share"]
    frame = without_sales(shares, run.market.get("units"))[list(styles)]
    fig, ax = plt.subplots(figsize=(9, 5))
    _stack(ax, run, frame, styles)
    # In the run's period, as the time axis counts it: "of all units sold in the week".
    _label_axis(ax, "y", f"market share, of all units sold in the {run.time_label()}",
                run.unit("market_share"))
    gaps = _gaps_line(run, [frame])
    ax.set_title(_titled(run, f"{run.name}: who sells the units (market share, stacked)",
                         *([gaps] if gaps else [])))
    handles, labels = ax.get_legend_handles_labels()  # top of the stack first, as drawn
    ax.legend(handles[::-1], labels[::-1], title="firm (strategy)", loc="center left",
              bbox_to_anchor=(1.01, 0.5))
    _note_absent(fig, run)
    return fig


def market_share_by_category(run, panels):
    """A stacked panel per category of `panels` ({category: [step x firm]}, category_shares) on a
    shared time axis, each titled with the category's name and holding only the firms that sell
    in it; one legend for every firm drawn."""
    styles = {firm: (label, colour) for _, label, colour, firm in _drawn(run)}
    categories = list(panels)
    columns = 1 if len(categories) == 1 else 2 if len(categories) in (2, 4) else 3
    rows = -(-len(categories) // columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False, sharex=True, sharey=True,
                             figsize=(5.4 * columns + 2.6, 3.4 * rows + 1.8),
                             constrained_layout=True)
    areas = {}
    period = run.time_label()
    for k, category in enumerate(categories):
        ax = axes[k // columns, k % columns]
        for firm, area in _stack(ax, run, panels[category], styles).items():
            areas.setdefault(firm, area)
        _label_axis(ax, "y", f"share of the category's units\nsold in the {period}",
                    run.unit("market_share"))
        ax.set_title(category)
        ax.xaxis.set_tick_params(labelbottom=True)
    for k in range(len(categories), rows * columns):
        axes[k // columns, k % columns].remove()
    firms = [firm for firm in styles if firm in areas][::-1]  # top of the stacks first
    fig.legend([areas[f] for f in firms], [styles[f][0] for f in firms], title="firm (strategy)",
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    lines = [textwrap.fill(
        f"a panel per category: each firm's share of the category's units sold in the {period} "
        "(units of different categories are not added together), only the firms that sell in it",
        TITLE_WIDTH, break_on_hyphens=False)]
    unsold = [c for c in run.categories if c not in panels]
    if unsold:
        lines.append(f"no panel for {', '.join(unsold)}: no firm in the market sells in it")
    gaps = _gaps_line(run, list(panels.values()))
    if gaps:
        lines.append(gaps)
    fig.suptitle(_titled(run, f"{run.name}: who sells the units of each category (market "
                              "share, stacked)", *lines))
    _note_absent(fig, run, y=0.0)
    return fig


def shares_by_category(run):
    """The panels of market_share_by_category ({category: [step x firm]}, category_shares) for a
    run of more than one category; {} for a run of one, or one that recorded no shares by
    category, whose figure is one panel of the whole market."""
    return category_shares(run) if len(run.categories) > 1 else {}


def market_share(run):
    """The market-share figure: with more than one category, a stacked panel per category
    (market_share_by_category, from /market/by_category); otherwise, or when the run recorded no
    shares by category, one stacked panel of /market/market_share (whole_market_share)."""
    panels = shares_by_category(run)
    if panels:
        return market_share_by_category(run, panels)
    return whole_market_share(run)
