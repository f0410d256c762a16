"""The market figures of one run: the share-of-market/share-of-customer quadrant, awareness,
profit and ROI, and the segment-by-firm heatmap (market share over time: plot_market_share)."""

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.plot_format import (_colours, _drawn, _firm_labels, _label_axis,  # noqa: E402
                                  _note_absent, _per_firm_lines, _titled, percent_formatter,
                                  share_when)
from analysis.summary import (SEGMENT_WINDOW, not_in_market, roi_over_time,  # noqa: E402
                              segment_shares, segment_window)


# Steps summed in the segment heatmap of a file that does not say its steps per year; otherwise a
# quarter of the run's year (segment_window), those of the segment leaders of `marketsim
# summarize` and the report.
HEATMAP_WINDOW = SEGMENT_WINDOW


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
# The corners of the quadrant chart, named relative to the other firms, as the lines are drawn
# between them (dividing_line): right of the vertical line, a larger share of market than the
# firms left of it; above the horizontal one, a larger share of customer (more loyal buyers) than
# the firms below it. Not absolute sizes: with two firms, one whose buyers give it 75% of their
# purchases is in a "less loyal" corner when the other's give it more.
QUADRANT_CORNERS = [(0.02, 0.97, "left", "top", "smaller share, more loyal buyers"),
                    (0.98, 0.97, "right", "top", "larger share, more loyal buyers"),
                    (0.02, 0.03, "left", "bottom", "smaller share, less loyal buyers"),
                    (0.98, 0.03, "right", "bottom", "larger share, less loyal buyers")]
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
        for cx, cy, ha, va, words in QUADRANT_CORNERS:
            ax.text(cx, cy, words, transform=ax.transAxes, ha=ha, va=va, color="dimgrey",
                    fontsize=9, style="italic")
    _label_axis(ax, "x", "share of market" + share_when(run, "market_share"),
                run.unit("market_share"))
    _label_axis(ax, "y", "share of customer (share of category requirements)",
                run.unit("customer_share"))
    if split_x is not None or split_y is not None:
        lines = "dashed lines: between the firms, midway across the widest gap near the middle"
        if split_x is not None and split_y is not None:  # the corners are named: say how
            lines += ";\ncorners compare a firm with the firms across the lines, not fixed levels"
    else:
        lines = ("no dividing lines: only one firm sold anything" if len(shown) < 2 else
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
    """Each firm's awareness over time: the share of consumers who know the firm when they shop,
    from its advertising and word of mouth (goodwill) or as loyal past buyers (/market/awareness
    counts goodwill >= 1 or loyalty > 0)."""
    fig, ax = plt.subplots(figsize=(9, 5))
    _per_firm_lines(ax, run, "awareness", "consumers aware of the firm")
    ax.set_ylim(0, 1.02)
    ax.set_title(_titled(run, f"{run.name}: awareness (heard of the firm through advertising "
                              "or word of mouth, or bought from it and still loyal)"))
    ax.legend(title="firm (strategy)", loc="center left", bbox_to_anchor=(1.01, 0.5))
    _note_absent(fig, run)
    return fig


def roi_undefined_note(run, roi):
    """The ROI panel's note on the firms in the market whose ROI is undefined (NaN in `roi`,
    roi_over_time) in some steps, which it does not draw there: "not drawn while a firm has spent
    nothing on marketing: VarietyCo (the whole run); GreenBite (weeks 1-59)"; "" for none. A
    firm's cumulative marketing money only grows, so its undefined steps come first."""
    parts = []
    for _, _, _, firm in _drawn(run):
        undefined = roi.index[roi[firm].isna()]
        if not len(undefined):
            continue
        if len(undefined) == len(roi.index):
            parts.append(f"{firm} (the whole run)")
            continue
        first, last = run.time_values([undefined[0], undefined[-1]])
        unit = run.time_label()
        parts.append(f"{firm} ({unit} {first})" if first == last else
                     f"{firm} ({unit}s {first}-{last})")
    if not parts:
        return ""
    # A firm's part is never split over two lines (no-break spaces).
    return textwrap.fill("ROI is undefined, so not drawn, while a firm has spent nothing on "
                         "marketing (spend and program rewards under 0.01): "
                         + "; ".join(p.replace(" ", "\u00a0") for p in parts), 70,
                         break_on_hyphens=False)


def profit_roi(run):
    """Cumulative profit and return on marketing over time, side by side. ROI is not drawn where
    it is undefined (roi_over_time: no marketing money spent yet, where marketsim records 0), and
    the ROI panel says for which firms and steps (roi_undefined_note)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    _per_firm_lines(left, run, "cumulative_profit", "cumulative profit")
    left.axhline(0, color="black", linewidth=0.8)
    left.set_title("cumulative profit")
    roi = roi_over_time(run)
    _per_firm_lines(right, run, "roi",
                    "ROI = cumulative profit / cumulative\nmarketing spend and program rewards",
                    frame=roi)
    right.axhline(0, color="black", linewidth=0.8)
    note = roi_undefined_note(run, roi)
    if note:
        right.set_title(f"return on marketing (ROI)\n{note}", fontsize=10)
    else:
        right.set_title("return on marketing (ROI)")
    fig.suptitle(_titled(run, f"{run.name}: profit and return on marketing"))
    right.legend(title="firm (strategy)", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    _note_absent(fig, run, y=0.0)
    return fig


# The colour scale of the segment heatmap: shares from 0 to 100% in every figure, so that a cell
# of one darkness is the same share on every slide (a scale to each figure's own largest share
# made 60% as dark in one run as 78% in another). Cells of a share above SHARE_LIGHT_TEXT, on
# that scale, are written in white.
SHARE_SCALE = (0.0, 1.0)
SHARE_LIGHT_TEXT = 0.55


def segment_heatmap(run):
    """Each firm's share of each segment's units (rows: segments; columns: firms), summed over
    the last steps (segment_shares), coloured on the fixed scale SHARE_SCALE (0 to 100%)."""
    frame = run.segments["units"]
    window = min(segment_window(run.steps_per_year), len(frame))
    shares = segment_shares(run, window)
    drawn = _drawn(run)
    firms = [firm for _, _, _, firm in drawn]
    grid = shares[firms].to_numpy(dtype=float).reshape(len(run.segment_names), len(firms))
    empty = np.isnan(grid)
    grid = np.where(empty, 0.0, grid)
    fig, ax = plt.subplots(figsize=(max(7.0, 1.6 * len(firms) + 3.5),
                                    0.8 * len(run.segment_names) + 3), layout="constrained")
    low, high = SHARE_SCALE
    image = ax.imshow(grid, cmap="Blues", vmin=low, vmax=high, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            light = grid[i, j] > SHARE_LIGHT_TEXT
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
    unit = run.time_label()
    span = (f"units of {unit}s {time[-window]}-{time[-1]}" if window > 1
            else f"units of {unit} {time[-1]}")
    ax.set_title(_titled(run, f"{run.name}:\nshare of each segment's units by firm ({span})"))
    _note_absent(fig, run, y=0.0)
    return fig
