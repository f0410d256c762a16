"""The obsolescence figure of one run: failures, early failures per 1,000 products in
use and their share, replacements, upgrades (when any firm sold one), installed base and
ownership saturation."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.durables import early_share, first_on_time_step, reference_life  # noqa: E402
from analysis.plot_format import (LINE_STYLES, _drawn, _label_axis, _note_absent,  # noqa: E402
                                  _per_firm_lines, _time_axis, _titled, draw_series)


OBSOLESCENCE = [("failures", "failures (products that broke)", "failures per step"),
                ("early_failure_rate",
                 "early failures (before the reference life) per 1,000 products in use",
                 "early failures per step per 1,000 in use"),
                ("early_share", "share of failures that were early",
                 "early failures / failures, cumulative"),
                ("replacements", "replacement purchases", "replacements per step"),
                ("upgrades", "upgrades (working products replaced by a newer one)",
                 "upgrades per step"),
                ("installed_base", "installed base (working products owned)", "products owned")]
PER_IN_USE = 1000  # early failures are counted per this many products in use
# (colour, line style) of the lines of a category, not of a firm (ownership saturation): black
# and greys, dashed, never a firm's colour (plot_format._colours), so that none reads as a firm's.
CATEGORY_STYLES = [("black", "--"), ("dimgrey", "-."), ("black", ":"), ("darkgrey", "--")]


def early_failure_rate(run):
    """Per firm, early failures in each step per PER_IN_USE of its products in use when the step
    began (its installed base at the end of the step before) [step x firm]: a rate, so a firm
    that sells more products does not look worse for it. NaN where the firm had none in use
    (and in the first step); None unless the run recorded early failures and installed base."""
    if "early_failures" not in run.market or "installed_base" not in run.market:
        return None
    in_use = run.market["installed_base"].shift(1)
    return PER_IN_USE * run.market["early_failures"] / in_use.where(in_use > 0)


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
        elif metric == "upgrades":
            # Only where there were any: a run without innovation has none to show.
            if metric in run.market and run.market[metric].to_numpy().sum() > 0:
                panels.append(entry)
        elif metric in run.market:
            panels.append(entry)
    if run.saturation is not None:
        panels.append(("saturation", "ownership saturation (durable categories)",
                       "owners / consumers"))
    return panels


def _life_words(run, life):
    return f"{life:g} {run.time_label()}s"


def early_share_title(run, start):
    """The early-share panel's title: a running share, not a per-week one, and from when
    ("share of failures that were early, so far" over "cumulative from week 105 to each
    week")."""
    unit = run.time_label()
    return ("share of failures that were early, so far\n"
            f"(cumulative from {run.time_point(start)} to each {unit})")


def _early_share_panel(ax, run):
    """The share of failures that were early, counted only from the first step a failure can be
    on time: before it every failure is early by definition (no product is old enough yet),
    which says nothing about how the products are built. The panel says so. Each week's value
    is a running share, of all the failures from that first step to the week (the share the
    tables report is its last value), unlike the per-week panels beside it: its title and axis
    say so ("so far", "cumulative from week 105 to each week")."""
    start = first_on_time_step(run)
    frame = early_share(run)  # each category from its own first on-time step
    time = run.time_values(frame.index)
    for j, label, colour, firm in _drawn(run):
        draw_series(ax, time, frame[firm], label=label, color=colour,
                    linestyle=LINE_STYLES[j % len(LINE_STYLES)], linewidth=2.2)
    ax.set_ylim(0, 1.02)
    _time_axis(ax, run)
    _label_axis(ax, "y", "early failures / failures, cumulative", "fraction")
    ax.grid(alpha=0.3)
    life = reference_life(run)
    old_enough = (f"no product is as old as the reference life ({_life_words(run, life)}) yet"
                  if life is not None else "no product is old enough yet")
    if start is None or start > run.steps[-1]:
        # From the first week drawn (week 1; not the axis's margin, which reads as a week 0),
        # half a step either side of a run's only week.
        one = 0.5 if time.min() == time.max() else 0.0
        ax.axvspan(time.min() - one, time.max() + one, color="lightgrey", alpha=0.5, lw=0)
        why = ("Not drawn: the run ends before any failure can be on time. "
               f"{old_enough[0].upper()}{old_enough[1:]}, so every failure is early by "
               "definition: the share would be 100% for every firm, whatever it builds.")
        ax.text(0.5, 0.5, textwrap.fill(why, 48, break_on_hyphens=False),
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="dimgrey")
        return "share of failures that were early: none could be on time"
    if start > run.steps[0]:
        before = time[run.steps < start]
        # From week 1 (where the weeks not drawn start) to halfway to the first week drawn.
        ax.axvspan(time.min(), before.max() + 0.5, color="lightgrey", alpha=0.5, lw=0)
        span = f"{run.time_label()}s {time.min()}-{before.max()}"
        width = max(14, int(60 * len(before) / len(time)))  # characters that fit in the span
        why = f"{span} not drawn: {old_enough}, so every failure is early by definition"
        ax.text((time.min() + before.max()) / 2, 0.5,
                textwrap.fill(why, width, break_on_hyphens=False),
                ha="center", va="center", fontsize=8, color="dimgrey")
    return early_share_title(run, start)


def obsolescence(run):
    """Failures, early failures per 1,000 products in use, the share of failures that were early
    (from the first step a failure can be on time), replacements, upgrades (when any firm sold
    one), installed base and saturation; None when none was recorded."""
    panels = _obsolescence_panels(run)
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 4.2 * rows), squeeze=False)
    for index, (ax, (metric, name, quantity)) in enumerate(zip(axes.flat, panels)):
        quantity = quantity.replace(" per step", f" per {run.time_label()}")
        if metric == "saturation":
            frame = run.saturation
            for k, category in enumerate(frame.columns):
                colour, style = CATEGORY_STYLES[k % len(CATEGORY_STYLES)]
                draw_series(ax, run.time_values(frame.index), frame[category], label=category,
                            color=colour, linestyle=style, linewidth=1.8)
            _time_axis(ax, run)
            _label_axis(ax, "y", quantity, run.units.get("/market/saturation", ""))
            # Beside the panel, never over it: inside, it could cover a shock's name at week 1.
            ax.legend(title="category", loc="center left", bbox_to_anchor=(1.01, 0.5))
            ax.grid(alpha=0.3)
        elif metric == "early_share":
            name = _early_share_panel(ax, run)
        elif metric == "early_failure_rate":
            frame = early_failure_rate(run)
            for j, label, colour, firm in _drawn(run):
                draw_series(ax, run.time_values(frame.index), frame[firm], label=label,
                            color=colour, linestyle=LINE_STYLES[j % len(LINE_STYLES)],
                            linewidth=2.2 if j < 4 else 1.6)
            ax.set_ylim(bottom=0)
            _time_axis(ax, run)
            _label_axis(ax, "y", quantity, "")
            ax.grid(alpha=0.3)
        else:
            _per_firm_lines(ax, run, metric, quantity)
        ax.set_title(name)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    title = fig.suptitle(_titled(run, f"{run.name}: durables and obsolescence"))
    # The firms' legend goes between the title and the panels, outside every panel, so that it
    # never covers a line or a shock's name (a shock at week 1 is labelled at a panel's top
    # left, where a legend inside the panel went).
    firm_panel = next((ax for ax, (metric, _, _) in zip(axes.flat, panels)
                       if metric != "saturation"), None)
    handles, labels = firm_panel.get_legend_handles_labels() if firm_panel else ([], [])
    columns = min(len(labels), 4) or 1
    legend_height = (0.25 * -(-len(labels) // columns) + 0.2) if labels else 0.0
    # Room for the title's lines and the legend above the panels (tight_layout leaves too little
    # on tall figures).
    lines = title.get_text().count("\n") + 1
    top = 1 - (0.25 * lines + 0.1 + legend_height) / fig.get_figheight()
    fig.tight_layout(rect=(0, 0, 1, top))
    if labels:  # just above the panels' titles
        renderer = fig.canvas.get_renderer()
        above = max(ax.get_tightbbox(renderer).y1 for ax in axes.flat if ax.get_visible())
        fig.legend(handles, labels, title="firm (strategy)", loc="lower center",
                   bbox_to_anchor=(0.5, above / fig.bbox.height), ncol=columns, fontsize=9,
                   frameon=False)
    _note_absent(fig, run, y=0.0)
    return fig
