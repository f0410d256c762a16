"""Market share over time across the replications of an experiment: per design point (a small
panel each) and firm, the mean over the replications as a line and its t-based 95% confidence
interval as a band (experiment_share_over_time). A run's market share is undefined in a step where
it sold nothing (marketsim records 0 there): that run is left out of the step's mean and band,
and a step where no run sold anything is a gap, as market_share.png leaves it blank."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402

from analysis import experiment_tables  # noqa: E402
from analysis import hdf5_read as rd  # noqa: E402
from analysis.load import LayoutError, check_shape, experiment_overrides, run_ids  # noqa: E402
from analysis.plot_experiment import SHOCKS_WIDTH  # noqa: E402
from analysis.plot_format import (LINE_STYLES, _colours, _firm_labels, _label_axis,  # noqa: E402
                                  _note_left_out, _titled, draw_series, mark_shocks,
                                  time_ticks)
from analysis.point_words import run_point_labels, switched_shocks  # noqa: E402
from analysis.share_gaps import without_sales  # noqa: E402
from analysis.student_t import mean_and_ci95  # noqa: E402


OVER_TIME_FIGURE = "experiment_market_share_over_time.png"
MAX_PANELS = 9  # design points drawn at most; more are thinned evenly (first and last kept)
TITLE_WIDTH, TITLE_LINES = 60, 3  # a panel's title: characters a line, lines at most (" ...")


def share_by_point(run):
    """{design point: (market share [replications x steps x firms], the resolved scenario text
    of its first run)} read from every /runs/<id>/market/market_share of the experiment file,
    in design-point order, NaN in the steps where the run sold nothing (_market_share); {} for a
    file without /experiment/runs. Runs of unequal length (an unfinished one) are cut to the
    shortest.

    @throws LayoutError when a run's market_share (or units) is not [its steps x the firms of
    `run`].
    """
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return {}
    point = experiment_tables.point_column(runs)
    column = next((c for c in ("run", "run_id", "id") if c in runs.columns), None)
    groups = {int(name): name for name in run_ids(run.path) if name.isdigit()}
    found = {}
    with rd.open_file(run.path) as f:
        for number, row in runs.iterrows():
            name = groups.get(int(row[column]) if column else int(number))
            if name is None:
                continue
            group = f[f"runs/{name}"]
            key = row[point] if point else 0
            shares, text = found.setdefault(key, ([], rd.scalar_text(group, "scenario")))
            shares.append(_market_share(run, group))
    result = {}
    for key in sorted(found):
        shares, text = found[key]
        steps = min(len(s) for s in shares)
        result[key] = (np.stack([s[:steps] for s in shares]), text)
    return result


def _market_share(run, group):
    """market/market_share of the experiment's run `group`, [steps x firms] (steps: its /step,
    or its own rows without one; firms: those of `run`, as every run has them), NaN in every
    step where the run sold nothing (by its market/units; without them, where every share is
    0): marketsim records a share of 0 there, where it is undefined
    (share_gaps.without_sales).

    @throws LayoutError when it, or market/units, has another shape.
    """
    share = group["market/market_share"]
    if "step" in group:
        step = group["step"]
        if not isinstance(step, h5py.Dataset) or step.ndim != 1:
            shape = f"shape {step.shape}" if isinstance(step, h5py.Dataset) else "no shape"
            raise LayoutError(f"'{run.path}': {group.name}/step has {shape}, expected (steps,)")
        steps = step.shape[0]
    else:
        steps = share.shape[0] if share.ndim else 0
    lengths = {"step": steps, "firm": len(run.firms)}
    check_shape(run.path, share, lengths)
    units = group.get("market/units")
    if isinstance(units, h5py.Dataset):
        check_shape(run.path, units, lengths)
        units = units[()]
    else:
        units = None
    return without_sales(share[()], units)


def _firms_in(runs, firms, points):
    """{design point: [firms in the market in at least one of its runs]} (the runs'
    in_market:<firm> flags; every firm when the file has none)."""
    point = experiment_tables.point_column(runs)
    inside = {}
    for key in points:
        rows = runs[runs[point] == key] if point else runs
        inside[key] = [f for f in firms if f"in_market:{f}" not in rows.columns
                       or rows[f"in_market:{f}"].astype(bool).any()]
    return inside


def _shown_points(points):
    """The design points to draw: all of them up to MAX_PANELS, else MAX_PANELS spread evenly
    from the first to the last."""
    if len(points) <= MAX_PANELS:
        return list(points)
    picks = np.linspace(0, len(points) - 1, MAX_PANELS).round().astype(int)
    return [points[i] for i in dict.fromkeys(picks)]


def share_band(shares):
    """The mean of `shares` [runs, steps, firms] over the runs, and its t-based 95% confidence
    interval (low, high) within [0, 1], where a share lies: over a few runs the interval can reach
    past it (to 300% with two), which a band would draw as shares no run could have. A run whose
    share is NaN in a step (it sold nothing there) is left out of that step's mean and interval
    (student_t.mean_and_ci95): the mean is NaN where no run sold anything, the bounds where
    fewer than two did."""
    mean, low, high = mean_and_ci95(shares)
    return mean, np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def experiment_share_over_time(run):
    """Each firm's market share over time across an experiment's replications: a panel per
    design point (at most MAX_PANELS, thinned evenly), in it a line per firm through the mean
    over the design point's runs at each step, and a band for the t-based 95% confidence interval
    of that mean (Student t with n - 1 degrees of freedom, as /experiment/summary computes it for
    the last step). Shocks that a design point's runs applied, and the new product generations
    they launched, are marked on its panel. A run that sold nothing in a step is left out of the
    step's mean and band (its share is undefined there), and a step where none of the design
    point's runs sold anything is a gap in the line; the title says so when any run of a panel
    drawn did. A firm
    in the market in none of a design point's runs is not drawn there; one never in the market
    is named under the figure. None when no design point has two runs or more."""
    data = share_by_point(run)
    counts = {key: len(shares) for key, (shares, _) in data.items()}
    if not data or max(counts.values()) < 2:
        return None
    runs = run.experiment["runs"]
    settings = experiment_tables.point_settings(runs, run.firms)
    points = list(data)
    shown = _shown_points(points)
    inside = _firms_in(runs, run.firms, shown)
    # Each panel's design point in words; a key every design point sets is named once, above.
    varied, labels = run_point_labels(run, shown, settings)
    columns = 1 if len(shown) == 1 else 2 if len(shown) in (2, 4) else 3
    rows = -(-len(shown) // columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False, sharex=True, sharey=True,
                             figsize=(4.6 * columns + 2.6, 3.3 * rows + 1.6),
                             constrained_layout=True)
    styles = {firm: (label, colour, LINE_STYLES[j % len(LINE_STYLES)]) for j, (firm, label, colour)
              in enumerate(zip(run.firms, _firm_labels(run), _colours(run)))}
    drawn, top, gaps = {}, 0.0, False
    for k, key in enumerate(shown):
        ax = axes[k // columns, k % columns]
        shares, text = data[key]
        gaps = gaps or bool(np.isnan(shares).any())
        time = run.time_values(range(shares.shape[1]))
        mean, low, high = share_band(shares)
        for j, firm in enumerate(run.firms):
            if firm not in inside[key]:
                continue
            label, colour, style = styles[firm]
            drawn[firm] = draw_series(ax, time, mean[:, j], color=colour, linestyle=style,
                                      linewidth=1.8, label=label)
            ax.fill_between(time, low[:, j], high[:, j], color=colour, alpha=0.25, linewidth=0)
        mark_shocks(ax, run, text)
        ax.set_title(textwrap.fill(labels[key] + f" ({counts[key]} runs)", TITLE_WIDTH,
                                   break_long_words=False, break_on_hyphens=False,
                                   max_lines=TITLE_LINES, placeholder=" ..."), fontsize=9)
        ax.grid(alpha=0.3)
        highest = np.fmax(mean, high)
        if np.isfinite(highest).any():
            top = max(top, float(np.nanmax(highest)))
        time_ticks(ax, time)  # whole weeks, months or steps
        if k % columns == 0:
            _label_axis(ax, "y", "market share", run.unit("market_share"))
        if k + columns >= len(shown):  # no panel below: the time axis is labelled here
            ax.set_xlabel(run.time_label())
            ax.xaxis.set_tick_params(labelbottom=True)
    axes[0, 0].set_ylim(0, max(top, 0.01) * 1.05)  # one scale for every panel (shared)
    for k in range(len(shown), rows * columns):
        axes[k // columns, k % columns].remove()
    firms = [f for f in run.firms if f in drawn]
    fig.legend([drawn[f] for f in firms], [styles[f][0] for f in firms], title="firm (strategy)",
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    sizes = sorted(set(counts[key] for key in shown))
    many = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
    period = run.time_label()
    degrees = ("n - 1 degrees of freedom" if len(sizes) > 1 or gaps else
               "1 degree of freedom" if sizes[0] == 2 else f"{sizes[0] - 1} degrees of freedom")
    lines = [f"line: mean of the design point's {many} replications at each "
             f"{period}; band: 95% confidence interval "
             f"of that mean (Student t, {degrees})"]
    if gaps:
        lines.append(f"a run that sold nothing in a {period} is left out of its mean and band "
                     "(n: the runs that sold); blank where no run sold")
    if sizes[0] < 2:
        lines.append("no band where a design point has one run")
    if len(shown) < len(points):
        lines.append(f"{len(shown)} of the {len(points)} design points, spread evenly: "
                     + ", ".join(str(p) for p in shown))
    if varied:
        lines.append(f"each panel a design point, by {varied}")
    shocks = switched_shocks(run, {k for key in shown for k in settings.get(key, {})})
    if shocks:
        lines.append(textwrap.fill(shocks, SHOCKS_WIDTH, break_on_hyphens=False))
    fig.suptitle(_titled(run, f"{run.name}: market share over time, {many} replications per "
                              "design point", *lines, changes=experiment_overrides(run.path)))
    ever = _firms_in(runs, run.firms, points).values()
    _note_left_out(fig, run, [f for f in run.firms if any(f in firms for firms in ever)])
    return fig
