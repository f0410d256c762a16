"""PNG figures of a run: shares, the share-of-market/share-of-customer quadrant, awareness,
profit and ROI, the obsolescence panel, a segment-by-firm heatmap and, when the firms' strategies
recorded any, their own diagnostics (/strategies/<name>).

    python3 -m analysis.plot RUN.h5 --out DIR [--run ID]
"""

import argparse
import io
import os
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, ScalarFormatter  # noqa: E402

from analysis import experiment_tables, formats, run_main  # noqa: E402
from analysis.load import (add_run_arguments, bad_input, check_writable_directory,  # noqa: E402
                           experiment_overrides, is_experiment_key, load_run_or_report,
                           overrides)
from analysis.scenario_text import ScenarioSyntaxError, key_label, parse_scenario  # noqa: E402
from analysis.summary import NOT_IN_MARKET, not_in_market, not_in_market_note  # noqa: E402

HEATMAP_WINDOW = 13  # steps summed in the segment heatmap (a quarter of weekly steps; the
#                     segment leaders of `marketsim summarize`, models/summary.cpp, use the same)


def _firm_labels(run):
    return [f"{f} ({s})" if s else f for f, s in zip(run.firms, run.strategies)]


def _colours(run):
    cycle = plt.get_cmap("tab10")
    return [cycle(i % 10) for i in range(len(run.firms))]


def _drawn(run):
    """[(index, label, colour, firm)] of the firms a figure draws: those in the market. Each keeps
    its index, colour and line style, so a firm looks the same in every figure of the run."""
    absent = set(not_in_market(run))
    return [(j, label, colour, firm) for j, (label, colour, firm)
            in enumerate(zip(_firm_labels(run), _colours(run), run.firms)) if firm not in absent]


def _note_absent(fig, run, y=-0.02):
    """Names the firms not in the market under the figure ("LongLife: not in market (...)"),
    which it does not draw; nothing when every firm took part."""
    note = not_in_market_note(not_in_market(run))
    if note:
        fig.text(0.01, y, f"{note}; not drawn.", ha="left", va="top", fontsize=9,
                 color="dimgrey")


# The longest line of overrides a figure's title carries; the report lists every one.
OVERRIDES_WIDTH = 100
# The longest single assignment shown in full ("experiment.sweep={...}" can be long).
OVERRIDE_WIDTH = 60


def overrides_line(changes, width=OVERRIDES_WIDTH):
    """The command-line changes of a run as one line for a figure's title: "with
    firms.HairCo.segments=[everyday, dry_hair], seed=3"; "" for none. An assignment longer than
    OVERRIDE_WIDTH is cut at the end of a word (" ..."; see shortened), and when they do not all
    fit in `width` characters the line ends with how many more there are ("and 2 more")."""
    if not changes:
        return ""
    shown = [shortened(c) for c in changes]
    line = "with " + ", ".join(shown)
    if len(line) <= width:
        return line
    for keep in range(len(shown) - 1, 0, -1):
        line = "with " + ", ".join(shown[:keep]) + f" and {len(shown) - keep} more"
        if len(line) <= width:
            return line
    return f"with {shown[0]} and {len(shown) - 1} more" if len(shown) > 1 else line


# A character of a word, or of a key path or number (firms.FizzCo.budget_per_year, 0.7): a cut
# between two of them would split one.
_WORD = re.compile(r"[\w.]")


def shortened(text, width=OVERRIDE_WIDTH):
    """`text` when it has at most `width` characters; else its beginning up to the end of a word
    (never within a word, a key path or a number), less trailing separators, then " ...":
    "shocks.q3_cut={step: 26, kind: budget, firm: VarietyCo ..."."""
    if len(text) <= width:
        return text
    room = width - len(" ...")
    cut = room
    while cut > 0 and _WORD.match(text[cut - 1]) and _WORD.match(text[cut]):
        cut -= 1
    kept = text[:cut].rstrip(" ,:{[")
    return (kept or text[:room]) + " ..."  # text[:room]: one word longer than the room


def run_changes(run):
    """What the command line (`--set`, `--seed`) changed in a run, for its figures: the root
    attribute `overrides`; in a run of an experiment file, less the experiment's own keys
    (experiment=... and experiment.*: the design point's assignments say what they did to this
    run)."""
    changes = overrides(run)
    if run.run_id is None:
        return changes
    return [c for c in changes if not is_experiment_key(c)]


def _titled(run, first, *more, changes=None):
    """A figure's title: its first line, then, when the command line changed the run (`--set`,
    `--seed`; the root attribute `overrides`), a line saying so, so that figures of a changed
    run cannot be taken for the scenario's own; then the other lines. The figures of one run of
    an experiment file name the run ("run 00001, with ..."); `changes` replaces the run's own
    (for figures of every run of an experiment)."""
    line = overrides_line(run_changes(run) if changes is None else changes)
    if changes is None and run.run_id is not None:
        line = f"run {run.run_id}" + (f", {line}" if line else "")
    return "\n".join([first] + ([line] if line else []) + list(more))


def money_tick(value, _position=None):
    """A money (or count) tick as a reader wants it: 300,000; 2.5M; 17.5M; never 1e7."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g}M"
    return f"{value:,.0f}" if abs(value) >= 1 or value == 0 else f"{value:.2g}"


def percent_tick(value, _position=None, symbol="%"):
    """A fraction's tick as a percentage, with no more decimals than the tick needs: 10%, 2.5%,
    never 10.0% (matplotlib's PercentFormatter adds a decimal on short axes, so one chart read
    10% and another 10.0%). Every share axis of the package's figures uses it."""
    percent = round(100 * float(value), 6)
    if percent == 0:
        percent = 0.0  # no "-0%"
    text = f"{percent:.0f}" if percent.is_integer() else f"{percent:.3g}"
    return text + symbol


def percent_formatter():
    """A tick formatter of percent_tick for one axis (matplotlib ties a formatter to its axis)."""
    return FuncFormatter(percent_tick)


def points_formatter():
    """Differences of shares in percentage points: percent_tick's numbers without the % sign."""
    return FuncFormatter(lambda value, position=None: percent_tick(value, position, ""))


def _label_axis(ax, axis, name, units):
    """Labels an axis with its quantity and units; fractions are shown as percentages, money
    and counts with thousands separators (2.5M for millions), never with an offset (1e7)."""
    set_label = ax.set_ylabel if axis == "y" else ax.set_xlabel
    scale = ax.yaxis if axis == "y" else ax.xaxis
    if units == "fraction":
        set_label(f"{name} (%)")
        scale.set_major_formatter(percent_formatter())
    elif units:
        set_label(f"{name} ({units})")
    else:
        set_label(name)
    if units.startswith("money") or units in ("units", "consumers"):
        scale.set_major_formatter(FuncFormatter(money_tick))


def _time_axis(ax, run):
    """Labels the x axis with the run's time unit ("week" for weekly runs, numbered from 1)."""
    ax.set_xlabel(run.time_label())


# Line styles cycle with the firms, so lines that coincide (all firms at 100% awareness) stay
# visible and firms are told apart without colour.
LINE_STYLES = ["-", "--", "-.", ":"]


def _per_firm_lines(ax, run, metric, name):
    frame = run.market[metric]
    for j, label, colour, firm in _drawn(run):
        ax.plot(run.time_values(frame.index), frame[firm], label=label, color=colour,
                linestyle=LINE_STYLES[j % len(LINE_STYLES)], linewidth=2.2 if j < 4 else 1.6)
    _time_axis(ax, run)
    _label_axis(ax, "y", name, run.unit(metric))
    ax.grid(alpha=0.3)


def market_share(run):
    """Stacked area of each firm's unit market share over time (firms in the market only)."""
    drawn = _drawn(run)
    frame = run.market["market_share"][[firm for _, _, _, firm in drawn]]
    fig, ax = plt.subplots(figsize=(9, 5))
    time = run.time_values(frame.index)
    ax.stackplot(time, frame.to_numpy().T, labels=[d[1] for d in drawn],
                 colors=[d[2] for d in drawn], alpha=0.85)
    ax.set_xlim(time.min(), time.max())
    ax.set_ylim(0, max(1.0, float(frame.sum(axis=1).max())))
    _time_axis(ax, run)
    _label_axis(ax, "y", "market share, of all units sold in the step", run.unit("market_share"))
    ax.set_title(_titled(run, f"{run.name}: who sells the units (market share, stacked)"))
    handles, labels = ax.get_legend_handles_labels()  # top of the stack first, as drawn
    ax.legend(handles[::-1], labels[::-1], title="firm (strategy)", loc="center left",
              bbox_to_anchor=(1.01, 0.5))
    _note_absent(fig, run)
    return fig


def dividing_line(values):
    """Where to divide the firms along one axis of the quadrant chart, or None when they do not
    differ: the midpoint of the widest gap between neighbouring firms, among the gaps that
    split the firms as evenly as possible (within one firm). It never passes through a firm,
    unlike the median of an odd number of firms or the mean of shares (1/3 for three firms)."""
    ordered = sorted(float(v) for v in values)
    n = len(ordered)
    gaps = [(ordered[i + 1] - ordered[i], (ordered[i] + ordered[i + 1]) / 2, i + 1)
            for i in range(n - 1) if ordered[i + 1] > ordered[i]]
    middle = [g for g in gaps if abs(g[2] - n / 2) < 1]
    chosen = middle or gaps
    if not chosen:
        return None
    return max(chosen, key=lambda g: (g[0], -abs(g[2] - n / 2)))[1]


def firms_without_sales(run):
    """The firms that sold nothing in the whole run: those not in the market (not_in_market) and
    any that spent on marketing but never sold."""
    if "units" in run.market:
        sold = run.market["units"].sum()
    else:
        sold = run.market["penetration"].iloc[-1] if "penetration" in run.market else None
    if sold is None:
        return []
    return [firm for firm in run.firms if not sold[firm] > 0]


def _share_limit(values):
    """The upper end of a share axis: a little above the largest share, at most 100%."""
    return min(1.0, max(0.05, 1.15 * max(values, default=0.0)))


# Firms closer than this on an axis of the quadrant chart (2 percentage points) are not split by a
# dividing line on that axis: the difference is too small to mean anything.
QUADRANT_MIN_SPREAD = 0.02
# Vertical offsets (points) of the names of firms drawn close together: above, below, and so on.
LABEL_OFFSETS = [6, -18, 20, -32]


def share_quadrant(run):
    """Final share of market (x) against share of customer (y), one point per firm that sold
    anything, divided by lines that run between firms (dividing_line). Firms not in the market,
    and those in it that sold nothing, are named under the chart."""
    idle = firms_without_sales(run)
    absent = not_in_market(run)
    unsold = [firm for firm in idle if firm not in absent]
    shown = [(label, colour, firm) for label, colour, firm
             in zip(_firm_labels(run), _colours(run), run.firms) if firm not in idle]
    x = [float(run.final("market_share")[firm]) for _, _, firm in shown]
    y = [float(run.final("customer_share")[firm]) for _, _, firm in shown]
    fig, ax = plt.subplots(figsize=(8, 6))
    hi_x, hi_y = _share_limit(x), _share_limit(y)
    placed = []
    for xi, yi, (label, colour, _) in zip(x, y, shown):
        ax.scatter([xi], [yi], s=120, color=colour, label=label, edgecolor="black", zorder=3,
                   clip_on=False)
        right = xi > 0.8 * hi_x
        # Firms close together get their names stacked one line apart, so both stay readable.
        near = sum(1 for px, py in placed
                   if abs(px - xi) < 0.12 * hi_x and abs(py - yi) < 0.06 * hi_y)
        placed.append((xi, yi))
        top = yi > 0.94 * hi_y
        dy = -14 - 14 * near if top else LABEL_OFFSETS[near % len(LABEL_OFFSETS)]
        ax.annotate(label.split(" (")[0], (xi, yi), textcoords="offset points",
                    xytext=(-8 if right else 8, dy), ha="right" if right else "left")
    split_x, split_y = dividing_line(x), dividing_line(y)
    close = [name for name, values in (("share of market", x), ("share of customer", y))
             if len(values) > 1 and max(values) - min(values) < QUADRANT_MIN_SPREAD]
    if "share of market" in close:
        split_x = None
    if "share of customer" in close:
        split_y = None
    if split_x is not None:
        ax.axvline(split_x, color="grey", linestyle="--", linewidth=1)
    if split_y is not None:
        ax.axhline(split_y, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(0, hi_x)
    ax.set_ylim(0, hi_y)
    if split_x is not None and split_y is not None:
        corners = [(0.02, 0.97, "left", "top", "small market, loyal buyers"),
                   (0.98, 0.97, "right", "top", "big market, loyal buyers"),
                   (0.02, 0.03, "left", "bottom", "small market, fickle buyers"),
                   (0.98, 0.03, "right", "bottom", "big market, fickle buyers")]
        for cx, cy, ha, va, words in corners:
            ax.text(cx, cy, words, transform=ax.transAxes, ha=ha, va=va, color="dimgrey",
                    fontsize=9, style="italic")
    _label_axis(ax, "x", "share of market, last step", run.unit("market_share"))
    _label_axis(ax, "y", "share of customer (share of category requirements)",
                run.unit("customer_share"))
    lines = ("dashed lines: between the firms, midway across the widest gap near the middle"
             if split_x is not None or split_y is not None else
             "no dividing lines: only one firm sold anything" if len(shown) < 2 else
             "no dividing lines: the firms do not differ")
    if close:
        within = (f"all firms within {100 * QUADRANT_MIN_SPREAD:.0f} points of each other in "
                  f"{' and in '.join(close)}, too close to split")
        lines = (f"no dividing lines: {within}" if split_x is None and split_y is None else
                 f"{lines}\nno line for {' or '.join(close)}: {within}")
    ax.set_title(_titled(run, f"{run.name}: share of market against share of customer",
                         f"({lines})"))
    if shown:
        ax.legend(title="firm (strategy)", loc="center left", bbox_to_anchor=(1.01, 0.5))
    _note_absent(fig, run)
    if unsold:
        fig.text(0.01, -0.06 if absent else -0.02,
                 f"Not drawn: {', '.join(unsold)} (sold nothing in the run).",
                 ha="left", va="top", fontsize=9, color="dimgrey")
    ax.grid(alpha=0.3)
    return fig


def awareness(run):
    """Each firm's awareness over time."""
    fig, ax = plt.subplots(figsize=(9, 5))
    _per_firm_lines(ax, run, "awareness", "consumers aware of the firm")
    ax.set_ylim(0, 1.02)
    ax.set_title(_titled(run, f"{run.name}: awareness (goodwill from advertising and word of "
                              "mouth)"))
    ax.legend(title="firm (strategy)", loc="center left", bbox_to_anchor=(1.01, 0.5))
    _note_absent(fig, run)
    return fig


def profit_roi(run):
    """Cumulative profit and return on marketing over time, side by side."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    _per_firm_lines(left, run, "cumulative_profit", "cumulative profit")
    left.axhline(0, color="black", linewidth=0.8)
    left.set_title("cumulative profit")
    _per_firm_lines(right, run, "roi", "ROI = cumulative profit / cumulative marketing spend")
    right.axhline(0, color="black", linewidth=0.8)
    right.set_title("return on marketing (ROI)")
    fig.suptitle(_titled(run, f"{run.name}: profit and return on marketing"))
    right.legend(title="firm (strategy)", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    _note_absent(fig, run, y=0.0)
    return fig


OBSOLESCENCE = [("failures", "failures (products that broke)", "failures per step"),
                ("early_failure_rate",
                 "early failures (before the reference life) per 1,000 products in use",
                 "early failures per step per 1,000 in use"),
                ("early_share", "share of failures that were early",
                 "early failures / failures"),
                ("replacements", "replacement purchases", "replacements per step"),
                ("installed_base", "installed base (working products owned)", "products owned")]
PER_IN_USE = 1000  # early failures are counted per this many products in use


def early_failure_rate(run):
    """Per firm, early failures in each step per PER_IN_USE of its products in use when the step
    began (its installed base at the end of the step before) [step x firm]: a rate, so a firm
    that sells more products does not look worse for it. NaN where the firm had none in use
    (and in the first step); None unless the run recorded early failures and installed base."""
    if "early_failures" not in run.market or "installed_base" not in run.market:
        return None
    in_use = run.market["installed_base"].shift(1)
    return PER_IN_USE * run.market["early_failures"] / in_use.where(in_use > 0)


def reference_life(run):
    """The shortest reference life (steps) of the run's durable categories, from its resolved
    scenario (a category without one has the default, half its lifetime scale); None when the
    scenario cannot tell."""
    kinds = dict(zip(run.categories, run.category_kinds))
    try:
        categories = parse_scenario(run.scenario).get("categories") if run.scenario else None
    except (ScenarioSyntaxError, AttributeError):
        return None
    lives = []
    for category in categories if isinstance(categories, list) else []:
        if not isinstance(category, dict) or kinds.get(str(category.get("name"))) != "durable":
            continue
        try:
            if category.get("reference_life") is not None:
                lives.append(float(category["reference_life"]))
            else:
                lives.append(0.5 * float(category["lifetime"]["scale"]))
        except (KeyError, TypeError, ValueError):
            continue
    return min(lives) if lives else None


def first_on_time_step(run):
    """The first step in which a failure can be on time (not early): products are bought from
    step 0 on, so none reaches the reference life R before step ceil(R); every failure before
    it is early by definition. The first step with an on-time failure in the data when that is
    earlier, or when the scenario does not give R; None when neither tells."""
    steps = []
    life = reference_life(run)
    if life is not None:
        steps.append(int(run.steps[0]) + int(np.ceil(life)))
    if "failures" in run.market and "early_failures" in run.market:
        on_time = (run.market["failures"] - run.market["early_failures"]).gt(0).any(axis=1)
        if on_time.any():
            steps.append(int(on_time.idxmax()))
    return min(steps) if steps else None


def early_share(run, start=None):
    """Per firm, the share of its failures from step `start` on that were early, over the steps
    so far [step x firm]: NaN before `start` and before the firm's first failure from then.
    `start` defaults to first_on_time_step(run), so the share leaves out the steps in which
    every failure is early by definition; from step 0 when that is unknown. None unless the run
    recorded failures and early failures."""
    if "failures" not in run.market or "early_failures" not in run.market:
        return None
    if start is None:
        start = first_on_time_step(run)
    if start is None:
        start = run.steps[0]
    after = pd.Series(run.steps >= start, index=run.steps)
    failures = run.market["failures"].where(after, 0).cumsum().where(after)
    early = run.market["early_failures"].where(after, 0).cumsum().where(after)
    return early / failures.where(failures > 0)


def _obsolescence_panels(run):
    """The (metric, title, quantity) panels of the obsolescence figure the run's data allow."""
    derived = {"early_share": early_share, "early_failure_rate": early_failure_rate}
    panels = []
    for entry in OBSOLESCENCE:
        metric = entry[0]
        if metric in derived and derived[metric](run) is not None:
            panels.append(entry)
        elif metric == "early_failure_rate" and "early_failures" in run.market:
            # Without the installed base, the raw counts: better than nothing.
            panels.append(("early_failures", "early failures (before the reference life)",
                           "early failures per step"))
        elif metric in run.market:
            panels.append(entry)
    if run.saturation is not None:
        panels.append(("saturation", "ownership saturation (durable categories)",
                       "owners / consumers"))
    return panels


def _time_point(run, step):
    """A step as the time axis names it: "week 105" in a weekly run, else "step 104"."""
    return (f"week {int(run.time_values([step])[0])}" if run.steps_per_year == 52
            else f"step {step}")


def _life_words(run, life):
    unit = "weeks" if run.steps_per_year == 52 else "steps"
    return f"{life:g} {unit}"


def _early_share_panel(ax, run):
    """The share of failures that were early, counted only from the first step a failure can be
    on time: before it every failure is early by definition (no product is old enough yet),
    which says nothing about how the products are built. The panel says so; its title names the
    step the count starts from."""
    start = first_on_time_step(run)
    frame = early_share(run, start)
    time = run.time_values(frame.index)
    for j, label, colour, firm in _drawn(run):
        ax.plot(time, frame[firm], label=label, color=colour,
                linestyle=LINE_STYLES[j % len(LINE_STYLES)], linewidth=2.2)
    ax.set_ylim(0, 1.02)
    _time_axis(ax, run)
    _label_axis(ax, "y", "early failures / failures", "fraction")
    ax.grid(alpha=0.3)
    life = reference_life(run)
    old_enough = (f"no product is as old as the reference life ({_life_words(run, life)}) yet"
                  if life is not None else "no product is old enough yet")
    if start is None or start > run.steps[-1]:
        ax.axvspan(time.min() - 0.5, time.max() + 0.5, color="lightgrey", alpha=0.5, lw=0)
        why = ("Not drawn: the run ends before any failure can be on time. "
               f"{old_enough[0].upper()}{old_enough[1:]}, so every failure is early by "
               "definition: the share would be 100% for every firm, whatever it builds.")
        ax.text(0.5, 0.5, textwrap.fill(why, 48, break_on_hyphens=False),
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="dimgrey")
        return "share of failures that were early: none could be on time"
    if start > run.steps[0]:
        before = time[run.steps < start]
        ax.axvspan(time.min() - 0.5, before.max() + 0.5, color="lightgrey", alpha=0.5, lw=0)
        span = (f"weeks {time.min()}-{before.max()}" if run.steps_per_year == 52 else
                f"steps {run.steps[0]}-{start - 1}")
        width = max(14, int(60 * len(before) / len(time)))  # characters that fit in the span
        why = f"{span} not drawn: {old_enough}, so every failure is early by definition"
        ax.text((time.min() + before.max()) / 2, 0.5,
                textwrap.fill(why, width, break_on_hyphens=False),
                ha="center", va="center", fontsize=8, color="dimgrey")
    return f"share of failures that were early, counted from {_time_point(run, start)}"


def obsolescence(run):
    """Failures, early failures per 1,000 products in use, the share of failures that were early
    (from the first step a failure can be on time), replacements, installed base and saturation;
    None when none was recorded."""
    panels = _obsolescence_panels(run)
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 4.2 * rows), squeeze=False)
    for index, (ax, (metric, name, quantity)) in enumerate(zip(axes.flat, panels)):
        if metric == "saturation":
            frame = run.saturation
            for category in frame.columns:
                ax.plot(run.time_values(frame.index), frame[category], label=category,
                        linewidth=1.8)
            _time_axis(ax, run)
            _label_axis(ax, "y", quantity, run.units.get("/market/saturation", ""))
            ax.legend(title="category")
            ax.grid(alpha=0.3)
        elif metric == "early_share":
            name = _early_share_panel(ax, run)
        elif metric == "early_failure_rate":
            frame = early_failure_rate(run)
            for j, label, colour, firm in _drawn(run):
                ax.plot(run.time_values(frame.index), frame[firm], label=label, color=colour,
                        linestyle=LINE_STYLES[j % len(LINE_STYLES)],
                        linewidth=2.2 if j < 4 else 1.6)
            ax.set_ylim(bottom=0)
            _time_axis(ax, run)
            _label_axis(ax, "y", quantity, "")
            ax.grid(alpha=0.3)
        else:
            _per_firm_lines(ax, run, metric, quantity)
        if index == 0:
            ax.legend(title="firm (strategy)", fontsize=8)
        ax.set_title(name)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(_titled(run, f"{run.name}: durables and obsolescence"))
    fig.tight_layout()
    _note_absent(fig, run, y=0.0)
    return fig


def segment_shares(run, window=HEATMAP_WINDOW):
    """Each firm's share of the units each segment bought over the last `window` steps (every
    step in a shorter run), as `marketsim summarize` names the segment leaders: sums of
    /segments/units, not a mean of the weekly shares, in which a week without purchases would
    count as 0% for every firm. DataFrame [segment x firm]; NaN for a segment that bought
    nothing in those steps."""
    units = run.segments["units"]
    window = min(window, len(units))
    totals = units.iloc[-window:].sum()
    grid = pd.DataFrame([[totals[(s, f)] for f in run.firms] for s in run.segment_names],
                        index=run.segment_names, columns=run.firms, dtype=float)
    bought = grid.sum(axis=1)
    return grid.div(bought.where(bought > 0), axis=0)


def segment_heatmap(run):
    """Each firm's share of each segment's units (rows: segments; columns: firms), summed over
    the last steps (segment_shares)."""
    frame = run.segments["units"]
    window = min(HEATMAP_WINDOW, len(frame))
    shares = segment_shares(run, window)
    drawn = _drawn(run)
    firms = [firm for _, _, _, firm in drawn]
    grid = shares[firms].to_numpy(dtype=float).reshape(len(run.segment_names), len(firms))
    empty = np.isnan(grid)
    grid = np.where(empty, 0.0, grid)
    fig, ax = plt.subplots(figsize=(max(7.0, 1.6 * len(firms) + 3.5),
                                    0.8 * len(run.segment_names) + 3), layout="constrained")
    image = ax.imshow(grid, cmap="Blues", vmin=0, vmax=max(float(grid.max(initial=0)), 1e-9), aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            light = grid[i, j] > 0.6 * grid.max()
            ax.text(j, i, "no units" if empty[i, j] else f"{100 * grid[i, j]:.1f}%",
                    ha="center", va="center", color="white" if light else "black")
    ax.set_xticks(range(len(firms)), [label for _, label, _, _ in drawn], rotation=20,
                  ha="right")
    ax.set_yticks(range(len(run.segment_names)), run.segment_names)
    ax.set_xlabel("firm (strategy)")
    ax.set_ylabel("consumer segment")
    bar = fig.colorbar(image, ax=ax, format=percent_formatter())
    bar.set_label("share of the segment's units (%)")
    time = run.time_values(frame.index)
    unit = "week" if run.steps_per_year == 52 else "step"
    span = (f"units of {unit}s {time[-window]}-{time[-1]}" if window > 1
            else f"units of {unit} {time[-1]}")
    ax.set_title(_titled(run, f"{run.name}:\nshare of each segment's units by firm ({span})"))
    _note_absent(fig, run, y=0.0)
    return fig


# ---- the strategies' own diagnostics (/strategies/<name>, [step x firm]) ----

DIAGNOSTICS_PER_FIGURE = 6  # panels in one figure; more diagnostics go on to strategies_2.png...
DESCRIPTION_WIDTH = 95      # characters per line of a panel's description
LABEL_WIDTH = 30            # characters per line of a panel's y-axis label
# What marketsim appends to every diagnostic's description (models/simulation.cpp): the figure
# and the report say it once rather than under every panel.
RECORDED_SUFFIX = "(recorded by the firm's strategy; NaN where it records none)"


def diagnostic_description(run, name):
    """The description of diagnostic `name`, as its strategy declared it (without the note
    marketsim appends to each); "" when it has none."""
    text = str(run.descriptions.get(f"/strategies/{name}", "") or "").strip()
    if text.endswith(RECORDED_SUFFIX):
        text = text[:-len(RECORDED_SUFFIX)].rstrip()
    return text


def diagnostic_firms(run, name):
    """[(index, firm)] of the firms that recorded diagnostic `name` in at least one step, in the
    run's firm order (a firm whose column is all NaN recorded nothing)."""
    frame = run.diagnostics[name]
    return [(j, firm) for j, firm in enumerate(run.firms)
            if j < frame.shape[1] and frame.iloc[:, j].notna().any()]


def diagnostic_last_values(run, name):
    """[(firm, "firm (strategy)", last recorded value, when)] of each firm that recorded
    diagnostic `name`: `when` is "" when the value is of the run's last step, else the step as
    the time axis names it ("week 27", "step 26")."""
    frame = run.diagnostics[name]
    labels = _firm_labels(run)
    found = []
    for j, firm in diagnostic_firms(run, name):
        values = frame.iloc[:, j].dropna()
        step = values.index[-1]
        found.append((firm, labels[j], float(values.iloc[-1]),
                      "" if step == run.steps[-1] else _time_point(run, step)))
    return found


def diagnostics_pages(run):
    """[(file name, [diagnostic, ...])] of the diagnostics figures: the diagnostics that some
    firm recorded, in the file's order, at most DIAGNOSTICS_PER_FIGURE to a figure (split
    evenly: 7 make 4 and 3); strategies.png, then strategies_2.png... [] when no firm recorded
    any (no figure)."""
    names = [name for name in run.diagnostics if diagnostic_firms(run, name)]
    if not names:
        return []
    count = -(-len(names) // DIAGNOSTICS_PER_FIGURE)
    size = -(-len(names) // count)
    pages = [names[i:i + size] for i in range(0, len(names), size)]
    return [("strategies.png" if k == 0 else f"strategies_{k + 1}.png", page)
            for k, page in enumerate(pages)]


def _isolated(values):
    """The recorded values with no recorded neighbour (a line cannot show them: a marker does)."""
    known = values.notna().to_numpy()
    before = np.concatenate([[False], known[:-1]])
    after = np.concatenate([known[1:], [False]])
    return known & ~before & ~after


def strategies(run, page=0):
    """The strategies' own diagnostics: one panel per diagnostic (figure `page` of
    diagnostics_pages), on a shared time axis, a line per firm that recorded it in the firm's
    colour and line style of the other figures; the y axis names the diagnostic and its units,
    the panel's title gives its description. None when no firm recorded any diagnostic."""
    pages = diagnostics_pages(run)
    if page >= len(pages):
        return None
    names = pages[page][1]
    labels, colours = _firm_labels(run), _colours(run)
    fig, axes = plt.subplots(len(names), 1, sharex=True, squeeze=False,
                             figsize=(10, 1.4 + 2.7 * len(names)), layout="constrained")
    time = run.time_values(run.steps)
    recorded = set()
    for ax, name in zip(axes[:, 0], names):
        frame = run.diagnostics[name]
        units = run.unit(name, "strategies")
        flag = units == "flag"
        for j, firm in diagnostic_firms(run, name):
            values = frame.iloc[:, j]
            recorded.add(firm)
            style = {"color": colours[j], "linestyle": LINE_STYLES[j % len(LINE_STYLES)],
                     "linewidth": 2.2 if j < 4 else 1.6}
            ax.plot(time, values.to_numpy(float), label=labels[j],
                    drawstyle="steps-mid" if flag else "default", **style)
            alone = _isolated(values)
            if alone.any():
                ax.scatter(np.asarray(time)[alone], values.to_numpy(float)[alone], s=18,
                           color=colours[j], zorder=3)
        _label_axis(ax, "y", name, units)
        ax.set_ylabel(textwrap.fill(ax.get_ylabel(), LABEL_WIDTH, break_on_hyphens=False))
        finite = frame.to_numpy(float)
        finite = finite[np.isfinite(finite)]
        if units != "fraction" and (finite.max() - finite.min() if finite.size else 0.0) < 10:
            # Money and count ticks are whole numbers (money_tick): a diagnostic in money that
            # moves by cents would read 1, 1, 1; plain ticks show its decimals.
            ax.yaxis.set_major_formatter(ScalarFormatter())
        if isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter):
            ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        if flag:
            ax.set_yticks([0, 1])
            ax.set_ylim(-0.1, 1.1)
        description = diagnostic_description(run, name)
        ax.set_title(textwrap.fill(f"{name}: {description}" if description else name,
                                   DESCRIPTION_WIDTH, break_on_hyphens=False),
                     loc="left", fontsize=10)
        ax.legend(title="recorded by", loc="center left", bbox_to_anchor=(1.01, 0.5),
                  fontsize=9, title_fontsize=9)
        ax.grid(alpha=0.3)
    if len(time) > 1:
        axes[0, 0].set_xlim(time.min(), time.max())
    _time_axis(axes[-1, 0], run)
    part = f" ({page + 1} of {len(pages)})" if len(pages) > 1 else ""
    fig.suptitle(_titled(run, f"{run.name}: the strategies' own diagnostics{part}",
                         "a panel per diagnostic (/strategies/<name>), a line per firm that "
                         "recorded it"))
    silent = [label for label, firm in zip(labels, run.firms) if firm not in recorded]
    if silent:
        fig.text(0.01, -0.01, textwrap.fill(
            f"Not drawn: {', '.join(silent)}, which recorded none of these diagnostics.", 120),
            ha="left", va="top", fontsize=9, color="dimgrey")
    return fig


def render_strategies(run):
    """The diagnostics figures of the run: [(file name, PNG bytes)]; [] when no firm recorded
    any diagnostic (a run without them gets no figure and no message)."""
    return [(name, png_bytes(strategies(run, k)))
            for k, (name, _) in enumerate(diagnostics_pages(run))]


# ---- experiments: the spread of each key result over the replications ----

MAX_POINTS_IN_LEGEND = 10  # more design points are coloured along a scale instead
RESULT_NAMES = {"roi": "ROI", "cumulative_profit": "cumulative profit (over the run)"}


def _short_key(path):
    """The last two parts of a key path: shocks.q3_cut.enabled -> q3_cut.enabled."""
    return ".".join(str(path).split(".")[-2:])


def point_label(point, settings):
    """A design point in words: "point 1: q3_cut.enabled=true, niche_entry.enabled=false"."""
    values = ", ".join(f"{_short_key(k)}={_setting(v)}" for k, v in settings.items())
    return f"point {point}" + (f": {values}" if values else "")


def _setting(value):
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() else f"{value:,.0f}"
    return str(value)


def _value_label(kind, name):
    """The label of a key result's value axis (or colour bar): "market share (%)", "profit per
    year (money)", the name alone for other kinds."""
    return f"{name} (%)" if kind == "share" else f"{name} (money)" if kind == "money" else name


def _value_formatter(kind):
    """The tick formatter of a key result's values by kind (percentages, thousands separators),
    or None to keep matplotlib's."""
    if kind == "share":
        return percent_formatter()
    if kind in ("money", "count"):
        return FuncFormatter(lambda v, _: f"{v:,.0f}")
    return None


def _value_axis(ax, kind, name):
    """Labels the value axis of a distribution figure and formats its ticks by kind."""
    ax.set_ylabel(_value_label(kind, name))
    formatter = _value_formatter(kind)
    if formatter is not None:
        ax.yaxis.set_major_formatter(formatter)


def experiment_distribution(run, metric, long, settings):
    """One key result over every run of an experiment: for each firm, a box per design point
    (box p25-p75, line the median, whiskers p5-p95, diamond the mean, a dot per run). A firm gets
    no box in a design point where it was in the market in no run, nor a place on the axis when
    it never was in any."""
    data = long[long["metric"] == metric]
    if "in_market" in data.columns:
        active = data.groupby(["point", "firm"])["in_market"].transform("any").astype(bool)
        data = data[active]
    firms = [f for f in run.firms if f in set(data["firm"])]
    points = sorted(set(data["point"]))
    many = len(points) > MAX_POINTS_IN_LEGEND
    palette = (plt.get_cmap("viridis") if many else plt.get_cmap("tab10"))
    colour = {p: palette(i / max(len(points) - 1, 1) if many else i % 10)
              for i, p in enumerate(points)}
    width = 0.8 / len(points)
    # A legend of the design points takes about 3 inches beside the axes.
    fig, ax = plt.subplots(figsize=(max(8.0, 1.2 + len(firms) * (0.5 + 0.35 * len(points)))
                                    + (0.0 if many else 3.0), 5.5))
    replications = data.groupby(["point", "firm"])["value"].count()
    for i, point in enumerate(points):
        for j, firm in enumerate(firms):
            values = data[(data["point"] == point) & (data["firm"] == firm)]["value"].dropna()
            if values.empty:
                continue
            x = j - 0.4 + width * (i + 0.5)
            if len(values) == 1:
                # One run: no box, median or mean to draw (they would all be one black line over
                # the design point's colour), so the run is a marker in that colour.
                ax.scatter([x], values.to_numpy(), s=70, color=colour[point], edgecolor="black",
                           linewidth=0.8, zorder=3)
                continue
            box = ax.boxplot([values.to_numpy()], positions=[x], widths=width * 0.85,
                             whis=(5, 95), showfliers=False, patch_artist=True,
                             medianprops={"color": "black", "linewidth": 1.6})
            for patch in box["boxes"]:
                patch.set_facecolor(colour[point])
                patch.set_alpha(0.75)
            # Every run as a dot in its design point's colour, spread evenly across the box's
            # width, so the colour shows even where the runs agree and the box is a line.
            offsets = np.linspace(-0.3, 0.3, len(values)) * width if len(values) > 1 else [0.0]
            ax.scatter(x + np.asarray(offsets), values.to_numpy(), s=9, color=colour[point],
                       edgecolor="black", linewidth=0.3, alpha=0.9, zorder=2.5)
            ax.scatter([x], [values.mean()], marker="D", s=22, color="white", edgecolor="black",
                       zorder=3)
    ax.set_xticks(range(len(firms)), _firm_labels_for(run, firms), rotation=15 if len(firms) > 4
                  else 0)
    ax.set_xlim(-0.5, len(firms) - 0.5)
    kind = formats.metric_kind(metric, run.unit(metric))
    name = RESULT_NAMES.get(metric, metric.replace("_", " "))
    _value_axis(ax, kind, name + (", last step" if metric == "market_share" else ""))
    ax.set_xlabel("firm (strategy)")
    ax.grid(axis="y", alpha=0.3)
    counts = sorted(set(int(c) for c in replications))
    changes = experiment_overrides(run.path)
    if counts[-1] <= 1:
        ax.set_title(_titled(run, f"{run.name}: {name}, every run of the experiment",
                             "one run per design point: no spread to show (a marker per run, "
                             "in its design point's colour)", changes=changes))
    else:
        runs_each = (f"{counts[0]} runs" if len(counts) == 1 else
                     f"{counts[0]}-{counts[-1]} runs") + " per design point"
        ax.set_title(_titled(run, f"{run.name}: {name}, every run of the experiment "
                             f"({runs_each})",
                             "box: middle half of the runs (p25-p75); line: median; whiskers: "
                             "p5-p95; diamond: mean; dots: the runs", changes=changes))
    if many:
        bar = fig.colorbar(plt.cm.ScalarMappable(
            cmap=palette, norm=plt.Normalize(min(points), max(points))), ax=ax)
        bar.set_label("design point (see the summary table)")
    else:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colour[p], alpha=0.75) for p in points]
        # Beside the axes, as in the other figures: below them it covered the firms' names.
        ax.legend(handles, [point_label(p, settings.get(p, {})) for p in points],
                  title="design point", loc="center left", bbox_to_anchor=(1.01, 0.5),
                  fontsize=9)
    fig.tight_layout()
    return fig


def _firm_labels_for(run, firms):
    strategies = dict(zip(run.firms, run.strategies))
    return [f"{f}\n({strategies[f]})" if strategies.get(f) else f for f in firms]


# Key results drawn against a swept number (experiment_response).
RESPONSE_METRICS = ("profit_per_year", "market_share")


def _varied_keys(run):
    """The key paths of /experiment/summary (its columns between design_point and metric, one
    per key the experiment varies); [] without a summary or such columns."""
    summary = run.experiment.get("summary")
    if summary is None or not len(summary) or "metric" not in summary.columns:
        return []
    columns = list(summary.columns)
    return columns[columns.index("design_point") + 1:columns.index("metric")] \
        if "design_point" in columns else []


def _numeric_key(summary, key):
    """True for a key column of numbers (not text such as true/false) taking two values or more."""
    column = summary[key]
    return (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
            and column.nunique() >= 2)


def swept_number(run):
    """The one key path an experiment's /experiment/summary varies, when it is a number taking
    at least two values; else None (no sweep, several keys, or text such as true/false)."""
    varied = _varied_keys(run)
    if len(varied) != 1 or not _numeric_key(run.experiment["summary"], varied[0]):
        return None
    return varied[0]


def experiment_response(run, metric, key):
    """A key result against the swept number `key`: for each firm, the mean over the design
    point's runs with its 95% confidence interval (/experiment/summary); design points where the
    firm was in the market in no run are left out."""
    summary = run.experiment["summary"]
    data = summary[summary["metric"] == metric].sort_values(key)
    fig, ax = plt.subplots(figsize=(8.0, 5.0))
    for firm, label, colour in zip(run.firms, _firm_labels(run), _colours(run)):
        rows = data[data["firm"] == firm]
        if "in_market" in rows.columns:
            rows = rows[rows["in_market"] > 0]
        if rows.empty:
            continue
        x, mean = rows[key].to_numpy(float), rows["mean"].to_numpy(float)
        ax.plot(x, mean, marker="o", color=colour, label=label)
        if {"ci95_low", "ci95_high"} <= set(rows.columns):
            ax.fill_between(x, rows["ci95_low"].to_numpy(float),
                            rows["ci95_high"].to_numpy(float), color=colour, alpha=0.2)
    kind = formats.metric_kind(metric, run.unit(metric))
    name = RESULT_NAMES.get(metric, metric.replace("_", " "))
    _value_axis(ax, kind, name + (", last step" if metric == "market_share" else ""))
    ax.set_xlabel(key_label(key, run.steps_per_year))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
    ax.grid(alpha=0.3)
    band = confidence_band(run, metric)
    ax.set_title(_titled(run, f"{run.name}: {name} against {_short_key(key)}", (
        "line: mean over the design point's runs; band: its 95% confidence interval"
        if band == "every point" else
        "line: mean over the design point's runs; band: its 95% confidence interval "
        "(none at a point with one run)" if band == "some points" else
        "line: each design point's one run (one run per design point: no confidence interval "
        "to draw)"),
        changes=experiment_overrides(run.path)))
    ax.legend(title="firm (strategy)", fontsize=9)
    fig.tight_layout()
    return fig


def one_run_per_point(run):
    """True for an experiment file with one run per design point (no spread to show)."""
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return False
    point = experiment_tables.point_column(runs)
    return len(runs) == 1 if point is None else int(runs.groupby(point).size().max()) <= 1


def confidence_band(run, metric):
    """How much of a 95% confidence interval experiment_response can draw for `metric`: "every
    point", "some points", or "none" (one run per design point: the interval is undefined)."""
    summary = run.experiment.get("summary")
    if summary is None or not {"ci95_low", "ci95_high"} <= set(summary.columns):
        return "none"
    rows = summary[summary["metric"] == metric]
    if "in_market" in rows.columns:
        rows = rows[rows["in_market"] > 0]
    defined = rows["ci95_low"].notna() & rows["ci95_high"].notna()
    return ("every point" if len(rows) and defined.all() else
            "some points" if defined.any() else "none")


# ---- experiments that sweep two numbers: a heatmap per firm (experiment_grid) ----

def swept_pair(run):
    """The two key paths an experiment's /experiment/summary varies, (across, up) in the order
    of its columns, when there are exactly two and both are numbers taking at least two values
    each; else None (no sweep, one key or three, or text such as true/false)."""
    varied = _varied_keys(run)
    if len(varied) != 2 or not all(_numeric_key(run.experiment["summary"], k) for k in varied):
        return None
    return tuple(varied)


def grid_problem(run, keys):
    """Why the design points of a two-number experiment do not form a full grid of the keys'
    values (each combination exactly one design point), or None when they do. A Latin hypercube
    design samples values that do not cross: a heatmap of it would have cells no design point
    fills."""
    summary = run.experiment["summary"]
    across, up = keys
    points = summary[["design_point", across, up]].drop_duplicates()
    if points[[across, up]].isna().any().any():
        return "some design points have no value of " + " or ".join(keys)
    cells = points.groupby([across, up]).size()
    wanted = points[across].nunique() * points[up].nunique()
    grid = f"{points[across].nunique()} x {points[up].nunique()} grid of {across} and {up}"
    if len(cells) < wanted:
        return (f"the design points do not form a full {grid}: {wanted - len(cells)} of its "
                f"{wanted} cells have no design point (as in a Latin hypercube design), and a "
                "heatmap would have to fill them in")
    if (cells > 1).any() or points["design_point"].duplicated().any():
        return (f"the design points do not form a {grid}: {int((cells > 1).sum())} of its cells "
                "have more than one design point")
    return None


def swept_grid(run):
    """(keys, problem) of the heatmap figures: ((across, up), None) when the experiment varies
    two numbers over a full grid; ((across, up), why not) when it varies two numbers but not
    over a full grid; (None, None) when it does not vary exactly two numbers (no figure, and
    nothing to say)."""
    keys = swept_pair(run)
    return (None, None) if keys is None else (keys, grid_problem(run, keys))


def _safe_key(key):
    """A key path as part of a file name (the one-key figures' rule)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)


def grid_figure_name(metric, keys):
    """experiment_<result>_by_<key across>_and_<key up>.png."""
    return f"experiment_{metric}_by_{_safe_key(keys[0])}_and_{_safe_key(keys[1])}.png"


GRID_MAX_WIDTH = 17.0  # inches: wider panels of a heatmap figure go on more rows


def _grid_layout(panels, width):
    """(rows, columns) of the small multiples of panels `width` inches wide: side by side up to
    three, two by two for four, three a row for more; fewer a row when they would not fit in
    GRID_MAX_WIDTH."""
    columns = panels if panels <= 3 else 2 if panels == 4 else 3
    columns = max(1, min(columns, int(GRID_MAX_WIDTH // width)))
    return -(-panels // columns), columns


def experiment_grid(run, metric, keys):
    """A key result over a two-number sweep as small multiples: a heatmap per firm, the first
    key across and the second up, each cell annotated with the mean over the design point's runs
    (/experiment/summary), on one colour scale shared by every panel, with a colour bar. Firms
    in the market in no run are left out and named under the figure; a cell where the firm was
    in the market in none of the design point's runs is grey ("not in market"). None when the
    design points do not form a full grid (grid_problem) or no firm was ever in the market."""
    if grid_problem(run, keys) is not None:
        return None
    across, up = keys
    summary = run.experiment["summary"]
    data = summary[summary["metric"] == metric]
    xs, ys = sorted(data[across].unique()), sorted(data[up].unique())
    present = "in_market" in data.columns
    firms = [f for f in run.firms if f in set(data["firm"])
             and (not present or data.loc[data["firm"] == f, "in_market"].sum() > 0)]
    if not firms:
        return None
    means, inside = {}, {}
    for firm in firms:
        rows = data[data["firm"] == firm]
        means[firm] = rows.pivot(index=up, columns=across, values="mean").reindex(
            index=ys, columns=xs).to_numpy(float)
        inside[firm] = (rows.pivot(index=up, columns=across, values="in_market").reindex(
            index=ys, columns=xs).to_numpy(float) > 0) if present else np.ones_like(means[firm],
                                                                                   bool)
        means[firm] = np.where(inside[firm], means[firm], np.nan)
    finite = np.concatenate([m[np.isfinite(m)] for m in means.values()])
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if low == high:
        low, high = low - max(abs(low), 1.0) * 0.01, high + max(abs(high), 1.0) * 0.01
    norm = plt.Normalize(low, high)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("lightgrey")
    kind = formats.metric_kind(metric, run.unit(metric))
    name = RESULT_NAMES.get(metric, metric.replace("_", " "))
    name += ", last step" if metric == "market_share" else ""
    width, height = max(3.8, 0.95 * len(xs) + 1.6), max(2.9, 0.5 * len(ys) + 1.9)
    rows, columns = _grid_layout(len(firms), width)
    fig, axes = plt.subplots(rows, columns, squeeze=False, constrained_layout=True,
                             figsize=(columns * width + 1.4, rows * height + 1.2))
    text_size = 9 if len(xs) <= 5 else 8
    labels = dict(zip(run.firms, _firm_labels(run)))
    for k, firm in enumerate(firms):
        ax = axes[k // columns, k % columns]
        image = ax.imshow(np.ma.masked_invalid(means[firm]), origin="lower", aspect="auto",
                          cmap=cmap, norm=norm)
        for i in range(len(ys)):
            for j in range(len(xs)):
                value = means[firm][i, j]
                if not inside[firm][i, j]:
                    text, colour = "not in\nmarket", "dimgrey"
                else:
                    text = formats.value(kind, value)
                    red, green, blue, _ = cmap(norm(value)) if np.isfinite(value) else (1, 1, 1, 1)
                    colour = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 \
                        else "white"
                ax.text(j, i, text, ha="center", va="center", fontsize=text_size, color=colour)
        ax.set_xticks(range(len(xs)), [_setting(float(v)) for v in xs])
        ax.set_yticks(range(len(ys)), [_setting(float(v)) for v in ys])
        ax.set_title(labels[firm], fontsize=11)
        if k % columns == 0:
            ax.set_ylabel(textwrap.fill(key_label(up, run.steps_per_year), int(height * 11),
                                        break_on_hyphens=False))
        if k + columns >= len(firms):  # no panel below: the key across is named here
            ax.set_xlabel(textwrap.fill(key_label(across, run.steps_per_year), int(width * 12),
                                        break_on_hyphens=False))
    for k in range(len(firms), rows * columns):
        axes[k // columns, k % columns].remove()
    bar = fig.colorbar(image, ax=list(axes.ravel()[:len(firms)]), format=_value_formatter(kind),
                       shrink=0.9)
    bar.set_label(_value_label(kind, name))
    counts = sorted(set(int(c) for c in data["n"])) if "n" in data.columns else []
    if counts and counts[-1] <= 1:
        cell = "cell: the design point's one run (one run per design point: no mean to take)"
    else:
        each = ("" if not counts else f" ({counts[0]} runs each)" if len(counts) == 1 else
                f" ({counts[0]}-{counts[-1]} runs each)")
        cell = f"cell: mean over the design point's runs{each}"
    more = ["grey: the firm was in the market in none of the design point's runs"] \
        if any(not inside[f].all() for f in firms) else []
    fig.suptitle(_titled(run, f"{run.name}: {name} by {_short_key(across)} and "
                              f"{_short_key(up)}", cell + "; one colour scale for every firm",
                         *more, changes=experiment_overrides(run.path)))
    left_out = [f for f in run.firms if f not in firms]
    if left_out:
        names = left_out[0] if len(left_out) == 1 else \
            ", ".join(left_out[:-1]) + " and " + left_out[-1]
        fig.text(0.01, -0.01, f"{names}: {NOT_IN_MARKET} in any run of the experiment; not "
                 "drawn.", ha="left", va="top", fontsize=9, color="dimgrey")
    return fig


# ---- experiments that sweep a number and a few-valued key: a line per value (experiment_lines)

MAX_LINES = 6  # values of the few-valued key drawn as lines of their own; more are not drawn
PERCENTILES = ("p5", "p50", "p95")  # the columns of /experiment/summary experiment_lines draws


def _key_values(summary, key):
    """The values a key column of /experiment/summary takes, in the order of the design points
    that first set them."""
    return list(dict.fromkeys(summary.sort_values("design_point")[key].dropna())) \
        if "design_point" in summary.columns else list(dict.fromkeys(summary[key].dropna()))


def _few_valued(summary, key):
    """True for a key column that is not a number (true/false, a name) taking two values or
    more; any number of values (MAX_LINES is checked where the figure is planned)."""
    return not _numeric_key(summary, key) and summary[key].nunique() >= 2


def swept_number_and_category(run):
    """(number, category) when /experiment/summary varies exactly two keys, one a number taking
    at least two values and the other a few-valued key that is not a number (true/false, a
    name) taking from two to MAX_LINES values; else None."""
    varied = _varied_keys(run)
    if len(varied) != 2:
        return None
    summary = run.experiment["summary"]
    for number, category in (varied, varied[::-1]):
        if (_numeric_key(summary, number) and _few_valued(summary, category)
                and summary[category].nunique() <= MAX_LINES):
            return number, category
    return None


def lines_figure_name(metric, keys):
    """experiment_<result>_by_<number>_for_each_<category>.png."""
    return f"experiment_{metric}_by_{_safe_key(keys[0])}_for_each_{_safe_key(keys[1])}.png"


def _in_market_rows(rows):
    """The rows of /experiment/summary where the firm was in the market in at least one run."""
    return rows[rows["in_market"] > 0] if "in_market" in rows.columns else rows


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
    colours = {v: plt.get_cmap("tab10")(i % 10) for i, v in enumerate(values)}
    columns = min(len(firms), 2 if len(firms) == 4 else 3)
    rows = -(-len(firms) // columns)
    # Each panel has its own value scale: the lines to compare are those within a panel.
    fig, axes = plt.subplots(rows, columns, squeeze=False, constrained_layout=True,
                             figsize=(columns * 5.0 + 1.8, rows * 3.6 + 1.3))
    labels = dict(zip(run.firms, _firm_labels(run)))
    kind = formats.metric_kind(metric, run.unit(metric))
    result = RESULT_NAMES.get(metric, metric.replace("_", " "))
    name = result + (", last step" if metric == "market_share" else "")
    for k, firm in enumerate(firms):
        ax = axes[k // columns, k % columns]
        for value in values:
            points = data[(data["firm"] == firm) & (data[category] == value)].sort_values(number)
            if points.empty:
                continue
            x = points[number].to_numpy(float)
            ax.plot(x, points["p50"].to_numpy(float), marker="o", color=colours[value],
                    label=_setting(value))
            ax.fill_between(x, points["p5"].to_numpy(float), points["p95"].to_numpy(float),
                            color=colours[value], alpha=0.2, linewidth=0)
        ax.set_title(labels[firm], fontsize=11)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        formatter = _value_formatter(kind)
        if formatter is not None:
            ax.yaxis.set_major_formatter(formatter)
        if k % columns == 0:
            ax.set_ylabel(_value_label(kind, name))
        if k + columns >= len(firms):  # no panel below: the number is named here
            ax.set_xlabel(textwrap.fill(key_label(number, run.steps_per_year), 60,
                                        break_on_hyphens=False))
    for k in range(len(firms), rows * columns):
        axes[k // columns, k % columns].remove()
    handles = [(plt.Rectangle((0, 0), 1, 1, color=colours[v], alpha=0.2, linewidth=0),
                plt.Line2D([], [], color=colours[v], marker="o")) for v in values]
    fig.legend(handles, [_setting(v) for v in values], title=_short_key(category),
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    counts = sorted(set(int(c) for c in data["n"])) if "n" in data.columns else []
    if counts and counts[-1] <= 1:
        how = ("line: each design point's one run (one run per design point: no spread to "
               "show)")
    else:
        each = ("" if not counts else f" ({counts[0]} runs each)" if len(counts) == 1 else
                f" ({counts[0]}-{counts[-1]} runs each)")
        how = (f"line: median of the design point's runs{each}; band: p5-p95 of those runs")
    fig.suptitle(_titled(run, f"{run.name}: {result} against {_short_key(number)}, for each "
                              f"{_short_key(category)}", how,
                         changes=experiment_overrides(run.path)))
    left_out = [f for f in run.firms if f not in firms]
    if left_out:
        names = left_out[0] if len(left_out) == 1 else \
            ", ".join(left_out[:-1]) + " and " + left_out[-1]
        fig.text(0.01, -0.01, f"{names}: {NOT_IN_MARKET} in any run of the experiment; not "
                 "drawn.", ha="left", va="top", fontsize=9, color="dimgrey")
    return fig


# ---- which figures against the swept keys an experiment gets, and why not ----

def _listed(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _shown_values(summary, key):
    values = [_setting(v) for v in _key_values(summary, key)]
    return ", ".join(values[:MAX_LINES]) + (", ..." if len(values) > MAX_LINES else "")


def _design_problem(run, varied):
    """Why a sweep of the keys `varied` gets no figure against them (none of the shapes
    experiment_response, experiment_grid and experiment_lines draw)."""
    summary = run.experiment["summary"]
    single = [k for k in varied if summary[k].nunique() < 2]
    if single:
        return (f"{_listed(single)} {'takes' if len(single) == 1 else 'take'} one value only, "
                "so there is nothing to draw against")
    numbers = [k for k in varied if _numeric_key(summary, k)]
    others = [k for k in varied if k not in numbers]
    if len(varied) == 1:
        return (f"{varied[0]} is not a number (its values: {_shown_values(summary, varied[0])}), "
                "so there is no axis to draw it along; each of its values is a design point "
                "of the experiment_<result>.png figures")
    if len(varied) == 2 and len(numbers) == 1:
        return (f"{others[0]} takes {summary[others[0]].nunique()} values, too many for a line "
                f"each (at most {MAX_LINES}); each design point is in the experiment_<result>.png "
                "figures")
    if len(varied) == 2:
        return (f"neither {varied[0]} nor {varied[1]} is a number, so there is no axis to draw "
                "them along; each combination is a design point of the experiment_<result>.png "
                "figures")
    return (f"the experiment varies {len(varied)} keys ({', '.join(varied)}); figures against "
            "the keys are drawn for one number, two numbers over a full grid, or a number and a "
            f"key of at most {MAX_LINES} values; each design point is in the "
            "experiment_<result>.png figures")


def _swept_without_summary(run):
    """The keys /experiment/runs varies over its design points when the file has no
    /experiment/summary (with its design_point and metric columns) to draw them from; else []."""
    summary = run.experiment.get("summary")
    runs = run.experiment.get("runs")
    if runs is None or not len(runs) or (summary is not None and len(summary)
                                         and {"design_point", "metric"} <= set(summary.columns)):
        return []
    return [c for c in experiment_tables.swept_columns(runs, run.firms)
            if runs[c].nunique() >= 2]


def experiment_by_plan(run):
    """The figures of the key results against the swept keys: ([(file name, metric, draw)],
    [(file name, why not drawn)]), where draw() returns the figure. One number:
    experiment_response; two numbers over a full grid: experiment_grid; a number and a
    few-valued key: experiment_lines. Any other sweep, a result /experiment/summary lacks or no
    firm in the market in any run is said, once per result (RESPONSE_METRICS); an experiment
    that varies nothing gets neither."""
    missing = _swept_without_summary(run)
    if missing:
        return [], [(f"experiment_{metric}_by_" + "_and_".join(_safe_key(k) for k in missing)
                     + ".png", "the file has no /experiment/summary (by design point and "
                     "result), whose statistics these figures draw")
                    for metric in RESPONSE_METRICS]
    varied = _varied_keys(run)
    if not varied:
        return [], []
    summary = run.experiment["summary"]
    number, keys, pair = swept_number(run), swept_pair(run), swept_number_and_category(run)
    if number is not None:
        def name_of(metric):
            return f"experiment_{metric}_by_{_safe_key(number)}.png"
        problem, draw = None, lambda metric: experiment_response(run, metric, number)
    elif keys is not None:
        def name_of(metric):
            return grid_figure_name(metric, keys)
        problem, draw = grid_problem(run, keys), lambda metric: experiment_grid(run, metric, keys)
    elif pair is not None:
        def name_of(metric):
            return lines_figure_name(metric, pair)
        lacking = [c for c in PERCENTILES if c not in summary.columns]
        problem = (f"/experiment/summary has no {_listed(lacking)} column"
                   f"{'s' if len(lacking) > 1 else ''}" if lacking else None)
        draw = lambda metric: experiment_lines(run, metric, pair)  # noqa: E731
    else:
        def name_of(metric):
            return f"experiment_{metric}_by_" + "_and_".join(_safe_key(k) for k in varied) \
                + ".png"
        problem, draw = _design_problem(run, varied), None
    made, skipped = [], []
    for metric in RESPONSE_METRICS:
        rows = summary[summary["metric"] == metric]
        if problem is not None:
            skipped.append((name_of(metric), problem))
        elif rows.empty:
            skipped.append((name_of(metric), f"/experiment/summary has no {metric} rows"))
        elif _in_market_rows(rows).empty:
            skipped.append((name_of(metric), "no firm was in the market in any run"))
        else:
            made.append((name_of(metric), metric, lambda m=metric: draw(m)))
    return made, skipped


def experiment_skipped(run):
    """The figures against the swept keys that the file's design does not allow, with why:
    [(file name, why)] (experiment_by_plan). A two-number sweep whose design points do not form a
    full grid gets no heatmaps, a sweep of a key that is not a number alone or of three keys no
    figure against them; an experiment that varies nothing has nothing to report here."""
    return experiment_by_plan(run)[1]


def render_experiment(run):
    """The distribution figure of every key result of an experiment file, over all its runs,
    then the key results against the swept keys that the design allows (experiment_by_plan: for
    a sweep of one number, experiment_response; for a full grid of two numbers,
    experiment_grid; for a number and a few-valued key, experiment_lines): [(file name, PNG
    bytes, metric)]; [] for a single-run file or one without per-firm results in
    /experiment/runs."""
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return []
    long = experiment_tables.results_long(runs, run.firms)
    settings = experiment_tables.point_settings(runs, run.firms)
    made = []
    for metric in dict.fromkeys(long["metric"]):
        fig = experiment_distribution(run, metric, long, settings)
        made.append((f"experiment_{metric}.png", png_bytes(fig), metric))
    for name, metric, draw in experiment_by_plan(run)[0]:
        fig = draw()
        if fig is not None:
            made.append((name, png_bytes(fig), metric))
    return made


# (file name, function) of every figure, in reading order.
FIGURES = [
    ("market_share.png", market_share),
    ("share_quadrant.png", share_quadrant),
    ("awareness.png", awareness),
    ("profit_roi.png", profit_roi),
    ("obsolescence.png", obsolescence),
    ("segment_heatmap.png", segment_heatmap),
]
SKIP_REASONS = {
    "obsolescence.png": "the run recorded no durables metrics (failures, replacements, "
                        "installed_base, /market/saturation)",
}


def png_bytes(fig):
    """The figure as PNG bytes; closes it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def render(run):
    """Every figure the run's data allow: ([(file name, PNG bytes)], [(file name, why skipped)]).
    The diagnostics figures (strategies.png...) come last, and only for a run whose strategies
    recorded diagnostics; a run without them is not told they were skipped."""
    made, skipped = [], []
    for name, function in FIGURES:
        fig = function(run)
        if fig is None:
            skipped.append((name, SKIP_REASONS.get(name, "no data")))
        else:
            made.append((name, png_bytes(fig)))
    made += render_strategies(run)  # only when the strategies recorded diagnostics
    return made, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.plot",
                                     description="Write PNG figures of a marketsim run.")
    add_run_arguments(parser)
    parser.add_argument("--out", required=True, help="directory for the PNG files")
    args = parser.parse_args(argv)
    try:
        check_writable_directory(args.out)
    except OSError as error:
        return bad_input(error)
    run = load_run_or_report(args)
    if run is None:
        return 2
    os.makedirs(args.out, exist_ok=True)
    made, skipped = render(run)
    for name, data in made:
        path = os.path.join(args.out, name)
        with open(path, "wb") as out:
            out.write(data)
        print(f"wrote {path}")
    for name, why in skipped:
        print(f"skipped {name}: {why}")
    for name, data, _ in render_experiment(run):
        path = os.path.join(args.out, name)
        with open(path, "wb") as out:
            out.write(data)
        print(f"wrote {path} (every run of the experiment)")
    for name, why in experiment_skipped(run):
        print(f"skipped {name}: {why}")
    return 0


if __name__ == "__main__":
    run_main(main)
