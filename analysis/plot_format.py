"""What every figure of analysis.plot shares: firm labels and colours, titles that say
what the command line changed, tick formats (money, percentages, points), the time axis,
per-firm lines, and the PNG bytes of a figure."""

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import transforms  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from analysis.load import experiment_varied_keys, is_experiment_key, overrides  # noqa: E402
from analysis.scenario_text import assignment_words, run_launches, run_shocks  # noqa: E402
from analysis.summary import (NOT_IN_MARKET, not_in_market, not_in_market_note,  # noqa: E402
                              period)


def share_when(run, metric):
    """What a figure's axis adds to a result's name: ", last week" for market share (the last
    step's unit share, in the run's period as the summary names it), else ""."""
    return f", last {period(run.steps_per_year)}" if metric == "market_share" else ""


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


def _note_left_out(fig, run, firms):
    """Names the firms of `run` that are not in `firms` (an experiment's figure draws only
    those in the market in some run) under the figure; nothing when none is left out."""
    left_out = [f for f in run.firms if f not in firms]
    if left_out:
        names = left_out[0] if len(left_out) == 1 else \
            ", ".join(left_out[:-1]) + " and " + left_out[-1]
        fig.text(0.01, -0.01, f"{names}: {NOT_IN_MARKET} in any run of the experiment; not "
                 "drawn.", ha="left", va="top", fontsize=9, color="dimgrey")


# The longest line of overrides a figure's title carries: longer lists wrap onto more lines.
OVERRIDES_WIDTH = 100
# The most lines of overrides a figure's title carries; beyond them it says how many more there
# are and where every one is listed (the report's note, analysis.load's overview).
OVERRIDES_LINES = 4
# The longest single assignment shown in full ("experiment.sweep={...}" can be long).
OVERRIDE_WIDTH = 60


def wrapped_list(first, items, separator, width, lines, more):
    """`items` after `first` ("with "), joined by `separator` (", "), as lines of at most `width`
    characters joined by newlines, a line breaking only between two items; when they take more
    than `lines` lines, as many as fit in that many lines, the last line ending with `more(n)`
    (" and 3 more (...)"), n the number not shown. At least one item is always shown."""
    def wrap(shown, tail):
        out = [first]
        # The tail ("and 3 more (...)") is a piece of its own, so that it wraps as items do.
        pieces = [item + (separator if k < len(shown) - 1 else "") for k, item in enumerate(shown)]
        if tail:
            pieces.append(tail.lstrip())
            if not tail.startswith(" "):  # "; and 3 more": the separator goes before its line
                pieces[-2] += tail[:len(tail) - len(tail.lstrip(";, "))].rstrip()
                pieces[-1] = tail.lstrip(";, ")
        for piece in pieces:
            if len(out[-1]) + len(piece.rstrip()) > width and out[-1] not in (first, ""):
                out[-1] = out[-1].rstrip()
                out.append("")
            elif out[-1] not in (first, "") and not out[-1].endswith(" "):
                out[-1] += " "
            out[-1] += piece
        return [line.rstrip() for line in out]
    every = wrap(items, "")
    if len(every) <= lines:
        return "\n".join(every)
    for keep in range(len(items) - 1, 0, -1):
        some = wrap(items[:keep], more(len(items) - keep))
        if len(some) <= lines:
            return "\n".join(some)
    return "\n".join(wrap(items[:1], more(len(items) - 1)))


def overrides_line(changes, width=OVERRIDES_WIDTH, lines=OVERRIDES_LINES):
    """The command-line changes of a run for a figure's title: "with
    firms.HairCo.segments=[everyday, dry_hair], seed=3"; "" for none. Every change is shown, the
    list wrapped onto lines of at most `width` characters (breaking between changes), so that
    students can tell a variant from the base run: none is hidden behind "and 2 more". An
    assignment longer than OVERRIDE_WIDTH is cut at the end of a word (" ..."; see shortened);
    only a list longer than `lines` lines ends with how many more there are and where every one
    is listed ("and 4 more (the report and analysis.load list every change)")."""
    if not changes:
        return ""
    return wrapped_list("with ", [shortened(c) for c in changes], ", ", width, lines,
                        lambda n: f" and {n} more (the report and analysis.load list every "
                                  "change)")


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
    (for figures of every run of an experiment). Each change is in words where the package has
    them (scenario_text.assignment_words: a shock switched on as the summary lists it, a known
    key by its name), not as a raw key path."""
    # Figures of every run: a shock whose keys the design points set is not described by the
    # values of the run at hand.
    varied = experiment_varied_keys(run.path) if changes is not None and run.path else []
    line = overrides_line([assignment_words(c, run.scenario, run.steps_per_year, len(run.steps),
                                            varied)
                           for c in (run_changes(run) if changes is None else changes)])
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


class PercentFormatter(FuncFormatter):
    """percent_tick as an axis's tick formatter; where its labels of an axis's ticks would repeat
    (ticks 0.02 points apart on an axis from 46.2% to 46.4% read 46.2%, 46.2%, 46.3%, ...), every
    tick of the axis gets the decimals that tell them apart (46.22%, 46.24%, ...)."""

    def __init__(self, symbol="%"):
        super().__init__(lambda value, position=None: percent_tick(value, position, symbol))
        self.symbol = symbol

    def format_ticks(self, values):
        labels = [self(value, k) for k, value in enumerate(values)]
        for decimals in range(1, 7):
            if len(set(labels)) == len(labels):
                break
            percents = [round(100 * float(value), 6) + 0.0 for value in values]  # no "-0"
            labels = [f"{0.0 if round(p, decimals) == 0 else p:.{decimals}f}{self.symbol}"
                      for p in percents]
        return labels


def percent_formatter():
    """A tick formatter of percent_tick for one axis (matplotlib ties a formatter to its axis),
    with no label repeated (PercentFormatter)."""
    return PercentFormatter()


def points_formatter():
    """Differences of shares in percentage points: percent_tick's numbers without the % sign."""
    return PercentFormatter("")


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


def whole_locator():
    """A tick locator of whole numbers only, with matplotlib's usual steps (1, 2, 5 and 10 times
    a power of ten, as its AutoLocator; 2.5 where it is whole: 25, 250), and whole even where the
    axis holds only one (min_n_ticks=1): weeks on a time axis, money and counts."""
    return MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=1)


class WithinLocator(MaxNLocator):
    """whole_locator's ticks, less those before `low` or after `high` (the first and last time
    drawn): matplotlib's margins take a weekly axis of weeks 1 to 52 to about -1.5, where its
    ticks would number a week 0 that no run has."""

    def __init__(self, low, high):
        super().__init__(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=1)
        self.low, self.high = low, high

    def tick_values(self, vmin, vmax):
        ticks = super().tick_values(vmin, vmax)
        return ticks[(ticks >= self.low - 1e-9) & (ticks <= self.high + 1e-9)]


def time_ticks(ax, time, tight=False):
    """What every time axis of the package shares: ticks at whole weeks, months or steps only
    (never 2.5: a week is numbered, not measured) and only within `time` (the values drawn,
    Run.time_values: no tick at week 0 of a run numbered from week 1), and limits that hold
    `time`: from its first to its last value when `tight`, matplotlib's own margins otherwise; a
    single value (a run of one step) gets half a step on either side, so that it is drawn in the
    middle of the panel with one tick under it, not on an axis of 0.96 to 1.04."""
    values = np.asarray(time, dtype=float)
    if not values.size:
        ax.xaxis.set_major_locator(whole_locator())
        return
    low, high = float(values.min()), float(values.max())
    ax.xaxis.set_major_locator(WithinLocator(low, high))
    if high == low:
        ax.set_xlim(low - 0.5, high + 0.5)
    elif tight:
        ax.set_xlim(low, high)


def _time_axis(ax, run, tight=False):
    """Labels the x axis with the run's time unit (Run.time_label: "week" for a weekly run,
    "month" for a monthly one, numbered from 1; else "step", from 0), numbers it in whole steps
    with limits that hold the run's steps (time_ticks; `tight`: from its first to its last)
    and marks the shocks the run applied and the new product generations its firms launched
    (mark_shocks)."""
    ax.set_xlabel(run.time_label())
    time_ticks(ax, run.time_values(run.steps), tight)
    mark_shocks(ax, run)


# A firm that launches more new generations than this in a run has only its first launch
# marked, its label saying how often the next ones come ("Novo gen 2, then one every 4 weeks"):
# a line every few weeks would hide the data.
MAX_LAUNCH_MARKS = 12


def launch_labels(run, text):
    """{step: [label]} of the new product generations the run's firms launched (firm key
    `innovation`; scenario_text.run_launches), read from its resolved scenario `text`: "Novo gen
    2" at the step the second generation went on sale. A firm with more than MAX_LAUNCH_MARKS
    launches gets its first only, "Novo gen 2, then one every 4 weeks"."""
    launches = run_launches(text, len(run.steps))
    labels = {}
    for firm in dict.fromkeys(firm for _, firm, _ in launches):
        mine = [(step, generation) for step, name, generation in launches if name == firm]
        if len(mine) > MAX_LAUNCH_MARKS:
            step, generation = mine[0]
            every = step // (generation - 1)
            unit = run.time_label()
            rhythm = unit if every == 1 else f"{every} {unit}s"
            mine = [(step, f"{firm} gen {generation}, then one every {rhythm}")]
        else:
            mine = [(step, f"{firm} gen {generation}") for step, generation in mine]
        for step, label in mine:
            labels.setdefault(step, []).append(label)
    return labels


def mark_shocks(ax, run, scenario=None):
    """A thin dashed vertical line at each shock the run applied, at the step it took effect (week =
    step + 1 on a weekly axis, month = step + 1 on a monthly one), with the shock's name in small
    text at the top; and likewise at each new product generation a firm launched (launch_labels:
    "Novo gen 2"), read from the run's scenario, not guessed from its data. Shocks and launches
    at one step share a line. Disabled shocks and those after the last step run are not drawn
    (scenario_text.run_shocks). `scenario` (the resolved scenario text of another run of the
    same length, such as a design point's) replaces the run's own. Returns the lines' x
    positions."""
    names = {}
    text = run.scenario if scenario is None else scenario
    for step, label, _, applied in run_shocks(text, len(run.steps)):
        if applied:
            names.setdefault(run.time_values([step])[0], []).append(label)
    for step, labels in sorted(launch_labels(run, text).items()):
        names.setdefault(run.time_values([step])[0], []).extend(labels)
    where = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    for x, labels in names.items():
        ax.axvline(x, color="dimgrey", linestyle="--", linewidth=0.8, zorder=1.5)
        ax.text(x, 0.98, " " + ", ".join(labels), transform=where, rotation=90, ha="right",
                va="top", fontsize=7, color="dimgrey", zorder=4,
                bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 0.5})
    return list(names)


# Line styles cycle with the firms, so lines that coincide (all firms at 100% awareness) stay
# visible and firms are told apart without colour.
LINE_STYLES = ["-", "--", "-.", ":"]


def lone_points(values):
    """Which of `values` (a series over time) are recorded (not NaN) with no recorded neighbour:
    a line cannot show them (a run of one step, a week of sales between weeks without), a
    marker does."""
    known = np.isfinite(np.asarray(values, dtype=float))
    before = np.concatenate([[False], known[:-1]])
    after = np.concatenate([known[1:], [False]])
    return known & ~before & ~after


# The size (points) of the marker of a lone point of a line (lone_points).
LONE_POINT_SIZE = 6


def draw_series(ax, time, values, **style):
    """`values` against `time` as a line (ax.plot, with `style`: label, color, linestyle,
    linewidth...), with a marker at each of its lone points (lone_points), which the line alone
    would leave invisible (the line's legend entry then shows the marker too); returns the
    line."""
    values = np.asarray(values, dtype=float)
    alone = np.flatnonzero(lone_points(values))
    if len(alone):
        style = {"marker": "o", "markersize": LONE_POINT_SIZE, "markevery": list(alone),
                 **style}
    return ax.plot(time, values, **style)[0]


def _per_firm_lines(ax, run, metric, name, frame=None):
    """A line per firm in the market of run.market[metric] (or of `frame`, [step x firm], such as
    ROI with its undefined steps NaN: no line there) against time, the y axis labelled `name`
    with the metric's units; a value with no neighbour (a run of one step) is a marker."""
    frame = run.market[metric] if frame is None else frame
    for j, label, colour, firm in _drawn(run):
        draw_series(ax, run.time_values(frame.index), frame[firm], label=label, color=colour,
                    linestyle=LINE_STYLES[j % len(LINE_STYLES)], linewidth=2.2 if j < 4 else 1.6)
    _time_axis(ax, run)
    _label_axis(ax, "y", name, run.unit(metric))
    ax.grid(alpha=0.3)


def png_bytes(fig):
    """The figure as PNG bytes; closes it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
