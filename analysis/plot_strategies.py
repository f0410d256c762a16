"""The figures of the strategies' own diagnostics (/strategies/<name>): strategies.png,
strategies_2.png, ..., and the descriptions and last values the report lists."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from analysis.plot_format import (LINE_STYLES, _colours, _firm_labels, _label_axis,  # noqa: E402
                                  _time_axis, _titled, draw_series, mark_shocks, png_bytes)


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
    the time axis names it ("week 27", "month 27", "step 26")."""
    frame = run.diagnostics[name]
    labels = _firm_labels(run)
    found = []
    for j, firm in diagnostic_firms(run, name):
        values = frame.iloc[:, j].dropna()
        step = values.index[-1]
        found.append((firm, labels[j], float(values.iloc[-1]),
                      "" if step == run.steps[-1] else run.time_point(step)))
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
            draw_series(ax, time, values.to_numpy(float), label=labels[j],
                        drawstyle="steps-mid" if flag else "default", **style)
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
    _time_axis(axes[-1, 0], run, tight=True)
    for ax in axes[:-1, 0]:  # the panels above share the time axis, and show the shocks too
        mark_shocks(ax, run)
    part = f" ({page + 1} of {len(pages)})" if len(pages) > 1 else ""
    fig.suptitle(_titled(run, f"{run.name}: the strategies' own diagnostics{part}",
                         "a panel per diagnostic, a line per firm that recorded it"))
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
