"""The distribution figures of an experiment file (experiment_<result>.png: a box per
design point and firm over every run), and the value axes the other experiment figures share
(their design points in words: point_words)."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analysis import experiment_tables, formats  # noqa: E402
from analysis.load import experiment_overrides  # noqa: E402
from analysis.plot_format import (_titled, percent_formatter, share_when,  # noqa: E402
                                  whole_locator)
from analysis.point_words import (_setting, baseline_point, key_in_words,  # noqa: E402,F401
                                  point_label, run_point_labels, switched_shocks)


# ---- experiments: the spread of each key result over the replications ----

MAX_POINTS_IN_LEGEND = 10  # more design points are coloured along a scale instead
LEGEND_WIDTH = 42  # characters a line of a design point's legend entry holds at most
LEGEND_LINES = 4  # lines a design point's legend entry takes at most (cut with " ...")
SHOCKS_WIDTH = 110  # characters a title's line of the shocks switched by design point holds
RESULT_NAMES = {"roi": "ROI (profit over marketing spend and program rewards)",
                "cumulative_profit": "cumulative profit (over the run)",
                "revenue": "revenue (over the run)",
                "marketing_spend": "marketing spend (over the run)",
                "program_cost": "program cost (loyalty and referral rewards, over the run)"}


def replications_words(rows):
    """How many runs each design point's statistics in `rows` (of /experiment/summary, its `n`
    column) are over: "5 replications", "3-5 replications" when they differ; "" without an `n`
    column or rows."""
    if "n" not in rows.columns or not len(rows):
        return ""
    counts = sorted(set(int(c) for c in rows["n"].dropna()))
    if not counts:
        return ""
    many = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    return f"{many} replication{'' if counts[-1] == 1 else 's'}"


def _value_label(kind, name):
    """The label of a key result's value axis (or colour bar): "market share (%)", "profit per
    year (money)", the name alone for other kinds."""
    return f"{name} (%)" if kind == "share" else f"{name} (money)" if kind == "money" else name


def whole_tick(value, _position=None):
    """A money or count tick of a key result: a whole number with thousands separators (-70,000),
    never "-0" (a tick just below 0 rounds to 0)."""
    return f"{0.0 if round(value) == 0 else value:,.0f}"


def _value_formatter(kind):
    """The tick formatter of a key result's values by kind (percentages, thousands separators),
    or None to keep matplotlib's."""
    if kind == "share":
        return percent_formatter()
    if kind in ("money", "count"):
        return FuncFormatter(whole_tick)
    return None


# The half-height of the value axis of a panel whose values are all one value v: |v| / 10, and at
# least this much by kind (a share of 0: from -1% to 1%; money or a count of 0: -1 to 1).
FLAT_MARGIN = {"share": 0.01, "money": 1.0, "count": 1.0}


def value_ticks(ax, kind, flat=True):
    """Formats the value (y) axis's ticks by kind (_value_formatter): for money and counts,
    whole numbers (integer ticks: a formatter of whole numbers on ticks 0.02 apart would read 0,
    0, 0, -0); and, with `flat`, a panel whose values are all one value (a firm that never sold:
    profit 0 in every run) gets one tick, at that value, in the middle of the panel, not
    matplotlib's ticks around a range of nothing. `flat` only for an axis of its own (not
    shared): it reads what the panel drew."""
    formatter = _value_formatter(kind)
    if formatter is not None:
        ax.yaxis.set_major_formatter(formatter)
    if kind in ("money", "count"):
        ax.yaxis.set_major_locator(whole_locator())
    if not flat:
        return
    low, high = (float(v) for v in ax.dataLim.intervaly)
    if np.isfinite([low, high]).all() and high - low <= 1e-12 * max(1.0, abs(high)):
        margin = max(abs(high) / 10, FLAT_MARGIN.get(kind, 0.1))
        ax.set_ylim(high - margin, high + margin)
        ax.set_yticks([high])


def _value_axis(ax, kind, name):
    """Labels the value axis of a distribution figure and formats its ticks by kind
    (value_ticks); call it once the panel is drawn."""
    ax.set_ylabel(_value_label(kind, name))
    value_ticks(ax, kind)


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
    _value_axis(ax, kind, name + share_when(run, metric))
    ax.set_xlabel("firm (strategy)")
    ax.grid(axis="y", alpha=0.3)
    counts = sorted(set(int(c) for c in replications))
    changes = experiment_overrides(run.path)
    shocks = switched_shocks(run, {k for p in points for k in settings.get(p, {})})
    more = [textwrap.fill(shocks, SHOCKS_WIDTH, break_on_hyphens=False)] if shocks else []
    if counts[-1] <= 1:
        ax.set_title(_titled(run, f"{run.name}: {name}, every run of the experiment",
                             "one run per design point: no spread to show (a marker per run, "
                             "in its design point's colour)", *more, changes=changes))
    else:
        runs_each = (f"{counts[0]} runs" if len(counts) == 1 else
                     f"{counts[0]}-{counts[-1]} runs") + " per design point"
        ax.set_title(_titled(run, f"{run.name}: {name}, every run of the experiment "
                             f"({runs_each})",
                             "box: middle half of the runs (p25-p75); line: median; whiskers: "
                             "p5-p95; diamond: mean; dots: the runs", *more, changes=changes))
    if many:
        bar = fig.colorbar(plt.cm.ScalarMappable(
            cmap=palette, norm=plt.Normalize(min(points), max(points))), ax=ax)
        bar.set_label("design point (" + ("0: the baseline; " if baseline_point(run) == 0
                                          else "") + "see the summary table)")
    else:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colour[p], alpha=0.75) for p in points]
        # Beside the axes, as in the other figures: below them it covered the firms' names.
        # Each design point in words, wrapped (and cut after a few lines) to the legend's width;
        # a key every design point sets is named once, in the title.
        key, labels = run_point_labels(run, points, settings, LEGEND_WIDTH, LEGEND_LINES)
        ax.legend(handles, [labels[p] for p in points],
                  title=textwrap.fill("design point" + (f": {key}" if key else ""),
                                      LEGEND_WIDTH, break_on_hyphens=False),
                  loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    fig.tight_layout()
    return fig


def _firm_labels_for(run, firms):
    strategies = dict(zip(run.firms, run.strategies))
    return [f"{f}\n({strategies[f]})" if strategies.get(f) else f for f in firms]


def one_run_per_point(run):
    """True for an experiment file with one run per design point (no spread to show)."""
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return False
    point = experiment_tables.point_column(runs)
    return len(runs) == 1 if point is None else int(runs.groupby(point).size().max()) <= 1
