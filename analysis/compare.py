"""Two runs side by side: per firm, the final shares, cumulative profit, ROI and differences;
for runs with durable goods also failures, early failures, replacements, upgrades (when
recorded), installed base and ownership saturation.

    python3 -m analysis.compare A.h5 B.h5 [--run-a ID] [--run-b ID] [--out DIR]

Runs of the same scenario and seed share their random numbers (common random numbers): the same
consumers and the same chance events, so much of the consumers' luck cancels in each
difference. What was changed may bring luck of its own (a market study's sample, a strategy's
random draws), and one pair of runs is one draw of it: measure an effect over an experiment's
replications.

Runs of other lengths are compared over the steps both have: every figure is at the last of
them (sums over them), never the whole of a longer run against a shorter one. Runs that do not
have the same firms (a firm renamed, added or removed) are not paired runs of one market: the
firms in only one run have no B - A, and the note at the end says so.
"""

import argparse
import copy
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import formats, run_main  # noqa: E402
from analysis.atomic_write import WriteError, all_or_nothing, cannot_write  # noqa: E402
from analysis.durables import counted_from, run_early_share  # noqa: E402
from analysis.load import NotARunError, bad_input, load_run, run_words  # noqa: E402
from analysis.output_paths import (add_force_argument, check_new_figures,  # noqa: E402
                                   check_writable_directory)
from analysis.plot import png_bytes, points_formatter, shortened  # noqa: E402
from analysis.plot_format import draw_series, time_ticks, wrapped_list  # noqa: E402
from analysis.scenario_text import (ScenarioSyntaxError, key_words, list_item,  # noqa: E402
                                    parse_scenario)
from analysis.summary import (NOT_IN_MARKET, NOT_IN_MARKET_WHY, as_defined,  # noqa: E402
                              in_market, not_in_market, not_in_market_note)

# (metric, title, how): "last" is the last step's value, "sum" the sum over the run, "early"
# the share of failures that were early, counted from the first step a failure can be on time
# (analysis.durables.run_early_share). Shares are fractions; the rest by kind.
METRICS = [("market_share", "market share", "last"),
           ("customer_share", "customer share", "last"),
           ("cumulative_profit", "cumulative profit", "last"), ("roi", "ROI", "last")]
# Compared when both runs recorded durables (/market/failures).
DURABLE_METRICS = [("failures", "failures, products that broke", "sum"),
                   ("early_failures", "early failures, before the reference life", "sum"),
                   ("early_failure_share", "share of failures that were early", "early"),
                   ("replacements", "replacement purchases", "sum"),
                   ("installed_base", "installed base, working products owned", "last")]
# Compared too when either run recorded upgrades (/market/upgrades): working products replaced
# by a newer generation, the lesson of perceived obsolescence; after replacements.
UPGRADES = ("upgrades", "upgrades, working products replaced by a newer one", "sum")
KINDS = {"market_share": "share", "customer_share": "share", "cumulative_profit": "money",
         "roi": "ratio", "failures": "count", "early_failures": "count",
         "early_failure_share": "share", "replacements": "count", "installed_base": "count",
         "upgrades": "count", "saturation": "share"}
WHEN = {"last": "last step", "sum": "summed over the run"}
# Cumulative profit is a "last" value, but the last step's cumulative profit is the whole run's.
WHEN_METRIC = {"cumulative_profit": "last step: the profit of the whole run"}
# A firm that one run does not have at all (renamed, added or removed in the other).
NOT_IN_RUN = "not in run"
FIGURE = "share_difference.png"  # what --out DIR gets


def common_steps(a, b):
    """The steps both runs recorded: all of the shorter run's (both start at step 0)."""
    return a.steps.intersection(b.steps)


def over_steps(run, steps):
    """`run` over `steps` only: a copy whose series (and so its last step, its sums and
    analysis.summary.not_in_market) stop there; the run itself when it has no other steps."""
    if len(steps) == len(run.steps):
        return run
    cut = copy.copy(run)
    cut.steps = steps
    for name in ("market", "by_category", "segments", "category_series", "diagnostics"):
        setattr(cut, name, {key: frame.loc[steps] for key, frame in getattr(run, name).items()})
    return cut


def comparable(a, b):
    """Both runs over the steps both have, so that a longer run's later steps are not set
    against nothing: every figure compares the same weeks."""
    steps = common_steps(a, b)
    return over_steps(a, steps), over_steps(b, steps)


def _span(run, first, last):
    """Steps `first` to `last` in the run's words: "weeks 1 to 12", "months 1 to 12", "steps 0
    to 11"."""
    values = run.time_values([first, last])
    return f"{run.time_label()}s {values[0]} to {values[1]}"


def length_note(a, b):
    """"" for runs of one length; otherwise the sentence saying that every figure is of the
    steps both runs have, and which steps of the longer run are not compared."""
    if len(a.steps) == len(b.steps):
        return ""
    steps = common_steps(a, b)
    longer, name = (a, "A") if len(a.steps) > len(b.steps) else (b, "B")
    rest = longer.steps[len(steps):]
    return (f"A has {len(a.steps)} steps and B {len(b.steps)}: every figure below is of the "
            f"{len(steps)} steps both runs have, at {a.time_point(steps[-1])} (sums over "
            f"{_span(a, steps[0], steps[-1])}); {name}'s {_span(longer, rest[0], rest[-1])} are "
            "not compared.")


def when(a, b, metric, how):
    """When a compared figure is taken, for its heading: "last step", or for runs of other
    lengths "week 12, the last week both runs have"; for the share of early failures, from when
    it is counted in each run (analysis.durables.counted_from)."""
    if how == "early":
        return early_from(*comparable(a, b))
    if len(a.steps) == len(b.steps):
        return WHEN_METRIC.get(metric, WHEN[how])
    steps = common_steps(a, b)
    at, span = a.time_point(steps[-1]), _span(a, steps[0], steps[-1])
    if metric == "cumulative_profit":
        return f"{at}: the profit of {span}"
    return {"last": f"{at}, the last {a.time_label()} both runs have",
            "sum": f"summed over {span}"}[how]


def early_from(a, b):
    """Where each run's share of early failures is counted from, in words: once when the runs
    agree ("from week 79 on, when a product can first reach its reference life"), else for A
    and for B."""
    words_a, words_b = counted_from(a), counted_from(b)
    return words_a if words_a == words_b else f"A: {words_a}; B: {words_b}"


def firms_only_in(a, b):
    """The firms only run A has and those only run B has (by name), in their runs' order."""
    return ([f for f in a.firms if f not in b.firms], [f for f in b.firms if f not in a.firms])


def has_durables(a, b):
    """True when both runs recorded the durables series."""
    return "failures" in a.market and "failures" in b.market


def metrics(a, b):
    """The (metric, title, how) compared for these two runs: the durables ones when both
    recorded durables, with upgrades after replacements when either recorded them."""
    if not has_durables(a, b):
        return list(METRICS)
    upgrades = "upgrades" in a.market or "upgrades" in b.market
    durable = []
    for entry in DURABLE_METRICS:
        durable += [entry, UPGRADES] if entry[0] == "replacements" and upgrades else [entry]
    return METRICS + durable


def firm_values(run, metric, how, firms):
    """A metric per firm (NaN for a firm the run does not have, or a series it lacks, and where
    the figure is undefined, as in the summary table: analysis.summary.as_defined, such as
    customer share without buyers and ROI without marketing money)."""
    if how == "early":  # from the first step a failure can be on time, as summary's table
        return run_early_share(run, firms)
    if metric not in run.market:
        return [float("nan")] * len(firms)
    series = run.market[metric].sum() if how == "sum" else as_defined(run, metric).iloc[-1]
    return series.reindex(firms).to_numpy(dtype=float)


def comparison_table(a, b):
    """One row per firm present in either run: A, B and B - A of each compared metric (the
    durables ones too when both runs recorded them), over the steps both runs have (comparable).
    Columns "in_market A" and "in_market B" say whether the firm took part in each run
    (analysis.summary.in_market, the rule of `marketsim summarize`); a firm not in the market in
    a run has no values there (NaN), and so no B - A: its zeros are not results. Columns
    "in_run A" and "in_run B" say whether the run has the firm at all."""
    a, b = comparable(a, b)
    firms = list(dict.fromkeys(list(a.firms) + list(b.firms)))
    table = pd.DataFrame({"firm": firms})
    table["in_run A"] = [f in a.firms for f in firms]
    table["in_run B"] = [f in b.firms for f in firms]
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
    """Ownership saturation in the last step both runs have, by durable category in either run:
    A, B, B - A; None unless both runs recorded /market/saturation."""
    if a.saturation is None or b.saturation is None:
        return None
    a, b = comparable(a, b)
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
    (firms.Mass.budget_per_year). The output block is left out: where a run's file goes and what
    it records (two runs of an experiment differ in output.path) change nothing in the market."""
    return [change for change in tree_changes(_branch_by_name(parse_scenario(a.scenario)),
                                              _branch_by_name(parse_scenario(b.scenario)))
            if change[0] != "output" and not change[0].startswith("output.")]


def _branch_by_name(tree):
    """`tree` with its branch: block's key paths naming list items by their names, as marketsim
    finds them (firms.1.markup is firms.Diff.markup when the second firm is Diff and no item is
    named "1"), so that the same key written both ways is one key, named in words."""
    branch = tree.get("branch") if isinstance(tree, dict) else None
    changes = branch.get("set") if isinstance(branch, dict) else None
    if not isinstance(changes, dict):
        return tree
    named = {}
    for path, value in changes.items():
        parts = str(path).split(".")
        items = tree.get(parts[0]) if len(parts) >= 3 else None
        at = list_item(items, parts[1]) if isinstance(items, list) else None
        if at is not None and isinstance(items[at], dict) and items[at].get("name"):
            parts[1] = str(items[at]["name"])
        named[".".join(parts)] = value
    return {**tree, "branch": {**branch, "set": named}}


# Random numbers keyed by a firm's place in the list of firms (models/random_purposes.hpp).
KEYED_BY_FIRM = ("such as consumers' first awareness of a firm, its research samples and its "
                 "strategy's own draws")
ONE_DRAW = ("One pair is still one draw: what was changed may bring luck of its own (a study's "
            "sample, a strategy's random draws), so measure an effect over an experiment's "
            "replications (its \"change vs 0\").")


def firms_note(a, b):
    """"" when both runs have the same firms in the same order; otherwise the sentence saying
    why their differences are not those of paired runs of one market."""
    only_a, only_b = firms_only_in(a, b)
    if not only_a and not only_b:
        if list(a.firms) == list(b.firms):
            return ""
        return (f"The runs list the same firms in another order, so the random numbers keyed by "
                f"a firm's place in the list ({KEYED_BY_FIRM}) are not shared: the differences "
                "are not paired and include sampling noise.")
    which = "; ".join(f"only in {side}: {', '.join(firms)}"
                      for side, firms in (("A", only_a), ("B", only_b)) if firms)
    return (f"The runs do not have the same firms ({which}), so they are not paired runs of one "
            "market: a firm in only one run has no B - A, and each B - A of the others is the "
            "effect of the whole change of firms. Some random numbers are keyed by a firm's "
            f"place in the list of firms ({KEYED_BY_FIRM}): where the places differ, those are "
            "not shared either.")


def paired(a, b):
    """True when the runs share their random numbers over the steps both have: the same seed,
    population size and firms (in the same order). Runs of other lengths are paired over the
    steps both have, which is what analysis.compare compares."""
    return (a.attrs.get("seed") == b.attrs.get("seed")
            and a.attrs.get("consumers") == b.attrs.get("consumers")
            and list(a.firms) == list(b.firms))


def paired_note(a, b):
    """Whether common random numbers make the differences paired, in a sentence naming what
    keeps them from being paired (the seed, the population size, the firms) and, for runs of
    other lengths, over which steps they are."""
    seed_a, seed_b = a.attrs.get("seed"), b.attrs.get("seed")
    consumers_a, consumers_b = a.attrs.get("consumers"), b.attrs.get("consumers")
    firms = firms_note(a, b)
    if seed_a == seed_b and consumers_a == consumers_b and not firms:
        if len(a.steps) != len(b.steps):
            n = len(common_steps(a, b))
            return (f"Both runs use seed {seed_a} and {consumers_a} consumers but have "
                    f"{len(a.steps)} and {len(b.steps)} steps: over the {n} steps both have, "
                    "they share their random numbers (a draw depends on the seed, the consumer "
                    "and the step, not on the length of the run), so the figures above, all of "
                    "those steps, are paired and much of the consumers' luck cancels in each "
                    f"difference. {ONE_DRAW}")
        return (f"Both runs use seed {seed_a} and {consumers_a} consumers: they share their "
                "random numbers (common random numbers), so much of the consumers' luck cancels "
                f"in each difference. {ONE_DRAW}")
    if seed_a == seed_b and consumers_a == consumers_b:
        return firms
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
            f"noise. {advice}" + (f" {firms}" if firms else ""))


def _format(table):
    """The comparison table as display text: shares in %, their differences in percentage
    points, money with thousands separators, counts as whole numbers; "not in market" for a firm
    that took no part in that run (column in_market A or B False), "not in run" for one the run
    does not have (in_run A or B False)."""
    flags = ["in_market A", "in_market B", "in_run A", "in_run B"]
    out = table.drop(columns=flags, errors="ignore").copy()
    for column in out.columns[1:]:
        metric, _, side = column.rpartition(" ")
        present = table.get(f"in_market {side}")
        in_run = table.get(f"in_run {side}", pd.Series(True, index=table.index))
        if present is not None:
            out[column] = [NOT_IN_RUN if not there else NOT_IN_MARKET if not taking_part
                           else text for there, taking_part, text
                           in zip(in_run.astype(bool), present.astype(bool),
                                  _format_column(table, column, metric, side))]
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
    figures there and no B - A."; first, for firms only one run has, "Mass: only in A; Big: only
    in B: no B - A for them."; [] when every firm took part in both. For runs of other lengths
    the rule is applied to the steps both have ("during weeks 1 to 12")."""
    why = NOT_IN_MARKET_WHY
    if len(a.steps) != len(b.steps):
        steps = common_steps(a, b)
        why = why.replace("the run", _span(a, steps[0], steps[-1]))
    a, b = comparable(a, b)
    only = [f"{', '.join(firms)}: only in {side}"
            for side, firms in zip("AB", firms_only_in(a, b)) if firms]
    notes = ["; ".join(only) + ": no B - A for them."] if only else []
    out_a, out_b = set(not_in_market(a)), set(not_in_market(b))
    for firm in dict.fromkeys(list(a.firms) + list(b.firms)):
        where = [side for side, out in (("A", out_a), ("B", out_b)) if firm in out]
        if where:
            notes.append(f"{firm}: {NOT_IN_MARKET} in {' and '.join(where)} "
                         f"({why}); no figures there and no B - A.")
    return notes


def _print_block(title, table, key, label):
    """One metric's A, B and B - A columns under its title."""
    print(f"\n{title}:")
    block = table[[label, f"{key} A", f"{key} B", f"{key} B-A"]]
    block.columns = [label, "A", "B", "B - A"]
    print(block.to_string(index=False))


# The longest line of scenario changes the figure's title carries: longer lists wrap onto more
# lines, at most CHANGES_LINES; beyond them the title says how many more (the console lists them
# all).
CHANGES_WIDTH = 110
CHANGES_LINES = 4
# The keys of a branch: block that set a design point's values in a branched experiment's runs
# (branch.set.firms.VarietyCo.budget_per_year): the title names the key they set, in words.
BRANCH_SET = "branch.set."


def run_label(run):
    """A run as the figure names it: its file name, and for a run of an experiment file which
    one ("stress.h5 (run 00030, design point 3, replication 0)", load.run_words)."""
    name = os.path.basename(run.path)
    return f"{name} ({run_words(run, total=False)})" if run.run_id is not None else name


def run_header(side, path, run, chosen):
    """The console's line naming run A or B (`side`): "A: stress.h5  (Budget stress test, 104
    steps)"; for a run of an experiment file, which run it is (load.run_words) and, when no
    --run-a (--run-b) chose it (`chosen` None), that it is the file's first by default."""
    line = f"{side}: {path}  ({run.name}, {len(run.steps)} steps"
    if run.run_id is not None:
        line += f"; {run_words(run)}"
        if chosen is None:
            line += (f": the first run, by default; choose another with --run-{side.lower()} "
                     "ID")
    return line + ")"


def change_words(key, old, new, branch_from=None):
    """One changed key of changes_line, in words where the key is known
    (scenario_text.key_words): "Durabox's durability (washer): 156 -> 78". A key a branch sets
    (branch.set.<key>, as in the runs of a branched experiment) is named by the key it sets and
    from when: "shock q3_cut from week 27 on: false -> true" (`branch_from`: the branch's first
    step in words, "week 27"; "after the branch" when not known), never by the internal
    branch.set.* path."""
    when = ""
    if key.startswith(BRANCH_SET):
        key = key[len(BRANCH_SET):]
        when = f" from {branch_from} on" if branch_from else " after the branch"
    return f"{key_words(key) or key}{when}: {old} -> {new}"


def branch_from(a, b):
    """When B's values of a branch: block's keys apply, for "B changes ... from week 27 on": the
    first step of B's branch (scenario key branch.step) in words, else A's (B has none: the
    change is the one A's branch made); None when neither run has a branch: block (or its
    scenario cannot be read)."""
    for run in (b, a):
        try:
            branch = (parse_scenario(run.scenario) or {}).get("branch") if run.scenario else None
            if isinstance(branch, dict) and branch.get("step") is not None:
                return run.time_point(int(branch["step"]))
        except (ScenarioSyntaxError, AttributeError, TypeError, ValueError):
            continue
    return None


def changes_line(changes, width=CHANGES_WIDTH, branch_from=None, lines=CHANGES_LINES):
    """The keys that differ between the runs' scenarios, for the figure's title, each in words
    (change_words): "B changes Durabox's durability (washer): 156 -> 78". Every change is shown,
    wrapped onto lines of at most `width` characters (breaking between changes); only a list
    longer than `lines` lines ends with how many more there are ("; and 5 more (analysis.compare
    lists every change)"). "the resolved scenarios are identical" for none."""
    if not changes:
        return "the resolved scenarios are identical"
    room = width - len("B changes ") - len(";")  # a change on a line of its own, and its ";"
    shown = [shortened(change_words(key, old, new, branch_from), room)
             for key, old, new in changes]
    return wrapped_list("B changes ", shown, "; ", width, lines,
                        lambda n: f"; and {n} more (analysis.compare lists every change)")


def share_difference_figure(a, b, changes=None):
    """Market share of B minus A, per firm, over the steps both runs have. The title names the
    two runs (their files), what differs between them (`changes`, from scenario_changes; read
    from the runs when None) and whether the differences are paired. A firm in the market in
    neither run is left out and named under the chart; a step where nothing sold in A or B has
    no market share there (analysis.summary.as_defined), so no difference is drawn at it, and the
    note under the chart says how many."""
    if changes is None:
        try:
            changes = scenario_changes(a, b)
        except ScenarioSyntaxError:
            changes = []
    if paired(a, b):
        how = "paired: same seed and population, common random numbers"
        if len(a.steps) != len(b.steps):
            how += f", over the {len(common_steps(a, b))} {a.time_label()}s both runs have"
    elif firms_note(a, b):
        how = "not paired: the runs do not have the same firms"
    else:
        how = ("not paired: the seed or population differs, so the difference includes "
               "sampling noise")
    a, b = comparable(a, b)
    sa, sb = as_defined(a, "market_share"), as_defined(b, "market_share")
    steps = sa.index.intersection(sb.index)
    unsold = int((sa.loc[steps].isna().all(axis=1) | sb.loc[steps].isna().all(axis=1)).sum())
    shared = [f for f in a.firms if f in b.firms]
    idle = [f for f in shared if f in not_in_market(a) and f in not_in_market(b)]
    firms = [f for f in shared if f not in idle]
    cycle = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(9, 5))
    for firm in firms:
        j = list(a.firms).index(firm)
        draw_series(ax, a.time_values(steps), sb.loc[steps, firm] - sa.loc[steps, firm],
                    label=firm, color=cycle(j % 10), linestyle=["-", "--", "-.", ":"][j % 4],
                    linewidth=1.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(points_formatter())  # points, not %
    ax.set_xlabel(a.time_label())
    time_ticks(ax, a.time_values(steps))
    ax.set_ylabel("market share, B minus A (percentage points)")
    scenario = a.name if a.name == b.name else f"{a.name} / {b.name}"
    ax.set_title(f"{scenario}: market share, B - A ({how})\n"
                 f"A: {run_label(a)};  B: {run_label(b)}\n"
                 f"{changes_line(changes, branch_from=branch_from(a, b))}",
                 fontsize=10)
    if firms:
        ax.legend(title="firm", loc="center left", bbox_to_anchor=(1.01, 0.5))
    notes = []
    only = [f"{', '.join(names)}: only in {side}"
            for side, names in zip("AB", firms_only_in(a, b)) if names]
    if only:
        notes.append("; ".join(only) + "; not drawn.")
    if idle:
        note = not_in_market_note(idle).replace(NOT_IN_MARKET, f"{NOT_IN_MARKET} in either run")
        notes.append(f"{note}; not drawn.")
    for side, run in (("A", a), ("B", b)):
        entered = [f for f in firms if f in not_in_market(run)]
        if entered:
            notes.append(f"{', '.join(entered)}: {NOT_IN_MARKET} in {side}, where "
                         f"{'its' if len(entered) == 1 else 'their'} share is drawn as 0.")
    if unsold:
        notes.append(f"Not drawn in {unsold} {a.time_label()}{'' if unsold == 1 else 's'} "
                     "where A or B sold nothing: market share is undefined there.")
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
    add_force_argument(parser, "share_difference.png")
    args = parser.parse_args(argv)
    try:
        if args.out is not None:
            check_writable_directory(args.out)
            check_new_figures(args.out, [FIGURE], args.force)
        a = load_run(args.a, args.run_a)
        b = load_run(args.b, args.run_b)
        changes = scenario_changes(a, b)
    except (OSError, NotARunError) as error:
        return bad_input(error)
    except ScenarioSyntaxError as error:
        return bad_input(f"cannot read the scenario stored in a run (/scenario): {error}")
    print(run_header("A", args.a, a, args.run_a))
    print(run_header("B", args.b, b, args.run_b))
    print("\nWhat differs in the resolved scenario:" if changes else
          "\nThe resolved scenarios are identical.")
    for key, old, new in changes:
        print(f"  {key}: {old} -> {new}")
    if length_note(a, b):
        print("\n" + length_note(a, b))
    table = _format(comparison_table(a, b))
    for metric, title, how in metrics(a, b):
        _print_block(f"{title} ({when(a, b, metric, how)})", table, metric, "firm")
    saturation = saturation_table(a, b)
    if saturation is not None and len(saturation):
        _print_block("ownership saturation, share of consumers owning a working product "
                     f"({when(a, b, 'saturation', 'last')})", _format(saturation), "saturation",
                     "category")
    notes = absent_notes(a, b)
    if notes:
        print("\n" + "\n".join(notes))
    print("\n" + paired_note(a, b))
    if args.out:
        path = os.path.join(args.out, FIGURE)
        data = png_bytes(share_difference_figure(a, b, changes))
        try:  # a directory it made is removed when the figure cannot be written
            with all_or_nothing(args.out) as files:
                files.write(path, data)
        except WriteError as error:
            return cannot_write(error)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    run_main(main)
