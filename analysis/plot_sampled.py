"""Key results of an experiment whose design points are sampled (a Latin hypercube,
experiment.design.latin_hypercube): a panel per sampled key, the result of every run against the
key's value with the mean of the runs in equal-width bins as a trend (experiment_sampled)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analysis import experiment_tables, formats  # noqa: E402
from analysis.load import experiment_overrides  # noqa: E402
from analysis.plot_experiment import (RESULT_NAMES, _value_label,  # noqa: E402
                                      key_in_words, value_ticks)
from analysis.plot_format import (LINE_STYLES, _colours, _firm_labels,  # noqa: E402
                                  _note_left_out, _titled, share_when)
from analysis.point_words import axis_label  # noqa: E402
from analysis.sweep_design import sampled_keys  # noqa: E402


def bin_count(values):
    """How many equal-width bins the trend of a sampled key uses: about the square root of its
    distinct values, from 3 to 8 (fewer when it takes fewer values)."""
    distinct = len(set(np.asarray(values, dtype=float)))
    return max(1, min(distinct, 8, max(3, round(distinct ** 0.5))))


def binned_means(x, y, bins):
    """(centre of each bin's runs along x, mean of their y) of `bins` equal-width bins of x's
    range, leaving out the bins no run fell in."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    edges = np.linspace(x.min(), x.max(), bins + 1)
    which = np.clip(np.digitize(x, edges[1:-1]), 0, bins - 1)
    found = [(x[which == b].mean(), y[which == b].mean()) for b in range(bins)
             if (which == b).any()]
    return np.array([f[0] for f in found]), np.array([f[1] for f in found])


def experiment_sampled(run, metric):
    """A key result against each sampled key of a Latin hypercube experiment: a panel per key,
    a dot per run and firm (from /experiment/runs) at the value the run's design point drew, and
    a line per firm through the mean of the runs in each of bin_count equal-width bins of the
    key. Runs where the firm was not in the market are left out; a firm never in the market is
    named under the figure. None without sampled keys or results for `metric`."""
    keys = sampled_keys(run)
    runs = run.experiment.get("runs")
    long = experiment_tables.results_long(runs, run.firms) if keys else None
    if not keys or long is None or long.empty:
        return None
    data = long[(long["metric"] == metric) & long["in_market"].astype(bool)]
    firms = [f for f in run.firms if f in set(data["firm"])]
    if not firms:
        return None
    point = experiment_tables.point_column(runs)
    if point is None:
        return None
    settings = runs.set_index(point)[keys]
    settings = settings[~settings.index.duplicated()]
    columns = min(len(keys), 3)
    rows = -(-len(keys) // columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False, sharey=True, constrained_layout=True,
                             figsize=(4.8 * columns + 2.6, 3.8 * rows + 1.4))
    kind = formats.metric_kind(metric, run.unit(metric))
    name = RESULT_NAMES.get(metric, metric.replace("_", " "))
    name += share_when(run, metric)
    styles = {f: (label, colour, LINE_STYLES[j % len(LINE_STYLES)]) for j, (f, label, colour)
              in enumerate(zip(run.firms, _firm_labels(run), _colours(run)))}
    handles = {}
    for k, key in enumerate(keys):
        ax = axes[k // columns, k % columns]
        bins = bin_count(settings[key])
        for firm in firms:
            rows_of = data[data["firm"] == firm]
            x = settings.loc[rows_of["point"], key].to_numpy(float)
            y = rows_of["value"].to_numpy(float)
            label, colour, style = styles[firm]
            ax.scatter(x, y, s=12, color=colour, alpha=0.45, linewidth=0)
            centres, means = binned_means(x, y, bins)
            handles[firm] = ax.plot(centres, means, color=colour, linestyle=style, marker="o",
                                    markersize=4, linewidth=2, label=label)[0]
        ax.set_xlabel(axis_label(key, run.steps_per_year, 45))
        ax.set_title(f"{key_in_words(key)} ({bins} bins)", fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        ax.grid(alpha=0.3)
        if k % columns == 0:
            ax.set_ylabel(_value_label(kind, name))
        value_ticks(ax, kind, flat=False)  # the panels share their value axis
    for k in range(len(keys), rows * columns):
        axes[k // columns, k % columns].remove()
    fig.legend([handles[f] for f in firms], [styles[f][0] for f in firms],
               title="firm (strategy)", loc="center left", bbox_to_anchor=(1.0, 0.5))
    samples = len(settings)
    per_point = runs.groupby(point).size()
    replications = (f" x {per_point.iloc[0]} replications" if per_point.nunique() == 1 else
                    " x 1 or more replications")
    lines = [f"dots: every run ({len(runs)}: {samples} sampled design points{replications}); "
             "line: mean of the runs in equal-width bins of the key"]
    if len(keys) > 1:
        lines.append("every sampled key varies at once: the spread at a value includes the "
                     "other keys' effects")
    others = [k for k in experiment_tables.swept_columns(runs, run.firms)
              if k not in keys and runs[k].nunique() > 1]
    if others:
        lines.append("also varied, not drawn apart: " + ", ".join(key_in_words(k)
                                                                    for k in others))
    fig.suptitle(_titled(run, f"{run.name}: {name} against the sampled keys "
                              "(Latin hypercube)", *lines,
                         changes=experiment_overrides(run.path)))
    _note_left_out(fig, run, firms)
    return fig
