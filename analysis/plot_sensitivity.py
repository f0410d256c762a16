"""The sensitivity of a Latin hypercube's results to its sampled keys as bars
(experiment_sensitivity.png): for profit per year and market share, a bar per firm and sampled key
whose length is the partial rank correlation (analysis.sensitivity), solid where its p is below
0.05 and hatched where it is not."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.load import experiment_overrides  # noqa: E402
from analysis.plot_experiment import RESULT_NAMES, key_in_words  # noqa: E402
from analysis.plot_format import (_colours, _firm_labels, _note_left_out, _titled,  # noqa: E402
                                  share_when)
from analysis.sensitivity import p_words, sensitivity_table  # noqa: E402
from analysis.sweep_design import sampled_keys  # noqa: E402

SENSITIVITY_FIGURE = "experiment_sensitivity.png"
METRICS = ("profit_per_year", "market_share")
# The most combinations of swept values drawn (a row of panels each).
MAX_GROUPS = 4
# Below this p a bar is solid.
SIGNIFICANT = 0.05


def experiment_sensitivity(run):
    """A row of two panels (profit per year, market share) per combination of the swept values
    crossed with the samples (at most MAX_GROUPS): for each sampled key, a horizontal bar per
    firm in the market in some run, its length the partial rank correlation of the result's
    design-point means with the key, solid where p < 0.05, hatched where not, absent where the
    correlation is undefined. None without sampled keys or a table to draw."""
    keys = sampled_keys(run)
    table = sensitivity_table(run.experiment.get("summary"), keys)
    if not len(table) or table["prcc"].notna().sum() == 0:
        return None
    summary = run.experiment["summary"]
    active = set(summary.loc[summary["in_market"] > 0, "firm"]) if "in_market" in summary \
        else set(run.firms)
    firms = [f for f in run.firms if f in active]
    groups_columns = [c for c in table.columns
                      if c not in ("metric", "firm", "key", "n", "prcc", "p_value")]
    groups = (list(dict.fromkeys(map(tuple, table[groups_columns].to_numpy())))
              if groups_columns else [()])[:MAX_GROUPS]
    colours = dict(zip(run.firms, _colours(run)))
    labels = dict(zip(run.firms, _firm_labels(run)))
    height = 0.8 / max(len(firms), 1)
    fig, axes = plt.subplots(len(groups), 2, squeeze=False, sharex=True, sharey=True,
                             constrained_layout=True,
                             figsize=(12, 1.2 + len(groups) * (0.5 + 0.45 * len(keys)
                                                               * max(len(firms), 2) / 2)))
    handles = {}
    for g, group in enumerate(groups):
        rows = table
        for column, value in zip(groups_columns, group):
            rows = rows[rows[column] == value]
        for m, metric in enumerate(METRICS):
            ax = axes[g, m]
            for k, key in enumerate(keys):
                for j, firm in enumerate(firms):
                    row = rows[(rows["metric"] == metric) & (rows["firm"] == firm)
                               & (rows["key"] == key)]
                    y = k + (j - (len(firms) - 1) / 2) * height
                    if row.empty or np.isnan(row["prcc"].iloc[0]):
                        ax.text(0.02, y, "n/a", va="center", ha="left", fontsize=7,
                                color=colours[firm])
                        continue
                    r, p = float(row["prcc"].iloc[0]), float(row["p_value"].iloc[0])
                    solid = p < SIGNIFICANT
                    bar = ax.barh(y, r, height=height * 0.9, color=colours[firm] if solid
                                  else "white", edgecolor=colours[firm],
                                  hatch=None if solid else "///", linewidth=1.2,
                                  label=labels[firm])
                    if solid:
                        handles[firm] = bar
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_xlim(-1.05, 1.05)
            ax.set_yticks(range(len(keys)), [key_in_words(k) for k in keys])
            ax.set_ylim(len(keys) - 0.5, -0.5)  # the first key, and the first firm, on top
            ax.grid(axis="x", alpha=0.3)
            title = RESULT_NAMES.get(metric, metric.replace("_", " ")) + share_when(run, metric)
            if group:
                title += " — " + ", ".join(f"{key_in_words(c)} = {v}"
                                           for c, v in zip(groups_columns, group))
            ax.set_title(title, fontsize=10)
            if g == len(groups) - 1:
                ax.set_xlabel("partial rank correlation with the key (PRCC)")
    for firm in firms:  # a firm with no significant bar still gets a legend entry
        if firm not in handles:
            handles[firm] = plt.Rectangle((0, 0), 1, 1, facecolor=colours[firm])
    fig.legend([handles[f] for f in firms], [labels[f] for f in firms], title="firm (strategy)",
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    n = int(table["n"].max())
    replications = summary["n"].max() if "n" in summary else 1
    lines = [f"over {n} sampled design points"
             + (", each the mean of its replications" if replications > 1 else "")
             + "; -1: the result falls as the key rises, +1: it rises"
             + (", the other sampled keys held fixed" if len(keys) > 1 else ""),
             f"solid: p < {SIGNIFICANT} ({p_words(n, len(keys))}); hatched: p >= "
             f"{SIGNIFICANT}; n/a: undefined (the result does not vary"
             + (", or the other keys fix its order)" if len(keys) > 1 else ")")]
    all_groups = len(set(map(tuple, table[groups_columns].to_numpy()))) if groups_columns else 1
    if all_groups > MAX_GROUPS:
        lines.append(f"the first {MAX_GROUPS} of {all_groups} combinations of swept values")
    fig.suptitle(_titled(run, f"{run.name}: sensitivity to the sampled keys (Latin hypercube)",
                         *lines, changes=experiment_overrides(run.path)))
    _note_left_out(fig, run, firms)
    return fig
