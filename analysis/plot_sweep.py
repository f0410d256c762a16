"""Key results of an experiment against a swept number: the mean with its 95% confidence
interval and the runs' p5-p95 for a sweep of one number (experiment_response), and a line per
value of a few-valued key, median and p5-p95, for a number by such a key (experiment_lines)."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analysis import formats  # noqa: E402
from analysis.load import experiment_overrides  # noqa: E402
from analysis.plot_experiment import (RESULT_NAMES, _value_axis,  # noqa: E402
                                      _value_label, replications_words, value_ticks)
from analysis.plot_format import (_colours, _firm_labels, _note_left_out, _titled,  # noqa: E402
                                  share_when)
from analysis.point_words import (axis_label, key_in_words, keys_in_words,  # noqa: E402
                                  switched_shocks, value_words, wrapped)
from analysis.scenario_text import is_shock_switch  # noqa: E402
from analysis.sweep_design import (_in_market_rows, _key_values, confidence_band,  # noqa: E402
                                   moved_with, moved_words)


# How the sweep figures draw a design point's statistics: the line (mean or median) thick, the
# mean's 95% confidence interval as a darker band, and the runs' p5-p95 as a lighter band with
# a dashed edge in the line's colour, so that it stays visible in print, in grey and on a
# projector where a light fill alone washes out.
LINE_WIDTH = 2.4
CI_ALPHA = 0.35
SPREAD_ALPHA = 0.18


def spread_band(ax, x, low, high, colour):
    """The p5-p95 band of a sweep figure between `low` and `high` along `x`: a light fill (a
    PolyCollection, returned) with dashed lines in `colour` along its bottom and top edges (a
    LineCollection; not Line2D, which stand for the statistics' lines)."""
    band = ax.fill_between(x, low, high, facecolor=to_rgba(colour, SPREAD_ALPHA), linewidth=0)
    ax.add_collection(LineCollection([np.column_stack([x, low]), np.column_stack([x, high])],
                                     colors=[to_rgba(colour, 0.9)], linestyles=[(0, (4, 2))],
                                     linewidths=1.1))
    return band


def _spread_handle(colour):
    """A legend entry drawn as spread_band draws the band."""
    return plt.Rectangle((0, 0), 1, 1, facecolor=to_rgba(colour, SPREAD_ALPHA),
                         edgecolor=to_rgba(colour, 0.9), linestyle=(0, (4, 2)), linewidth=1.1)


def key_axis(run, key, width):
    """The axis label of a swept number: its words and unit (axis_label), and under them the
    keys moved together with it, if any ("moved together with OneToOne's marketing budget")."""
    others = moved_with(run, key)
    return axis_label(key, run.steps_per_year, width) + (
        "\n" + wrapped("moved together with " + keys_in_words(others), width) if others else "")


def experiment_response(run, metric, key):
    """A key result against the swept number `key`: for each firm, the mean over the design
    point's runs with its 95% confidence interval, and the p5-p95 of those runs as a lighter band
    (/experiment/summary); design points where the firm was in the market in no run are left
    out."""
    summary = run.experiment["summary"]
    data = summary[summary["metric"] == metric].sort_values(key)
    band = confidence_band(run, metric)
    spread = band != "none"  # with one run per design point, p5 = p95 = that run
    fig, ax = plt.subplots(figsize=(9.5, 5.0))
    replications = replications_words(_in_market_rows(data))
    for firm, label, colour in zip(run.firms, _firm_labels(run), _colours(run)):
        rows = data[data["firm"] == firm]
        if "in_market" in rows.columns:
            rows = rows[rows["in_market"] > 0]
        if rows.empty:
            continue
        x, mean = rows[key].to_numpy(float), rows["mean"].to_numpy(float)
        ax.plot(x, mean, marker="o", color=colour, label=label, linewidth=LINE_WIDTH, zorder=3)
        if spread and {"p5", "p95"} <= set(rows.columns):  # where single runs land
            spread_band(ax, x, rows["p5"].to_numpy(float), rows["p95"].to_numpy(float), colour)
        if {"ci95_low", "ci95_high"} <= set(rows.columns):
            ax.fill_between(x, rows["ci95_low"].to_numpy(float),
                            rows["ci95_high"].to_numpy(float), color=colour, alpha=CI_ALPHA,
                            linewidth=0)
    kind = formats.metric_kind(metric, run.unit(metric))
    name = RESULT_NAMES.get(metric, metric.replace("_", " "))
    _value_axis(ax, kind, name + share_when(run, metric))
    ax.set_xlabel(key_axis(run, key, 90))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.grid(alpha=0.3)
    # The statistics are /experiment/summary's: the mean, its t-based 95% confidence interval
    # and the 5th and 95th percentiles of the design point's runs.
    how = (f"line: mean of the design point's {replications}; dark band: 95% confidence "
           "interval of that mean (Student t);\nlight band: p5-p95 of the runs")
    against = moved_words(run, key)
    ax.set_title(_titled(run, textwrap.fill(f"{run.name}: {name} against {against}", 100,
                                            break_on_hyphens=False), (
        how if band == "every point" else
        how + " (neither at a point with one run)" if band == "some points" else
        "line: each design point's one run (one run per design point: no confidence interval "
        "to draw)"),
        changes=experiment_overrides(run.path)))
    firms = ax.legend(title="firm (strategy)", fontsize=9, loc="lower left",
                      bbox_to_anchor=(1.01, 0.5))
    ax.add_artist(firms)  # the second legend, what the line and bands are, below it
    grey = "dimgrey"
    handles, labels = [plt.Line2D([], [], color=grey, marker="o", linewidth=LINE_WIDTH)], [
        "mean of the design point's runs" if band != "none" else "the design point's one run"]
    if band != "none":
        handles.append(plt.Rectangle((0, 0), 1, 1, color=grey, alpha=CI_ALPHA, linewidth=0))
        labels.append("95% confidence interval\nof that mean")
    if spread:
        handles.append(_spread_handle(grey))
        labels.append("p5-p95 of the design\npoint's runs")
    ax.legend(handles, labels, title="drawn", fontsize=9, loc="upper left",
              bbox_to_anchor=(1.01, 0.47))
    fig.tight_layout()
    return fig


def experiment_lines(run, metric, keys):
    """A key result against a swept number, for each value of a few-valued key (true/false, a
    name): a panel per firm on its own value scale, in it a line per value of the few-valued key
    through the median of each design point's runs, with their p5-p95 as a band
    (/experiment/summary). Design points where the firm was in the market in no run are left out;
    a firm in the market in no run gets no panel and is named under the figure. None when no
    firm was ever in the market."""
    number, category = keys
    summary = run.experiment["summary"]
    data = _in_market_rows(summary[summary["metric"] == metric])
    firms = [f for f in run.firms if f in set(data["firm"])]
    if not firms:
        return None
    values = _key_values(summary, category)
    replications = replications_words(data)
    one_run = replications == "1 replication"
    colours = {v: plt.get_cmap("tab10")(i % 10) for i, v in enumerate(values)}
    columns = min(len(firms), 2 if len(firms) == 4 else 3)
    rows = -(-len(firms) // columns)
    # Each panel has its own value scale: the lines to compare are those within a panel.
    fig, axes = plt.subplots(rows, columns, squeeze=False, constrained_layout=True,
                             figsize=(columns * 5.0 + 1.8, rows * 3.6 + 1.3))
    labels = dict(zip(run.firms, _firm_labels(run)))
    kind = formats.metric_kind(metric, run.unit(metric))
    result = RESULT_NAMES.get(metric, metric.replace("_", " "))
    name = result + share_when(run, metric)
    for k, firm in enumerate(firms):
        ax = axes[k // columns, k % columns]
        for value in values:
            points = data[(data["firm"] == firm) & (data[category] == value)].sort_values(number)
            if points.empty:
                continue
            x = points[number].to_numpy(float)
            ax.plot(x, points["p50"].to_numpy(float), marker="o", color=colours[value],
                    label=value_words(category, value), linewidth=LINE_WIDTH, zorder=3)
            if not one_run:  # one run: p5 = p95 = the line
                spread_band(ax, x, points["p5"].to_numpy(float), points["p95"].to_numpy(float),
                            colours[value])
        ax.set_title(labels[firm], fontsize=11)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        value_ticks(ax, kind)  # each panel its own scale: a firm's flat 0 gets one tick
        if k % columns == 0:
            ax.set_ylabel(_value_label(kind, name))
        if k + columns >= len(firms):  # no panel below: the number is named here
            ax.set_xlabel(key_axis(run, number, 60))
    for k in range(len(firms), rows * columns):
        axes[k // columns, k % columns].remove()
    handles = [plt.Line2D([], [], color=colours[v], marker="o", linewidth=LINE_WIDTH)
               for v in values]
    if not one_run:
        handles = [(_spread_handle(colours[v]), line) for v, line in zip(values, handles)]
    fig.legend(handles, [value_words(category, v) for v in values],
               title=textwrap.fill(key_in_words(category), 30, break_on_hyphens=False),
               loc="lower left", bbox_to_anchor=(1.0, 0.52))
    if one_run:
        how = ("line: each design point's one run (one run per design point: no spread to "
               "show)")
    else:
        how = (f"line: median of the design point's {replications or 'runs'}; band: p5-p95 "
               "of those runs")
    grey = "dimgrey"
    fig.legend([plt.Line2D([], [], color=grey, marker="o", linewidth=LINE_WIDTH)]
               + ([] if one_run else [_spread_handle(grey)]),
               ["the design point's one run"] if one_run else
               ["median of the design point's runs", "p5-p95 of the design\npoint's runs"],
               title="drawn", loc="upper left", bbox_to_anchor=(1.0, 0.48))
    varies = (f"with {key_in_words(category)} off and on" if is_shock_switch(category) else
              f"for each value of {key_in_words(category)}")
    shocks = switched_shocks(run, [category])
    fig.suptitle(_titled(run, f"{run.name}: {result} against {moved_words(run, number)}, {varies}",
                         how, *([shocks] if shocks else []),
                         changes=experiment_overrides(run.path)))
    _note_left_out(fig, run, firms)
    return fig
