"""Two runs side by side: per firm, the final shares, cumulative profit, ROI and differences.

    python3 -m analysis.compare A.h5 B.h5 [--run-a ID] [--run-b ID] [--out DIR]

Runs of the same scenario and seed share their random numbers (common random numbers): the same
consumers and the same chance events. The differences are then the paired effect of what was
changed, not sampling noise.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from analysis import formats, run_main  # noqa: E402
from analysis.load import (NotARunError, bad_input, check_writable_directory,  # noqa: E402
                           load_run)
from analysis.scenario_text import ScenarioSyntaxError, parse_scenario  # noqa: E402

METRICS = [("market_share", "market share"), ("customer_share", "customer share"),
           ("cumulative_profit", "cumulative profit"), ("roi", "ROI")]


def comparison_table(a, b):
    """One row per firm present in either run: A, B and B - A of each final metric."""
    firms = list(dict.fromkeys(list(a.firms) + list(b.firms)))
    table = pd.DataFrame({"firm": firms})
    for metric, _ in METRICS:
        va = a.final(metric).reindex(firms).to_numpy()
        vb = b.final(metric).reindex(firms).to_numpy()
        table[f"{metric} A"] = va
        table[f"{metric} B"] = vb
        table[f"{metric} B-A"] = vb - va
    return table


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
                "random numbers (common random numbers), so each difference is the paired effect "
                "of what was changed, not sampling noise.")
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


SHARE_METRICS = ("market_share", "customer_share")


def _format(table):
    """The comparison table as display text: shares in %, their differences in percentage
    points, money with thousands separators."""
    out = table.copy()
    for column in out.columns[1:]:
        metric, _, side = column.rpartition(" ")
        difference = side == "B-A"
        kind = ("share" if metric in SHARE_METRICS else
                "money" if metric == "cumulative_profit" else "ratio")
        out[column] = [formats.value(kind, v, difference=difference) if pd.notna(v) else "-"
                       for v in table[column]]
    return out


def share_difference_figure(a, b):
    """Market share of B minus A, per firm, over the steps both runs have."""
    sa, sb = a.market["market_share"], b.market["market_share"]
    steps = sa.index.intersection(sb.index)
    firms = [f for f in a.firms if f in b.firms]
    fig, ax = plt.subplots(figsize=(9, 5))
    for firm in firms:
        ax.plot(steps, sb.loc[steps, firm] - sa.loc[steps, firm], label=firm, linewidth=1.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, symbol=""))  # points, not %
    ax.set_xlabel(a.time_label())
    ax.set_ylabel("market share, B minus A (percentage points)")
    ax.set_title("Market share difference, B - A (paired by common random numbers)")
    ax.legend(title="firm", loc="center left", bbox_to_anchor=(1.01, 0.5))
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
    for metric, title in METRICS:
        when = "summed over the run" if metric == "cumulative_profit" else "last step"
        print(f"\n{title} ({when}):")
        block = table[["firm", f"{metric} A", f"{metric} B", f"{metric} B-A"]]
        block.columns = ["firm", "A", "B", "B - A"]
        print(block.to_string(index=False))
    print("\n" + paired_note(a, b))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "share_difference.png")
        fig = share_difference_figure(a, b)
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    run_main(main)
