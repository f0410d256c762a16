"""One self-contained HTML page for a run: description, summary table and every figure.

    python3 -m analysis.report RUN.h5 -o report.html [--run ID]

Images are embedded as base64 PNG; the page loads nothing from elsewhere. When the firms'
strategies recorded diagnostics of their own (/strategies/<name>), the page has a section with
their figure and a table of them. For an experiment file, the page also shows the distribution of
key results by design point.
"""

import argparse
import base64
import html

import pandas as pd

from analysis import experiment_tables, formats, periods, plot, run_main
from analysis.atomic_write import WriteError, cannot_write, write_file
from analysis.durables import NOT_COUNTED, counted_from
from analysis.load import (NotARunError, add_run_arguments, bad_input, load_run_or_report,
                           overrides, run_ids)
from analysis.output_paths import add_force_argument, check_new_file
from analysis.point_words import key_in_words, keys_in_words
from analysis.plot_sensitivity import SENSITIVITY_FIGURE
from analysis.sensitivity import p_words, sensitivity_table
from analysis.scenario_text import (ScenarioSyntaxError, branch_line, is_shock_switch,
                                    parse_scenario, scenario_fields, scenario_shocks)
from analysis.summary import (COLUMNS, LAPSE_COLUMNS, MONEY, NOT_IN_MARKET, NOT_IN_MARKET_WHY,
                              REFERRAL_COLUMNS, durable_only_firms, durables_table,
                              firms_without_buyers, no_roi_note, not_in_market, ownership,
                              period, reading, referral_program_firms, relationships_table,
                              scale_note, segment_leaders, summary_table)
from analysis.sweep_design import moved_with, moved_words

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.7em; text-align: right; }
th { background: #eef; } td:first-child, th:first-child { text-align: left; }
figure { margin: 2em 0; } img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9em; } .facts { color: #555; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
.changed { background: #fff3cd; border: 1px solid #d9a400; padding: 0.6em 0.9em; }
"""

# The figures' captions; "{period}" is the run's period (figure_caption: "week", "month", "step").
CAPTIONS = {
    "market_share.png": "Each firm's share of the units sold in each {period}, stacked to 100%; "
                        "blank in a {period} in which nothing sold (a share is undefined "
                        "there).",
    "share_quadrant.png": "Share of market (last step) against share of customer (share of "
                          "category requirements of the firm's own buyers). One-to-one "
                          "marketing aims up, mass marketing aims right. Each dashed line "
                          "divides the firms where they are furthest apart near the middle "
                          "(the midpoint of the widest gap between neighbouring firms that "
                          "splits them about evenly), so no line runs through a firm. The "
                          "corner names compare a firm with the firms across the lines, not "
                          "with fixed levels: \"larger share\" is a larger share of market "
                          "than the firms left of the vertical line, \"more loyal buyers\" a "
                          "larger share of customer than the firms below the horizontal one, "
                          "so a firm whose buyers give it 75% of their purchases is in a "
                          "\"less loyal\" corner when the other firms' buyers give them more. "
                          "An axis on which every firm is within 2 percentage points of the "
                          "others gets no line. Firms that "
                          "sold nothing in the run (such as one not in the market) are left out "
                          "and named under the chart.",
    "awareness.png": "Share of consumers aware of each firm when they shop: those who heard of "
                     "it through advertising or word of mouth, and its past buyers still loyal "
                     "to it.",
    "profit_roi.png": "Cumulative profit and return on marketing (cumulative profit over "
                      "cumulative marketing money: the marketing spend and the loyalty and "
                      "referral programs' rewards). ROI is undefined, and not drawn, while a "
                      "firm has spent nothing on marketing (the panel's title says which firms "
                      "and {period}s).",
    "unit_cost.png": "Unit cost by category: what making one unit cost each firm (the mean "
                     "over its units sold in the {period}), a panel per category and a line per "
                     "firm that sells in it. A unit gets cheaper as the firm's cumulative "
                     "volume grows, where the category has an experience curve (economies of "
                     "scale), and dearer with customisation, whose premium is smaller for a "
                     "firm that serves more categories (economies of scope).",
    "obsolescence.png": "Durable goods: failures; early failures (before the category's "
                        "reference life: they cost the maker loyalty and spread bad word of "
                        "mouth) per 1,000 of the firm's products in use, so that a firm that "
                        "sells more is not made to look worse; the share of failures that were "
                        "early, counted from the first {period} a failure can be on time (before "
                        "it no product is as old as the reference life, so every failure is "
                        "early by definition), a running share: each {period}'s value is of all "
                        "the failures from then to that {period}, and the last is the table's, "
                        "while the other panels are per {period}; replacement purchases; "
                        "upgrades (working products replaced by a newer one), when any firm "
                        "sold one; installed "
                        "base and ownership saturation.",
    "segment_heatmap.png": "Each firm's share of the units each segment bought over the last "
                           "steps (the units summed over those steps). The colours run from 0 "
                           "to 100% in every run, so one shade is the same share in every "
                           "report.",
}


# The caution the terminal summary gives with ROI (models/summary_format.cpp), and what follows
# from ROI being an average over all the money spent.
ROI_CAUTION = ("ROI is the whole business's profit, not only what the marketing added, so it is "
               "large where marketing is a small part of the costs. It is also an average over "
               "all the marketing money spent, not the return on the last unit of it: a firm "
               "with a small budget can show a high ROI with a low profit, so read profit first. "
               "To measure what the marketing added, compare runs with another budget, as an "
               "experiment's \"change vs 0\" does.")


# Statistics columns of /experiment/summary and /experiment/differences (and of the table
# computed from /experiment/runs); "sd" is a spread, the others are in the metric's units.
STATISTICS = ("mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95")
# Columns that count runs, and columns that identify a run or a design point (shown as they are).
COUNT_COLUMNS = ("n", "runs", "in_market")
ID_COLUMNS = ("run", "run_id", "id", "seed", "replication", "point", "design_point", "variant",
              "design", "design point")


def _table_html(frame, absent=(), keep=1):
    """A table of display text (or of plain numbers, to four significant digits) as HTML. The
    rows of the firms in `absent` (not in the market) keep their first `keep` cells and say
    "not in market" across the others, as `marketsim summarize` prints them."""
    rows = frame["firm"].isin(list(absent)) if absent and "firm" in frame.columns else None
    if rows is None or not rows.any():
        return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:.4g}",
                             escape=True, na_rep=formats.NA)
    cell = lambda v: html.escape(formats.NA if formats.missing(v) else str(v))  # noqa: E731
    lines = ['<table class="dataframe">', "  <thead>", '    <tr style="text-align: right;">']
    lines += [f"      <th>{html.escape(str(c))}</th>" for c in frame.columns]
    lines += ["    </tr>", "  </thead>", "  <tbody>"]
    span = len(frame.columns) - keep
    for (_, row), gone in zip(frame.iterrows(), rows):
        lines.append("    <tr>")
        values = list(row)[:keep] if gone else list(row)
        lines += [f"      <td>{cell(v)}</td>" for v in values]
        if gone:
            lines.append(f'      <td colspan="{span}" style="text-align: left;">'
                         f"{NOT_IN_MARKET}: {NOT_IN_MARKET_WHY}</td>")
        lines.append("    </tr>")
    lines += ["  </tbody>", "</table>"]
    return "\n".join(lines)


def _kind(run, metric):
    """The kind of a metric (share, money, count, ratio, number) from its units or name."""
    return formats.metric_kind(metric, run.unit(metric))


def _plain(value):
    """An identifier or swept value as text: whole numbers without separators."""
    if formats.missing(value):
        return formats.NA
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _summary_text(table):
    """The single-run summary table as display text: shares in %, money with separators."""
    out = table.drop(columns=["in_market"]).copy()
    for column, _, _ in COLUMNS:
        kind = "money" if column in MONEY else "ratio" if column == "roi" else "share"
        out[column] = [formats.value(kind, v) for v in table[column]]
    return out.rename(columns={c: h for c, _, h in COLUMNS})


def _statistics_text(frame, run, difference=False):
    """/experiment/summary or /experiment/differences (or the table computed from
    /experiment/runs) as display text, each row's statistics in the units of its metric;
    `difference`: the statistics are changes (signed; shares in points)."""
    out = frame.astype(object).copy()
    metric_column = "metric" if "metric" in frame.columns else "result"
    firms = run.firms
    for i, row in frame.iterrows():
        metric = experiment_tables.split_result(str(row.get(metric_column, "")), firms)[0]
        kind = _kind(run, metric)
        for column in frame.columns:
            if column in STATISTICS:
                out.at[i, column] = formats.value(kind, row[column], difference=difference,
                                                  spread=column == "sd")
            elif column in COUNT_COLUMNS:
                out.at[i, column] = formats.count(row[column])
            elif column in ID_COLUMNS:
                out.at[i, column] = _plain(row[column])
            elif column != metric_column and column != "firm":
                out.at[i, column] = formats.number(row[column])
    return out


def _runs_text(runs, run):
    """/experiment/runs as display text: results in the units of their metric."""
    out = runs.astype(object).copy()
    for column in runs.columns:
        metric, firm = experiment_tables.split_result(column, run.firms)
        if column in ID_COLUMNS:
            out[column] = [_plain(v) for v in runs[column]]
        elif firm is not None and metric == experiment_tables.IN_MARKET:
            out[column] = ["yes" if v else "no" for v in runs[column]]
        elif firm is not None:
            out[column] = [formats.value(_kind(run, metric), v) for v in runs[column]]
        else:
            out[column] = [formats.number(v) for v in runs[column]]
    return out


def _names(firms):
    """Firm names in a sentence: "A", "A and B", "A, B and C"."""
    return firms[0] if len(firms) == 1 else ", ".join(firms[:-1]) + " and " + firms[-1]


# How each column of the relationships and durables tables is shown.
RELATIONSHIP_FORMATS = {
    "share of wallet": formats.share,
    "purchases per buyer": lambda v: formats.NA if formats.missing(v) else f"{v:,.1f}",
    "active customers": formats.count, "lost customers": formats.count,
    "retention per step": lambda v: formats.share(v, 2),
    "CLV": lambda v: formats.money(v) if abs(v) >= 1000 else formats.ratio(v),  # as summarize
    "programs cost": formats.money, "referred customers": formats.count,
    "referred retention": lambda v: formats.share(v, 2)}
def durable_formats(run):
    """How the durables table shows each column; the age at failure in the run's period (weeks
    for a weekly run, months for a monthly one, else steps), as `marketsim summarize` gives it."""
    age_unit = period(run.steps_per_year) + "s"
    return {
        "units": formats.count, "failures": formats.count, "early failures": formats.share,
        "mean age at failure":
            lambda v: formats.NA if formats.missing(v) else f"{v:.0f} {age_unit}",
        "replacement share": formats.share, "upgrades": formats.count,
        "installed base": formats.count, "loyalty": formats.ratio}


def _text(table, how):
    """`table` with each column in `how` shown by its function."""
    out = table.astype(object).copy()
    for column, function in how.items():
        if column in out.columns:
            out[column] = [function(v) for v in table[column]]
    return out


def _relationships_html(run, of_run):
    """The customer-relationships table of `marketsim summarize`, with its notes; [] when the
    run did not record share of wallet. Retention is shown per the run's period ("retention per
    week", as summarize's header), though the table's column is "retention per step"."""
    table = relationships_table(run)
    if table is None:
        return []
    word = period(run.steps_per_year)
    headings = {"retention per step": f"retention per {word}"}
    shown = _text(table, RELATIONSHIP_FORMATS)
    # As `marketsim summarize`: the referral columns are blank, not "0 | n/a", for a firm
    # without a referral program.
    programs = referral_program_firms(run)
    without = ~table["firm"].isin(programs)
    referral = [c for c in REFERRAL_COLUMNS if c in table.columns]
    if referral:
        shown.loc[without, referral] = ""
    parts = [f"<h2>Customer relationships{of_run}</h2>",
             _table_html(shown.rename(columns=headings), not_in_market(run)),
             "<p>Share of wallet: the firm's revenue over everything its customers spent, in "
             "every category. Purchases per buyer: units bought from the firm per consumer who "
             "ever bought from it. Active customers bought within the word-of-mouth window; lost "
             f"ones lapsed during the run. Retention per {word} is 1 minus lost customers over "
             "active customers at risk. CLV = yearly margin per customer x r / (1 + i - r), r "
             "the yearly retention. Program cost: loyalty and referral rewards over the run. "
             "Share of wallet, purchases per buyer, active customers, retention and CLV are at "
             f"the last {word}.</p>"]
    durable = durable_only_firms(run)
    if durable:
        shown = [headings.get(c, c) for c in LAPSE_COLUMNS if c in table.columns]
        upgrades = _upgrades(run)
        rebuys = ("does not shop again until it fails" if not upgrades else
                  "shops again only when it fails or to upgrade it: a working product is "
                  f"rebought only as an upgrade ({formats.count(upgrades)} in this run)")
        parts.append(
            f"<p><i>n/a: {html.escape(_names(durable))} "
            f"{'sells' if len(durable) == 1 else 'sell'} only durable goods. The owner of a "
            f"working product {rebuys}, so owners count as "
            "&ldquo;lapsed&rdquo; after the word-of-mouth window although nobody was lost; "
            f"{html.escape(_names(shown))} measure nothing there and are shown as n/a "
            "(<code>marketsim summarize</code> prints n/a for them too, for the same reason; "
            "the run file still holds their raw series, step by step). See the durable-goods "
            "table for failures and replacements.</i></p>")
    unseen = [firm for firm, retention, active in
              zip(table["firm"], table["retention per step"], table["active customers"])
              if pd.isna(retention) and active > 0 and firm not in durable
              and firm not in not_in_market(run)]
    if unseen:
        window = _wom_window(run)
        parts.append(
            f"<p><i>n/a: retention and CLV of {html.escape(_names(unseen))}. No lapse can be "
            f"seen yet: a customer lapses {window} {word}s after its last purchase (the "
            f"word-of-mouth window), so retention is measured from that many {word}s after a "
            "firm's first customer on, and the run file holds NaN until then "
            "(<code>marketsim summarize</code> prints n/a too).</i></p>")
    nobody = [firm for firm in firms_without_buyers(run) if firm not in not_in_market(run)]
    if nobody:  # as summarize words it
        parts.append(f"<p><i>n/a for {html.escape(_names(nobody))}: nobody bought from "
                     f"{'it' if len(nobody) == 1 else 'them'}.</i></p>")
    if referral and without.any():  # as summarize says it
        parts.append("<p><i>The referral columns are blank for firms without a referral "
                     "program.</i></p>")
    return parts


def _upgrades(run):
    """The upgrades of the run (working products replaced by a newer one, /market/upgrades),
    all firms together; 0 when it recorded none."""
    return float(run.market["upgrades"].to_numpy().sum()) if "upgrades" in run.market else 0.0


def _wom_window(run):
    """The run's market.wom_window, from its scenario (26, the default, when it is not there)."""
    try:
        market = (parse_scenario(run.scenario) or {}).get("market") or {}
        return int(market.get("wom_window", 26))
    except (ScenarioSyntaxError, AttributeError, TypeError, ValueError):
        return 26


def _durables_html(run, of_run):
    """The durable-goods table of `marketsim summarize`, with ownership and its notes; [] when
    the run did not record failures."""
    table = durables_table(run)
    if table is None:
        return []
    durable = [c for c, kind in zip(run.categories, run.category_kinds) if kind == "durable"]
    parts = [f"<h2>Durable goods, over the run, in the durable "
             f"{'category' if len(durable) == 1 else 'categories'} "
             f"({html.escape(', '.join(durable))}){of_run}</h2>",
             _table_html(_text(table, durable_formats(run)), not_in_market(run))]
    owned = ownership(run)
    if owned:
        parts.append("<p>Ownership at the end: " + "; ".join(
            f"{html.escape(c)}: {formats.share(v)} of consumers own a working one"
            for c, v in owned) + ".</p>")
    counted = counted_from(run)
    early = (f"counted {counted} (before that every failure is early by definition, whatever the "
             "product is built like; n/a without failures from then on)"
             if counted != NOT_COUNTED else "n/a here, as the run ends before a product can "
             "reach its reference life: every failure in it is early by definition")
    parts.append("<p>Units, failures, replacements, upgrades and installed base count the "
                 "durable categories only; firms that sell none are not listed. Early failures: "
                 "the share of failures that came before the category's reference life, "
                 f"{html.escape(early)}. Replacement share: the share of the firm's durable units "
                 "bought to replace a failed product. Units, failures, mean age at failure, "
                 "replacements and upgrades are over the run; installed base (working products "
                 "owned) and loyalty are at the last step. Loyalty is to the firm in all its "
                 "categories.</p>")
    return parts


def _overrides_html(run):
    """A clearly visible note, right under the description, when the command line changed the
    scenario: the description is the file's and may not hold for this run; and when the run
    branched, from when its branch: block's changes apply (scenario_text.branch_line); ""
    otherwise."""
    changes = overrides(run)
    branched = branch_line(run.scenario, run.steps_per_year)
    note = f" {html.escape(branched)}." if branched else ""
    if not changes:
        return f'<p class="changed"><b>{note.strip()}</b></p>' if branched else ""
    listed = ", ".join(f"<code>{html.escape(c)}</code>" for c in changes)
    return (f'<p class="changed"><b>This run changed the scenario with: {listed}.{note} The '
            "description above is the scenario file's and may not hold for this run.</b></p>")


def _shocks_html(run):
    """The shocks the run applied, and those it did not, as `marketsim summarize` lists them;
    "" when the scenario has none."""
    applied, skipped = scenario_shocks(run.scenario, run.steps_per_year, len(run.steps))
    parts = []
    if applied:
        parts.append("Shocks applied: "
                     + "; ".join(html.escape(line) for line in applied) + ".")
    if skipped:
        parts.append("Shocks not applied: " + "; ".join(html.escape(line) for line in skipped)
                     + ".")
    return f"<p>{'<br>'.join(parts)}</p>" if parts else ""


# The caption of market_share.png when it has a panel per category (plot.shares_by_category).
CATEGORY_SHARES_CAPTION = (
    "A panel per category: each firm's share of the units of that category sold in each "
    "{period}, stacked to 100%, with only the firms that sell in it (units of different "
    "categories, such as chewing gum and washing machines, are not added together); blank in a "
    "{period} in which the category sold nothing (a share is undefined there).")


def figure_caption(name, run):
    """The caption of figure `name` of `run` (CAPTIONS, its name when it has none; for
    market_share.png with a panel per category, CATEGORY_SHARES_CAPTION), in the run's period:
    "the first month a failure can be on time" in a monthly run."""
    text = CAPTIONS.get(name, name)
    if name == "market_share.png" and plot.shares_by_category(run):
        text = CATEGORY_SHARES_CAPTION
    return text.replace("{period}", period(run.steps_per_year))


def _figure_html(name, data, caption=None):
    encoded = base64.b64encode(data).decode("ascii")
    caption = html.escape(caption or CAPTIONS.get(name, name))
    return (f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _skipped_html(name, why):
    """The line that says a figure is not shown, and why."""
    return f"<p><i>Not shown: {html.escape(name)}, because {html.escape(why)}.</i></p>"


def _diagnostics_table(run):
    """The strategies' own diagnostics as rows of display text, one per diagnostic: its name,
    units, description (as the strategy declared it) and the firms that recorded it, then, for
    each firm that recorded any of them, its last recorded value under "last value, <firm>"
    (a plain number, with the step when it is not the run's last; n/a when the firm did not
    record that diagnostic)."""
    last = {name: plot.diagnostic_last_values(run, name) for name in run.diagnostics}
    recorders = {firm for values in last.values() for firm, _, _, _ in values}
    firms = [firm for firm in run.firms if firm in recorders]
    rows = []
    for name, values in last.items():
        row = {"diagnostic": name, "units": run.unit(name, "strategies"),
               "description": plot.diagnostic_description(run, name),
               "recorded by": ", ".join(label for _, label, _, _ in values)
               or "no firm (not drawn)"}
        shown = {firm: formats.number(value) + (f" ({when})" if when else "")
                 for firm, _, value, when in values}
        for firm in firms:
            row[f"last value, {firm}"] = shown.get(firm, formats.NA)
        rows.append(row)
    return rows


def _diagnostics_html(run, figures, of_run):
    """The section of the strategies' own diagnostics: a note, the table and the figures
    (`figures`: [(file name, PNG bytes)] of plot.render_strategies); [] when the run recorded
    none, so that a run without diagnostics has no such section."""
    if not run.diagnostics:
        return []
    table = _table_html(pd.DataFrame(_diagnostics_table(run)))
    which = (f" They are run {html.escape(str(run.run_id))}'s: each run of the experiment "
             "records its own (choose another with <code>--run ID</code>)."
             if run.run_id is not None else "")
    parts = [f"<h2>Strategies' own diagnostics{of_run}</h2>",
             "<p>Numbers that the firms' strategies recorded about themselves in each step, as "
             "their authors declared them: <code>/strategies/&lt;name&gt;</code> in the run "
             "file, <code>run.diagnostics</code> from Python. A firm that recorded no value of "
             "a diagnostic (its column is all NaN) is neither listed nor drawn for it. Last "
             "value: the firm's last recorded value, in the diagnostic's units, at the run's "
             "last step unless another step is given; n/a where the firm did not record "
             f"that diagnostic.{which}</p>",
             table]
    caption = ("The strategies' own diagnostics over time: a panel per diagnostic, with its "
               "description above it and its units on the axis, and a line per firm that "
               "recorded it, in the firm's colour and line style of the other figures.")
    return parts + [_figure_html(name, data, caption) for name, data in figures]


def _one_run_note(run):
    """For a run of an experiment file: which run the page's summary, tables and figures show,
    and where the distribution over every run is; "" for a single-run file."""
    if run.run_id is None:
        return ""
    ids = run_ids(run.path)
    runs = run.experiment.get("runs")
    row = experiment_tables.run_row(runs, run.run_id) if runs is not None else None
    where = ""
    if row is not None:
        point = experiment_tables.point_column(runs)
        details = []
        if point:
            details.append(f"design point {_plain(row[point])}")
        if "replication" in row.index:
            details.append(f"replication {_plain(row['replication'])}")
        if "seed" in row.index:
            details.append(f"seed {_plain(row['seed'])}")
        where = f" ({', '.join(details)})" if details else ""
    return (f"<p><b>This file is an experiment of {len(ids)} runs. The summary, the tables "
            f"after it and the figures below are of one run only: run "
            f"{html.escape(str(run.run_id))}{html.escape(where)}</b>, not of the experiment as "
            "a whole; choose another with <code>--run ID</code>. The spread of the key results "
            "over every run, by design point, is under the heading "
            "&ldquo;Experiment&rdquo; further down.</p>")


def _grid_axis(run, key, where):
    """A heatmap's key in words for its caption: "BigTub's marketing budget (up)", "tangy's
    ideal point's centre on axis 0 (across, moved together with fruity's ...)"."""
    others = moved_with(run, key)
    return f"{key_in_words(key)} ({where}" + (
        f", moved together with {keys_in_words(others)})" if others else ")")


def _experiment_figure_html(name, data, metric, run):
    if name == plot.OVER_TIME_FIGURE:
        return _figure_html(name, data, (
            "Market share over time, over every run of the experiment (not only run "
            f"{run.run_id}): a panel per design point (at most {plot.MAX_PANELS}, spread evenly "
            "when there are more), for each firm the mean of the design point's replications at "
            f"each {period(run.steps_per_year)} as a line and the 95% confidence interval of that "
            "mean (Student t) as a band. The band says how well the replications pin down the "
            "mean, not where single runs fall (the boxes of the experiment_market_share.png "
            f"figure show those, at the last {period(run.steps_per_year)}). A run that sold "
            f"nothing in a {period(run.steps_per_year)} has no market share there and is left "
            "out of its mean and band; where no run sold anything the line has a gap."))
    if name == SENSITIVITY_FIGURE:
        return _figure_html(name, data, (
            "The sensitivity table below as bars: for each sampled key, a bar per firm whose "
            "length is the partial rank correlation of its result with the key over the design "
            "points (-1: the result falls as the key rises; +1: it rises; the other sampled keys "
            "held fixed). Solid bars have p below 0.05, hatched ones do not; a missing bar is "
            "undefined (the result does not vary, or the other keys fix its order)."))
    if plot.sampled_keys(run) and name == plot.sampled_figure_name(metric):
        return _figure_html(name, data, (
            f"{metric.replace('_', ' ')} against each key the Latin hypercube samples "
            f"({keys_in_words(plot.sampled_keys(run))}), over every run of the experiment (not "
            f"only run {run.run_id}): a dot per run and firm at the value its design point "
            "drew, and a line per firm through the mean of the runs in equal-width bins of the "
            "key. Every sampled key varies at once, so the spread at a value includes the "
            "other keys' effects; the line is a trend, not a fitted response."))
    key = plot.swept_number(run)
    against = moved_words(run, key) if key is not None else ""
    keys, problem = plot.swept_grid(run)
    pair = plot.swept_number_and_category(run)
    if keys is not None and problem is None and name == plot.grid_figure_name(metric, keys):
        caption = (f"{metric.replace('_', ' ')} by {_grid_axis(run, keys[0], 'across')} and "
                   f"{_grid_axis(run, keys[1], 'up')}, over "
                   f"every run of the experiment (not only run {run.run_id}): a heatmap per "
                   "firm, each cell " + (
                       "the result of the design point's one run" if plot.one_run_per_point(run)
                       else "the mean of the design point's runs") +
                   ", on one colour scale shared by the firms. Neighbouring cells are not a "
                   "test of a difference: design points share their seeds, so the paired "
                   "changes in the table of changes against design point 0 are the test.")
    elif pair is not None and name == plot.lines_figure_name(metric, pair):
        switch = is_shock_switch(pair[1])
        caption = (f"{metric.replace('_', ' ')} against {moved_words(run, pair[0])}, "
                   + (f"with {key_in_words(pair[1])} off and on" if switch else
                      f"for each value of {key_in_words(pair[1])}")
                   + f", over every run of the experiment (not only run {run.run_id}): a panel "
                   "per firm, on its own scale, with a line "
                   + ("for the shock off and one for it on" if switch else
                      f"per value of {key_in_words(pair[1])}") + (
                       " through the result of each design point's one run (one run per design "
                       "point: no spread to show)" if plot.one_run_per_point(run) else
                       " through the median of each design point's runs and their p5 to p95 as "
                       "a band") + ". Lines apart are not a test of a difference: design points "
                   "share their seeds, so the paired changes in the table of changes against "
                   "design point 0 are the test.")
    elif "_by_" in name and key is not None and plot.confidence_band(run, metric) == "none":
        caption = (f"{metric.replace('_', ' ')} against {against}, over every run of the "
                   f"experiment (not only run {run.run_id}): for each firm, the result of each "
                   "design point's one run. With one run per design point there is no spread, "
                   "so no confidence interval can be drawn; replications "
                   "(experiment.replications) would give one.")
    elif "_by_" in name and key is not None:
        caption = (f"{metric.replace('_', ' ')} against {against}, over every run of the "
                   f"experiment (not only run {run.run_id}): for each firm, the mean of each "
                   "design point's runs, with the 95% confidence interval of that mean as a dark "
                   "band and the p5 to p95 of the runs, where 90% of single outcomes fell, as a "
                   "light band (neither at a design point with one run). The bands are not a "
                   "test of a difference: design points share their seeds, so the paired "
                   "changes in the table of changes against design point 0 are the test, and "
                   "they detect differences the bands hide.")
    elif plot.one_run_per_point(run):
        caption = (f"{metric.replace('_', ' ')} in every run of the experiment (not only run "
                   f"{run.run_id}): for each firm, a marker per design point, in its colour. "
                   "With one run per design point there is no spread to show.")
    else:
        caption = (f"{metric.replace('_', ' ')} in every run of the experiment (not only run "
                   f"{run.run_id}): for each firm, one box per design point. The box holds the "
                   "middle half of the runs (p25 to p75), the line is the median, the whiskers "
                   "run from p5 to p95, the diamond is the mean and each dot is a run. Overlap "
                   "is not a test: design points share their seeds, so the paired changes in "
                   "the table of changes against design point 0 are the test.")
    return _figure_html(name, data, caption)


MAX_KEY_VALUES = 8  # values of a key the table of design point keys lists; more give a range


def _key_value(value, rounded=False):
    """A design point's value as --set takes it, in full: 40000, 0.5, 40000.123456789, true (the
    shortest text that reads back as the value, so the run reruns bit for bit); `rounded`, to
    six significant digits (the ends of a range of sampled values, which the table of every run
    gives in full)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6g}" if rounded else repr(float(value))
    return _plain(value)


def _design_keys(run):
    """The key paths the design points set, in the order of the file's tables: the key columns
    of /experiment/runs, else those of /experiment/summary (between design_point and metric)."""
    runs = run.experiment.get("runs")
    if runs is not None and len(runs):
        return runs, experiment_tables.swept_columns(runs, run.firms)
    summary = run.experiment.get("summary")
    if summary is None or not {"design_point", "metric"} <= set(summary.columns):
        return None, []
    columns = list(summary.columns)
    return summary, columns[columns.index("design_point") + 1:columns.index("metric")]


def _design_keys_html(run):
    """The one place where the page gives the key paths of what its design points set: a table
    from the words the figures and captions use (point_words.key_in_words) to the key path and
    the values, for rerunning a design point with --set; [] when the design points set none."""
    table, keys = _design_keys(run)
    if not keys:
        return []
    sampled = set(getattr(run, "sampled", []))
    together = [k for k in getattr(run, "together", []) if k in keys]
    rows = []
    for key in keys:
        values = list(dict.fromkeys(v for v in table[key] if not formats.missing(v)))
        if key in sampled or len(values) > MAX_KEY_VALUES:
            numbers = pd.to_numeric(pd.Series(values), errors="coerce")
            shown = (f"{_key_value(float(numbers.min()), True)} to "
                     f"{_key_value(float(numbers.max()), True)} "
                     f"({len(values)} values{', sampled' if key in sampled else ''})"
                     if numbers.notna().all() and len(values) else
                     ", ".join(map(_key_value, values[:MAX_KEY_VALUES])) + ", ...")
        else:
            shown = ", ".join(map(_key_value, values))
        if key in together and len(together) >= 2:
            shown += " (moved together with " + ", ".join(k for k in together if k != key) + ")"
        rows.append({"in the figures and captions": key_in_words(key), "key path": key,
                     "values": shown})
    branch = _branch_at(run)
    if branch:
        # A --set applies from the start, so it would give another run than the branched one.
        rerun = (f"The experiment branches at step {branch}: the design points' values apply "
                 f"from {run.time_point(branch)} on, after a history that they all share. To "
                 "rerun one of its runs on its own, run the scenario the file stores for it, "
                 "<code>/runs/ID/scenario</code>, which holds its values in a "
                 "<code>branch:</code> block (<code>marketsim run</code> on that text reproduces "
                 "the run bit for bit); a <code>--set</code> would apply them from the start. "
                 "The table of every run below has each run's values.")
    else:
        rerun = ("To rerun a design point on its own, give its values with <code>marketsim run "
                 "SCENARIO --set KEY=VALUE</code>; the table of every run below has each run's "
                 "values.")
    return ["<h3>Design point keys</h3>",
            "<p>The figures and captions name what the design points set in words. "
            f"{rerun}</p>",
            _table_html(pd.DataFrame(rows))]


def _branch_at(run):
    """The step an experiment's runs branch at (its file's `branch_at` attribute), 0 when they
    do not branch."""
    try:
        return int(run.attrs.get("branch_at") or 0)
    except (TypeError, ValueError):
        return 0


def _prcc_text(row):
    """"+0.96 (p<0.001)": a partial rank correlation and its p, as `marketsim summarize` prints
    them; n/a where undefined."""
    if row is None or formats.missing(row["prcc"]):
        return formats.NA
    p = row["p_value"]
    return f"{row['prcc']:+.2f} " + ("(p<0.001)" if p < 0.001 else f"(p={p:.3f})")


def _sensitivity_html(run):
    """A Latin hypercube's sensitivity table (analysis.sensitivity): for each firm and sampled
    key, the partial rank correlation of its profit per year and market share with the key; []
    without sampled keys."""
    keys = plot.sampled_keys(run)
    # (Too few design points: the page's note on the figures not shown says how many it needs.)
    table = sensitivity_table(run.experiment.get("summary"), keys)
    if not len(table):
        return []
    groups = [c for c in table.columns if c not in ("metric", "firm", "key", "n", "prcc",
                                                       "p_value")]
    cells = {tuple(r[c] for c in groups + ["metric", "firm", "key"]): r
             for _, r in table.iterrows()}
    rows = []
    for _, r in table[table["metric"] == "profit_per_year"].iterrows():
        ids = tuple(r[c] for c in groups)
        row = {f"{key_in_words(c)} ({c})": r[c] for c in groups}
        row.update({"firm": r["firm"], "sampled key": f"{key_in_words(r['key'])} ({r['key']})",
                    "profit per year": _prcc_text(r),
                    "market share": _prcc_text(cells.get(ids + ("market_share", r["firm"],
                                                                r["key"])))})
        rows.append(row)
    n = int(table["n"].max())
    held = ("with one sampled key it is Spearman's rank correlation" if len(keys) == 1 else
            "the other sampled keys are held fixed (their ranks regressed out of both)")
    over = "each combination of swept values and its" if groups else "the"
    return ["<h3>Sensitivity to the sampled keys (partial rank correlation)</h3>",
            f"<p>For each firm, how strongly its profit per year and its market share move "
            f"with each sampled key over {over} {n} design points (each the mean of its "
            "replications): the partial rank correlation coefficient (PRCC), from -1 (the "
            "result falls as the key rises) to +1 (it rises). It works on ranks, so any "
            f"monotone effect counts; {held}. p tests that it is 0 ({p_words(n, len(keys))}): "
            "with many keys and firms, some p below 0.05 are luck. n/a: the result does not "
            f"vary{'' if len(keys) == 1 else ', or the other keys fix its order'}. The PRCC says "
            "how consistently a result moves with a key, not how much, and a key whose effect "
            "rises and then falls has a PRCC near 0: read both with the figures above. "
            "<code>marketsim summarize --csv</code> writes every key result's as "
            "sensitivity.csv.</p>",
            _table_html(pd.DataFrame(rows))]


def _experiment_html(run):
    ids = run_ids(run.path)
    parts = [f'<h2 id="experiment">Experiment: key results over all {len(ids)} runs, by design '
             "point</h2>",
             "<p>Everything in this section covers every run of the file, not only run "
             f"<b>{html.escape(str(run.run_id))}</b> shown above.</p>"]
    for name, data, metric in plot.render_experiment(run):
        parts.append(_experiment_figure_html(name, data, metric, run))
    parts += [_skipped_html(figure_name, why) for figure_name, why in plot.experiment_skipped(run)]
    parts += _design_keys_html(run)
    summary = run.experiment.get("summary")
    runs = run.experiment.get("runs")
    if summary is not None and len(summary):
        parts.append("<h3>Summary by design point (/experiment/summary)</h3>")
        parts.append(_table_html(_statistics_text(summary, run)))
        differences = run.experiment.get("differences")
        if differences is not None and len(differences):
            parts.append("<h3>Changes against design point 0 (/experiment/differences)</h3>")
            parts.append("<p>Replication by replication: each run's result minus that of the run "
                         "of design point 0 with the same seed (common random numbers).</p>")
            parts.append(_table_html(_statistics_text(differences, run, difference=True)))
        parts += _sensitivity_html(run)
    elif runs is not None and len(runs):
        table = experiment_tables.distribution(runs)
        if len(table):
            parts.append("<h3>Distribution over runs (computed from /experiment/runs)</h3>")
            parts.append(_table_html(_statistics_text(table, run)))
    if runs is not None and len(runs):
        parts.append("<h3>Every run (/experiment/runs)</h3>")
        parts.append(_table_html(_runs_text(runs, run)))
    return "\n".join(parts)


def build_report(run):
    """The report as an HTML string."""
    fields = scenario_fields(run.scenario) if run.scenario else {"name": "", "description": ""}
    name = run.attrs.get("scenario_name") or fields["name"] or "marketsim run"
    description = run.description or fields["description"]
    table = summary_table(run)
    length = periods.run_length(len(run.steps), run.steps_per_year)  # "1 week", "2.0 years"
    years = f" ({length})" if length else ""
    facts = (f"{run.attrs.get('consumers', '?')} consumers, {len(run.steps)} of "
             f"{run.attrs.get('steps', len(run.steps))} steps{years}, seed "
             f"{run.attrs.get('seed', '?')}; marketsim {run.attrs.get('marketsim_version', '?')} "
             f"(commit {run.attrs.get('git_commit', '?')}), created "
             f"{run.attrs.get('created_utc', '?')}")
    facts = html.escape(facts)
    if run.attrs.get("complete", 1) != 1:
        facts += ". <b>This run is incomplete.</b>"
    made, skipped = plot.render(run)
    diagnostics = {name for name, _ in plot.diagnostics_pages(run)}
    strategy_figures = [(n, d) for n, d in made if n in diagnostics]
    made = [(n, d) for n, d in made if n not in diagnostics]
    of_run = f" (run {html.escape(str(run.run_id))} only)" if run.run_id is not None else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(name)}</h1>",
        f"<p>{html.escape(description) or '<i>No description.</i>'}</p>",
        _overrides_html(run),
        _shocks_html(run),
        f'<p class="facts">{facts}</p>',
        f"<p><b>{html.escape(scale_note(run))}</b></p>" if scale_note(run) else "",
        _one_run_note(run),
        f"<h2>Summary{of_run}</h2>",
        _table_html(_summary_text(table), not_in_market(run), keep=2),
        "<p>" + "<br>".join(html.escape(line) for line in reading(table)
                            + [segment_leaders(run), no_roi_note(table)] if line) + "</p>",
        f"<p>Market share is the last {period(run.steps_per_year)}'s unit share. Customer share "
        "is the share of category "
        "requirements: of all the purchases that a firm's buyers made in its categories since the "
        "start, the fraction that went to the firm. Penetration is the share of all consumers who "
        "have bought from the firm. Profit is cumulative; ROI is cumulative profit over "
        "cumulative marketing money: the marketing spend and the loyalty and referral programs' "
        f"rewards.</p><p>{html.escape(ROI_CAUTION)}</p>",
    ]
    parts += _relationships_html(run, of_run)
    parts += _durables_html(run, of_run)
    parts += [f"<h2>Figures{of_run}</h2>"]
    parts += [_figure_html(n, d, figure_caption(n, run)) for n, d in made]
    parts += [_skipped_html(figure_name, plot.plain_skip_reason(run, figure_name, why))
              for figure_name, why in skipped]
    parts += _diagnostics_html(run, strategy_figures, of_run)
    if run.experiment:
        parts.append(_experiment_html(run))
    if run.scenario:
        parts.append("<h2>The scenario, as resolved</h2>")
        parts.append(f"<pre>{html.escape(run.scenario)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.report",
                                     description="Write a self-contained HTML report of a run.")
    add_run_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="the HTML file to write")
    add_force_argument(parser, "the HTML file")
    args = parser.parse_args(argv)
    try:
        check_new_file(args.output, args.force, inputs=[args.file])
    except OSError as error:
        return bad_input(error)
    run = load_run_or_report(args)
    if run is None:
        return 2
    try:  # the experiment's figures read its other runs, whose layout is checked as they are
        page = build_report(run)
    except NotARunError as error:
        return bad_input(error)
    try:
        write_file(args.output, page)
    except WriteError as error:
        return cannot_write(error)
    print(f"wrote {args.output} ({len(page) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    run_main(main)
