"""The rules of durable goods that the tables and figures share: the reference life of a run's
durable categories, the first step a failure can be on time (not early), and the share of
failures that were early counted from then on, with the words that say so."""

import numpy as np
import pandas as pd

from analysis.scenario_text import ScenarioSyntaxError, parse_scenario


def reference_life(run):
    """The shortest reference life (steps) of the run's durable categories, from its resolved
    scenario (a category without one has the default, half its lifetime scale); None when the
    scenario cannot tell."""
    kinds = dict(zip(run.categories, run.category_kinds))
    try:
        categories = parse_scenario(run.scenario).get("categories") if run.scenario else None
    except (ScenarioSyntaxError, AttributeError):
        return None
    lives = []
    for category in categories if isinstance(categories, list) else []:
        if not isinstance(category, dict) or kinds.get(str(category.get("name"))) != "durable":
            continue
        try:
            if category.get("reference_life") is not None:
                lives.append(float(category["reference_life"]))
            else:
                lives.append(0.5 * float(category["lifetime"]["scale"]))
        except (KeyError, TypeError, ValueError):
            continue
    return min(lives) if lives else None


def first_on_time_step(run):
    """The first step in which a failure can be on time (not early): products are bought from
    step 0 on, so none reaches the reference life R before step ceil(R); every failure before
    it is early by definition. The first step with an on-time failure in the data when that is
    earlier, or when the scenario does not give R; None when neither tells."""
    steps = []
    life = reference_life(run)
    if life is not None:
        steps.append(int(run.steps[0]) + int(np.ceil(life)))
    if "failures" in run.market and "early_failures" in run.market:
        on_time = (run.market["failures"] - run.market["early_failures"]).gt(0).any(axis=1)
        if on_time.any():
            steps.append(int(on_time.idxmax()))
    return min(steps) if steps else None


def early_share(run, start=None):
    """Per firm, the share of its failures from step `start` on that were early, over the steps
    so far [step x firm]: NaN before `start` and before the firm's first failure from then.
    `start` defaults to first_on_time_step(run), so the share leaves out the steps in which
    every failure is early by definition; from step 0 when that is unknown. None unless the run
    recorded failures and early failures."""
    if "failures" not in run.market or "early_failures" not in run.market:
        return None
    if start is None:
        start = first_on_time_step(run)
    if start is None:
        start = run.steps[0]
    after = pd.Series(run.steps >= start, index=run.steps)
    failures = run.market["failures"].where(after, 0).cumsum().where(after)
    early = run.market["early_failures"].where(after, 0).cumsum().where(after)
    return early / failures.where(failures > 0)


def run_early_share(run, firms):
    """Per firm of `firms`, the share of its failures that were early, counted from the first
    step a failure can be on time (first_on_time_step) to the run's last: the figure's last
    value, and the tables' rule. NaN for a firm without failures from then on, and for every
    firm when no such step is known or the run recorded no early failures."""
    start = first_on_time_step(run)
    share = early_share(run, start) if start is not None else None
    if share is None:
        return np.full(len(firms), np.nan)
    return share.iloc[-1].reindex(firms).to_numpy(dtype=float)


# counted_from for a run that ends before a product can reach its reference life.
NOT_COUNTED = "none: the run ends before a product can reach its reference life"


def counted_from(run, start=None):
    """Where the share of early failures is counted from, in words: "from week 79 on, when a
    product can first reach its reference life" (in the run's time unit: "month 79", "step 78";
    see Run.time_point); "none: the
    run ends before a product can reach its reference life" when it does. `start` defaults to
    first_on_time_step(run)."""
    if start is None:
        start = first_on_time_step(run)
    if start is None or start > run.steps[-1]:
        return NOT_COUNTED
    return (f"from {run.time_point(start)} on, when a product can first reach its "
            "reference life")
