"""The rules of durable goods that the tables and figures share: the reference life of a run's
durable categories, the first step a failure can be on time (not early), and the share of
failures that were early counted from then on, with the words that say so."""

import numpy as np
import pandas as pd

from analysis.scenario_text import ScenarioSyntaxError, parse_scenario


def reference_lives(run):
    """{durable category: its reference life (steps)} from the run's resolved scenario (a
    category without one has the default, half its lifetime scale); {} when the scenario cannot
    tell."""
    kinds = dict(zip(run.categories, run.category_kinds))
    try:
        categories = parse_scenario(run.scenario).get("categories") if run.scenario else None
    except (ScenarioSyntaxError, AttributeError):
        return {}
    lives = {}
    for category in categories if isinstance(categories, list) else []:
        name = str(category.get("name")) if isinstance(category, dict) else None
        if name is None or kinds.get(name) != "durable":
            continue
        try:
            if category.get("reference_life") is not None:
                lives[name] = float(category["reference_life"])
            else:
                lives[name] = 0.5 * float(category["lifetime"]["scale"])
        except (KeyError, TypeError, ValueError):
            continue
    return lives


def reference_life(run):
    """The shortest reference life (steps) of the run's durable categories (reference_lives);
    None when the scenario cannot tell."""
    lives = reference_lives(run)
    return min(lives.values()) if lives else None


def category_starts(run):
    """{durable category: the first step in which a failure in it can be on time}: products are
    bought from step 0 on, so none reaches the category's reference life R before step ceil(R),
    and every failure in it before then is early by definition. The first step with an on-time
    failure in the category when that is earlier, or when the scenario does not give R; a
    category neither tells is left out. {} unless the run recorded failures and early failures
    by category."""
    failures, early = run.by_category.get("failures"), run.by_category.get("early_failures")
    if failures is None or early is None:
        return {}
    lives = reference_lives(run)
    starts = {}
    for category, kind in zip(run.categories, run.category_kinds):
        if kind != "durable":
            continue
        steps = []
        if category in lives:
            steps.append(int(run.steps[0]) + int(np.ceil(lives[category])))
        on_time = (failures[category] - early[category]).gt(0).any(axis=1)
        if on_time.any():
            steps.append(int(on_time.idxmax()))
        if steps:
            starts[category] = min(steps)
    return starts


def first_on_time_step(run):
    """The first step in which a failure can be on time (not early), in any durable category:
    the earliest of category_starts, or, for a run without failures by category, ceil of the
    shortest reference life, or the first step with an on-time failure when that is earlier;
    None when neither tells."""
    starts = category_starts(run)
    if starts:
        return min(starts.values())
    steps = []
    life = reference_life(run)
    if life is not None:
        steps.append(int(run.steps[0]) + int(np.ceil(life)))
    if "failures" in run.market and "early_failures" in run.market:
        on_time = (run.market["failures"] - run.market["early_failures"]).gt(0).any(axis=1)
        if on_time.any():
            steps.append(int(on_time.idxmax()))
    return min(steps) if steps else None


def early_share(run):
    """Per firm, the share of its failures that were early, over the steps so far [step x
    firm], each durable category counted from its own first step a failure can be on time
    (category_starts), so the share leaves out the steps in which every failure in a category is
    early by definition; for a file without failures by category, every failure from
    first_on_time_step on (from step 0 when that is unknown). NaN before the first step counted
    and before the firm's first failure from then. None unless the run recorded failures and
    early failures."""
    if "failures" not in run.market or "early_failures" not in run.market:
        return None
    starts = category_starts(run)
    if starts:
        failures = early = 0
        for category, first in starts.items():
            after = pd.Series(run.steps >= first, index=run.steps)
            failures = failures + run.by_category["failures"][category].where(after, 0)
            early = early + run.by_category["early_failures"][category].where(after, 0)
        counted = pd.Series(run.steps >= min(starts.values()), index=run.steps)
    else:
        start = first_on_time_step(run)
        counted = pd.Series(run.steps >= (run.steps[0] if start is None else start),
                            index=run.steps)
        failures = run.market["failures"].where(counted, 0)
        early = run.market["early_failures"].where(counted, 0)
    failures = failures.cumsum().where(counted)
    early = early.cumsum().where(counted)
    return early / failures.where(failures > 0)


def run_early_share(run, firms):
    """Per firm of `firms`, the share of its failures that were early, each durable category
    counted from the first step a failure in it can be on time (early_share) to the run's last:
    the figure's last value, and the tables' rule. NaN for a firm without failures from then
    on, and for every firm when no such step is known or the run recorded no early failures."""
    if first_on_time_step(run) is None:
        return np.full(len(firms), np.nan)
    share = early_share(run)
    if share is None:
        return np.full(len(firms), np.nan)
    return share.iloc[-1].reindex(firms).to_numpy(dtype=float)


# counted_from for a run that ends before a product can reach its reference life.
NOT_COUNTED = "none: the run ends before a product can reach its reference life"


def counted_from(run):
    """Where the share of early failures is counted from, in words: "from week 79 on, when a
    product can first reach its reference life" (in the run's time unit: "month 79", "step 78";
    see Run.time_point); "none: the run ends before a product can reach its reference life"
    when it does; where the durable categories' first on-time steps differ (category_starts),
    each category's: "in kettle from week 13 on, in fridge from week 101 on, when a product of
    each can first reach its reference life"."""
    start = first_on_time_step(run)
    if start is None or start > run.steps[-1]:
        return NOT_COUNTED
    starts = category_starts(run)
    if len(set(starts.values())) > 1:
        each = [f"in {category} from {run.time_point(first)} on"
                + (" (after the run's end)" if first > run.steps[-1] else "")
                for category, first in starts.items()]
        return (", ".join(each) + ", when a product of each can first reach its reference "
                "life")
    return (f"from {run.time_point(start)} on, when a product can first reach its "
            "reference life")
