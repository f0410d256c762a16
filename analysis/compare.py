"""Two runs side by side: per firm, the final shares, cumulative profit, ROI and differences;
for runs with durable goods also failures, early failures, replacements, installed base and
ownership saturation.

    python3 -m analysis.compare A.h5 B.h5 [--run-a ID] [--run-b ID] [--out DIR]

Runs of the same scenario and seed share their random numbers (common random numbers): the same
consumers and the same chance events, so much of the consumers' luck cancels in each
difference. What was changed may bring luck of its own (a market study's sample, a strategy's
random draws), and one pair of runs is one draw of it: measure an effect over an experiment's
replications.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import formats, run_main  # noqa: E402
from analysis.plot import points_formatter  # noqa: E402
from analysis.load import (NotARunError, bad_input, check_writable_directory,  # noqa: E402
                           load_run)
from analysis.scenario_text import ScenarioSyntaxError, parse_scenario  # noqa: E402
from analysis.summary import (NOT_IN_MARKET, NOT_IN_MARKET_WHY, in_market,  # noqa: E402
                              not_in_market, not_in_market_note)

# (metric, title, how): "last" is the last step's value, "sum" the sum over the run, "early"
# the share of the run's failures that were early. Shares are fractions; the rest by kind.
METRICS = [("market_share", "market share", "last"),
           ("customer_share", "customer share", "last"),
           ("cumulative_profit", "cumulative profit", "last"), ("roi", "ROI", "last")]
# Compared when both runs recorded durables (/market/failures).
DURABLE_METRICS = [("failures", "failures, products that broke", "sum"),
                   ("early_failures", "early failures, before the reference life", "sum"),
                   ("early_failure_share", "share of failures that were early", "early"),
                   ("replacements", "replacement purchases", "sum"),
                   ("installed_base", "installed base, working products owned", "last")]
KINDS = {"market_share": "share", "customer_share": "share", "cumulative_profit": "money",
         "roi": "ratio", "failures": "count", "early_failures": "count",
         "early_failure_share": "share", "replacements": "count", "installed_base": "count",
         "saturation": "share"}
WHEN = {"last": "last step", "sum": "summed over the run", "early": "over the run"}
# Cumulative profit is a "last" value, but the last step's cumulative profit is the whole run's.
WHEN_METRIC = {"cumulative_profit": "last step: the profit of the whole run"}


def has_durables(a, b):
    """True when both runs recorded the durables series."""
    return "failures" in a.market and "failures" in b.market


def metrics(a, b):
    """The (metric, title, how) compared for these two runs."""
    return METRICS + (DURABLE_METRICS if has_durables(a, b) else [])


def firm_values(run, metric, how, firms):
    """A metric per firm (NaN for a firm the run does not have, or a series it lacks)."""
    if how == "early":
        failures = firm_values(run, "failures", "sum", firms)
        early = firm_values(run, "early_failures", "sum", firms)
        return [e / f if f > 0 else float("nan") for e, f in zip(early, failures)]
    if metric not in run.market:
        return [float("nan")] * len(firms)
    series = run.market[metric].sum() if how == "sum" else run.final(metric)
    return series.reindex(firms).to_numpy(dtype=float)


def comparison_table(a, b):
    """One row per firm present in either run: A, B and B - A of each compared metric (the
    durables ones too when both runs recorded them). Columns "in_market A" and "in_market B" say
    whether the firm took part in each run (analysis.summary.in_market, the rule of `marketsim
    summarize`); a firm not in the market in a run has no values there (NaN), and so no B - A:
    its zeros are not results."""
    firms = list(dict.fromkeys(list(a.firms) + list(b.firms)))
    table = pd.DataFrame({"firm": firms})
    present_a = pd.Series(firms).isin(in_market(a)).to_numpy()
    present_b = pd.Series(firms).isin(in_market(b)).to_numpy()
    table["in_market A"] = present_a
    table["in_market B"] = present_b
    for metric, _, how in metrics(a, b):
        va = pd.Series(firm_values(a, metric, how, firms), dtype=float).where(present_a)
        vb = pd.Series(firm_values(b, metric, how, firms), dtype=float).where(present_b)
        table[f"{metric} A"] = va.to_numpy()
        table[f"{metric} B"] = vb.to_numpy()
        table[f"{metric} B-A"] = (vb - va).to_numpy()
    return table


def saturation_table(a, b):
    """Ownership saturation in the last step, by durable category in either run: A, B, B - A;
    None unless both runs recorded /market/saturation."""
    if a.saturation is None or b.saturation is None:
        return None
    kinds = {**dict(zip(b.categories, b.category_kinds)),
             **dict(zip(a.categories, a.category_kinds))}
    categories = [c for c in dict.fromkeys(list(a.categories) + list(b.categories))
                  if kinds.get(c) == "durable"]
    last_a = a.saturation.iloc[-1].reindex(categories).to_numpy(dtype=float)
    last_b = b.saturation.iloc[-1].reindex(categories).to_numpy(dtype=float)
    return pd.DataFrame({"category": categories, "saturation A": last_a,
                         "saturation B": last_b, "saturation B-A": last_b - last_a})


ABSENT = "(absent)"


class _Missing:
    """A key that one scenario does not have (unlike null, a value)."""

    def __repr__(self):
        return ABSENT


_MISSING = _Missing()


def _named_items(node):
    """A list of mappings that all have a `name`, as {name: item}; None for any other node."""
    if (isinstance(node, list) and node and all(isinstance(i, dict) and i.get("name") is not None
                                                for i in node)):
        names = [str(i["name"]) for i in node]
        if len(set(names)) == len(names):
            return dict(zip(names, node))
    return None


def _children(node):
    """The children of a mapping, or of a list of named mappings (by name); None for a leaf."""
    if isinstance(node, dict):
        return {str(key): value for key, value in node.items()}
    return _named_items(node)


def show(node, limit=80):
    """A scenario value as one line of YAML flow text: 40000, [0.6, 0.6], {mean: 0, sd: 1}."""
    if node is None:
        return "null"
    if isinstance(node, list):
        text = "[" + ", ".join(show(item, limit) for item in node) + "]"
    elif isinstance(node, dict):
        text = "{" + ", ".join(f"{key}: {show(value, limit)}" for key, value in node.items()) + "}"
    else:
        text = str(node)
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def tree_changes(a, b, path=""):
    """The key paths whose values differ between two parsed scenarios: [(path, in A, in B)],
    values as flow text or "(absent)". Mappings are compared key by key and lists of named
    mappings (firms, segments, ...) item by item by name; any other value as a whole."""
    if a == b:
        return []
    children_a, children_b = _children(a), _children(b)
    if children_a is None or children_b is None:
        return [(path, ABSENT if a is _MISSING else show(a),
                 ABSENT if b is _MISSING else show(b))]
    changes = []
    for key in dict.fromkeys(list(children_a) + list(children_b)):
        changes += tree_changes(children_a.get(key, _MISSING), children_b.get(key, _MISSING),
                                f"{path}.{key}" if path else key)
    return changes


def scenario_changes(a, b):
    """The keys whose values differ between the runs' resolved scenarios (/scenario), read as
    YAML: [(dotted key path, in A, in B)], list items named by their `name`
    (firms.Mass.budget_per_year)."""
    return tree_changes(parse_scenario(a.scenario), parse_scenario(b.scenario))


def paired_note(a, b):
    """Whether common random numbers make the differences paired, in a sentence naming what
    keeps them from being paired (the seed, the population size or both)."""
    seed_a, seed_b = a.attrs.get("seed"), b.attrs.get("seed")
    consumers_a, consumers_b = a.attrs.get("consumers"), b.attrs.get("consumers")
    if seed_a == seed_b and consumers_a == consumers_b:
        return (f"Both runs use seed {seed_a} and {consumers_a} consumers: they share their "
                "random numbers (common random numbers), so much of the consumers' luck cancels "
                "in each difference. One pair is still one draw: what was changed may bring luck "
                "of its own (a study's sample, a strategy's random draws), so measure an effect "
                "over an experiment's replications (its \"change vs 0\").")
    differ = []
    if seed_a != seed_b:
        differ.append(f"seed ({seed_a} vs {seed_b})")
    if consumers_a != consumers_b:
        differ.append(f"population size ({consumers_a} vs {consumers_b} consumers)")
    same = [f"the same seed ({seed_a})"] if seed_a == seed_b else []
    advice = ("Rerun with the same seed and population size for a paired comparison."
              if len(differ) == 2 else
              "Rerun with the same population size for a paired comparison." if same else
              "Rerun with the same seed for a paired comparison.")
    return (f"The runs differ in {' and '.join(differ)}, so they do not share random numbers"
            + (f" despite {same[0]}" if same else "") + ": the differences include sampling "
            f"noise. {advice}")


def _format(table):
    """The comparison table as display text: shares in %, their differences in percentage
    points, money with thousands separators, counts as whole numbers; "not in market" for a firm
    that took no part in that run (column in_market A or B False)."""
    out = table.drop(columns=["in_market A", "in_market B"], errors="ignore").copy()
    for column in out.columns[1:]:
        metric, _, side = column.rpartition(" ")
        present = table.get(f"in_market {side}")
        if present is not None:
            absent = ~present.astype(bool)
            out[column] = [NOT_IN_MARKET if gone else text for gone, text
                           in zip(absent, _format_column(table, column, metric, side))]
        else:
            out[column] = _format_column(table, column, metric, side)
    return out


def _format_column(table, column, metric, side):
    """One column of the comparison table as display text ("-" where there is no value)."""
    difference = side == "B-A"
    kind = KINDS.get(metric, "number")
    if kind == "money":  # one precision per column: whole units once any amount is large
        whole = bool((table[column].abs() >= 100).any())
        return [formats.money(v, signed=difference, whole=whole) if pd.notna(v) else "-"
                for v in table[column]]
    return [formats.value(kind, v, difference=difference) if pd.notna(v) else "-"
            for v in table[column]]


def absent_notes(a, b):
    """A sentence for each firm not in the market in A, B or both (analysis.summary's rule):
    "LongLife: not in market in A and B (sold nothing and spent nothing during the run); no
    figures there and no B - A."; [] when every firm took part in both."""
    out_a, out_b = set(not_in_market(a)), set(not_in_market(b))
    notes = []
    for firm in dict.fromkeys(list(a.firms) + list(b.firms)):
        where = [side for side, out in (("A", out_a), ("B", out_b)) if firm in out]
        if where:
            notes.append(f"{firm}: {NOT_IN_MARKET} in {' and '.join(where)} "
                         f"({NOT_IN_MARKET_WHY}); no figures there and no B - A.")
    return notes


def _print_block(title, table, key, label):
    """One metric's A, B and B - A columns under its title."""
    print(f"\n{title}:")
    block = table[[label, f"{key} A", f"{key} B", f"{key} B-A"]]
    block.columns = [label, "A", "B", "B - A"]
    print(block.to_string(index=False))


# The longest line of scenario changes the figure's title carries (the console lists them all).
CHANGES_WIDTH = 110


def run_label(run):
    """A run as the figure names it: its file name, and the run of an experiment file."""
    name = os.path.basename(run.path)
    return f"{name} (run {run.run_id})" if run.run_id is not None else name


def changes_line(changes, width=CHANGES_WIDTH):
    """The keys that differ between the runs' scenarios in one line: "B changes
    firms.Durabox.durability.washer: 156 -> 78"; when they do not all fit, the first ones and
    how many more; "the resolved scenarios are identical" for none."""
    if not changes:
        return "the resolved scenarios are identical"
    shown = [f"{key}: {old} -> {new}" for key, old, new in changes]
    for keep in range(len(shown), 0, -1):
        line = "B changes " + "; ".join(shown[:keep])
        line += f"; and {len(shown) - keep} more" if keep < len(shown) else ""
        if len(line) <= width or keep == 1:
            return line if len(line) <= width else line[:width - 3] + "..."
    return ""


def paired(a, b):
    """True when the runs share their random numbers: the same seed and population size."""
    return (a.attrs.get("seed") == b.attrs.get("seed")
            and a.attrs.get("consumers") == b.attrs.get("consumers"))


def share_difference_figure(a, b, changes=None):
    """Market share of B minus A, per firm, over the steps both runs have. The title names the
    two runs (their files), what differs between them (`changes`, from scenario_changes; read
    from the runs when None) and whether the differences are paired. A firm in the market in
    neither run is left out and named under the chart."""
    if changes is None:
        try:
            changes = scenario_changes(a, b)
        except ScenarioSyntaxError:
            changes = []
    sa, sb = a.market["market_share"], b.market["market_share"]
    steps = sa.index.intersection(sb.index)
    shared = [f for f in a.firms if f in b.firms]
    idle = [f for f in shared if f in not_in_market(a) and f in not_in_market(b)]
    firms = [f for f in shared if f not in idle]
    cycle = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(9, 5))
    for firm in firms:
        j = list(a.firms).index(firm)
        ax.plot(a.time_values(steps), sb.loc[steps, firm] - sa.loc[steps, firm], label=firm,
                color=cycle(j % 10), linestyle=["-", "--", "-.", ":"][j % 4], linewidth=1.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(points_formatter())  # points, not %
    ax.set_xlabel(a.time_label())
    ax.set_ylabel("market share, B minus A (percentage points)")
    scenario = a.name if a.name == b.name else f"{a.name} / {b.name}"
    how = ("paired: same seed and population, common random numbers" if paired(a, b) else
           "not paired: the seed or population differs, so the difference includes sampling "
           "noise")
    ax.set_title(f"{scenario}: market share, B - A ({how})\n"
                 f"A: {run_label(a)};  B: {run_label(b)}\n{changes_line(changes)}",
                 fontsize=10)
    if firms:
        ax.legend(title="firm", loc="center left", bbox_to_anchor=(1.01, 0.5))
    notes = []
    if idle:
        note = not_in_market_note(idle).replace(NOT_IN_MARKET, f"{NOT_IN_MARKET} in either run")
        notes.append(f"{note}; not drawn.")
    for side, run in (("A", a), ("B", b)):
        entered = [f for f in firms if f in not_in_market(run)]
        if entered:
            notes.append(f"{', '.join(entered)}: {NOT_IN_MARKET} in {side}, where "
                         f"{'its' if len(entered) == 1 else 'their'} share is drawn as 0.")
    if notes:
        fig.text(0.01, -0.02, "\n".join(notes), ha="left", va="top", fontsize=9,
                 color="dimgrey")
    ax.grid(alpha=0.3)
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.compare",
                                     description="Compare two marketsim runs firm by firm.")
    parser.add_argument("a", help="run A (the baseline)")
    parser.add_argument("b", help="run B (the variant)")
    parser.add_argument("--run-a", help="the run inside A, when A is an experiment file: its id "
                                        "(00042) or its number (42)")
    parser.add_argument("--run-b", help="the run inside B, likewise")
    parser.add_argument("--out", help="directory for share_difference.png")
    args = parser.parse_args(argv)
    try:
        if args.out is not None:
            check_writable_directory(args.out)
        a = load_run(args.a, args.run_a)
        b = load_run(args.b, args.run_b)
        changes = scenario_changes(a, b)
    except (OSError, NotARunError) as error:
        return bad_input(error)
    except ScenarioSyntaxError as error:
        return bad_input(f"cannot read the scenario stored in a run (/scenario): {error}")
    print(f"A: {args.a}  ({a.name}, {len(a.steps)} steps)")
    print(f"B: {args.b}  ({b.name}, {len(b.steps)} steps)")
    print("\nWhat differs in the resolved scenario:" if changes else
          "\nThe resolved scenarios are identical.")
    for key, old, new in changes:
        print(f"  {key}: {old} -> {new}")
    table = _format(comparison_table(a, b))
    for metric, title, how in metrics(a, b):
        _print_block(f"{title} ({WHEN_METRIC.get(metric, WHEN[how])})", table, metric, "firm")
    saturation = saturation_table(a, b)
    if saturation is not None and len(saturation):
        _print_block("ownership saturation, share of consumers owning a working product "
                     "(last step)", _format(saturation), "saturation", "category")
    notes = absent_notes(a, b)
    if notes:
        print("\n" + "\n".join(notes))
    print("\n" + paired_note(a, b))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "share_difference.png")
        fig = share_difference_figure(a, b, changes)
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    run_main(main)
