"""Two runs side by side: per firm, the final shares, cumulative profit, ROI and differences.

    python3 -m analysis.compare A.h5 B.h5 [--run-a ID] [--run-b ID] [--out DIR]

Runs of the same scenario and seed share their random numbers (common random numbers): the same
consumers and the same chance events. The differences are then the paired effect of what was
changed, not sampling noise.
"""

import argparse
import difflib
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from analysis import run_main  # noqa: E402
from analysis.load import (NotARunError, bad_input, check_writable_directory,  # noqa: E402
                           load_run)

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


def _key_path(lines, index):
    """The dotted key path of YAML line `index` (list items named by their `name:`)."""
    path = []
    line = lines[index]
    indent = len(line) - len(line.lstrip(" -"))
    path.append(line.strip(" -").split(":", 1)[0])
    for previous in reversed(lines[:index]):
        stripped = previous.lstrip(" -")
        level = len(previous) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        key, _, value = stripped.partition(":")
        if previous.lstrip(" ").startswith("- ") and level <= indent:
            path.append(value.strip() if key == "name" else key)  # the item holding the line
            indent = len(previous) - len(previous.lstrip(" "))
        elif level < indent:
            path.append(key)
            indent = level
    return ".".join(reversed(path))


def scenario_changes(a, b):
    """The keys whose values differ between the resolved scenarios: [(path, in A, in B)]."""
    lines_a, lines_b = a.scenario.splitlines(), b.scenario.splitlines()
    changes = []
    matcher = difflib.SequenceMatcher(a=lines_a, b=lines_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = {_key_path(lines_a, i): lines_a[i].split(":", 1)[-1].strip() for i in range(i1, i2)}
        new = {_key_path(lines_b, j): lines_b[j].split(":", 1)[-1].strip() for j in range(j1, j2)}
        for key in dict.fromkeys(list(old) + list(new)):
            if old.get(key) != new.get(key):
                changes.append((key, old.get(key, "(absent)"), new.get(key, "(absent)")))
    return changes


def paired_note(a, b):
    """Whether common random numbers make the differences paired, in a sentence."""
    seed_a, seed_b = a.attrs.get("seed"), b.attrs.get("seed")
    same_population = a.attrs.get("consumers") == b.attrs.get("consumers")
    if seed_a == seed_b and same_population:
        return (f"Both runs use seed {seed_a} and {a.attrs.get('consumers')} consumers: they share "
                "their random numbers (common random numbers), so each difference is the paired "
                "effect of what was changed, not sampling noise.")
    return (f"The runs differ in seed ({seed_a} vs {seed_b}) or population size, so they do not "
            "share random numbers: the differences include sampling noise. Rerun with the same "
            "seed for a paired comparison.")


def _format(table):
    out = table.copy()
    for column in out.columns[1:]:
        if column.startswith(("market_share", "customer_share")):
            sign = "+" if column.endswith("B-A") else ""
            out[column] = [f"{100 * v:{sign}.1f}%" if pd.notna(v) else "-" for v in table[column]]
        elif column.startswith("cumulative_profit"):
            out[column] = [f"{v:,.0f}" if pd.notna(v) else "-" for v in table[column]]
        else:
            out[column] = [f"{v:.2f}" if pd.notna(v) else "-" for v in table[column]]
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
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
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
    except (OSError, NotARunError) as error:
        return bad_input(error)
    print(f"A: {args.a}  ({a.name}, {len(a.steps)} steps)")
    print(f"B: {args.b}  ({b.name}, {len(b.steps)} steps)")
    changes = scenario_changes(a, b)
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
