"""Key results of an experiment over a full grid of two swept numbers: a heatmap per
firm (experiment_grid)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis import formats  # noqa: E402
from analysis.load import experiment_overrides  # noqa: E402
from analysis.plot_experiment import (RESULT_NAMES, _setting, _value_formatter,  # noqa: E402
                                      _value_label, replications_words)
from analysis.plot_format import _firm_labels, _note_left_out, _titled, share_when  # noqa: E402
from analysis.plot_sweep import key_axis  # noqa: E402
from analysis.point_words import key_in_words  # noqa: E402
from analysis.sweep_design import grid_problem  # noqa: E402


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
    name += share_when(run, metric)
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
            ax.set_ylabel(key_axis(run, up, int(height * 11)))
        if k + columns >= len(firms):  # no panel below: the key across is named here
            ax.set_xlabel(key_axis(run, across, int(width * 12)))
    for k in range(len(firms), rows * columns):
        axes[k // columns, k % columns].remove()
    bar = fig.colorbar(image, ax=list(axes.ravel()[:len(firms)]), format=_value_formatter(kind),
                       shrink=0.9)
    bar.set_label(_value_label(kind, name))
    replications = replications_words(data)
    if replications == "1 replication":
        cell = "cell: the design point's one run (one run per design point: no mean to take)"
    else:
        cell = f"cell: mean of the design point's {replications or 'runs'}"
    more = ["grey: the firm was in the market in none of the design point's runs"] \
        if any(not inside[f].all() for f in firms) else []
    fig.suptitle(_titled(run, f"{run.name}: {name} by {key_in_words(across)} and "
                              f"{key_in_words(up)}", cell + "; one colour scale for every firm",
                         *more, changes=experiment_overrides(run.path)))
    _note_left_out(fig, run, firms)
    return fig
