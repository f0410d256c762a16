"""What an experiment's sweep varies, read from /experiment/summary: one number, two
numbers (over a full grid or not), a number and a few-valued key, or none of these, and
the file names of the figures against the swept keys. No drawing here."""

import re

import pandas as pd

from analysis.point_words import keys_in_words, named_keys


# Key results drawn against a swept number (experiment_response).
RESPONSE_METRICS = ("profit_per_year", "market_share")


def _varied_keys(run):
    """The key paths of /experiment/summary (its columns between design_point and metric, one
    per key the experiment varies), keys moved together (experiment.together) counted once, by
    the first of them (moved_with names the others); [] without a summary or such columns."""
    summary = run.experiment.get("summary")
    if summary is None or not len(summary) or "metric" not in summary.columns:
        return []
    columns = list(summary.columns)
    if "design_point" not in columns:
        return []
    keys = columns[columns.index("design_point") + 1:columns.index("metric")]
    return [k for k in keys if k not in moved_with(run, None)]


def moved_with(run, key):
    """The other keys moved together with `key` (experiment.together, whose first key stands
    for all of them); for key None, every key that some other key stands for."""
    together = [k for k in getattr(run, "together", [])
                if k in run.experiment.get("summary", {})]
    if len(together) < 2:
        return []
    return together[1:] if key is None or key == together[0] else []


def moved_words(run, key):
    """A swept key in words with the keys moved together with it (moved_with): "tangy's ideal
    point's centre on axis 0 and fruity's ideal point's centre on axis 1 (moved together)"; its
    words alone when none moves with it."""
    others = moved_with(run, key)
    return keys_in_words([key] + others) + (" (moved together)" if others else "")


def _numeric_key(summary, key):
    """True for a key column of numbers (not text such as true/false) taking two values or more."""
    column = summary[key]
    return (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
            and column.nunique() >= 2)


def swept_number(run):
    """The one key path an experiment's /experiment/summary varies, when it is a number taking
    at least two values; else None (no sweep, several keys, or text such as true/false)."""
    varied = _varied_keys(run)
    if len(varied) != 1 or not _numeric_key(run.experiment["summary"], varied[0]):
        return None
    return varied[0]


def confidence_band(run, metric):
    """How much of a 95% confidence interval experiment_response can draw for `metric`: "every
    point", "some points", or "none" (one run per design point: the interval is undefined)."""
    summary = run.experiment.get("summary")
    if summary is None or not {"ci95_low", "ci95_high"} <= set(summary.columns):
        return "none"
    rows = summary[summary["metric"] == metric]
    if "in_market" in rows.columns:
        rows = rows[rows["in_market"] > 0]
    defined = rows["ci95_low"].notna() & rows["ci95_high"].notna()
    return ("every point" if len(rows) and defined.all() else
            "some points" if defined.any() else "none")


# ---- experiments that sweep two numbers (experiment_grid) ----

def swept_pair(run):
    """The two key paths an experiment's /experiment/summary varies, (across, up) in the order
    of its columns, when there are exactly two and both are numbers taking at least two values
    each; else None (no sweep, one key or three, or text such as true/false)."""
    varied = _varied_keys(run)
    if len(varied) != 2 or not all(_numeric_key(run.experiment["summary"], k) for k in varied):
        return None
    return tuple(varied)


def grid_problem(run, keys):
    """Why the design points of a two-number experiment do not form a full grid of the keys'
    values (each combination exactly one design point), or None when they do. A Latin hypercube
    design samples values that do not cross: a heatmap of it would have cells no design point
    fills."""
    summary = run.experiment["summary"]
    across, up = keys
    names = named_keys(keys)
    points = summary[["design_point", across, up]].drop_duplicates()
    if points[[across, up]].isna().any().any():
        return f"some design points have no value of {names[across]} or {names[up]}"
    cells = points.groupby([across, up]).size()
    wanted = points[across].nunique() * points[up].nunique()
    grid = (f"{points[across].nunique()} x {points[up].nunique()} grid of {names[across]} and "
            f"{names[up]}")
    if len(cells) < wanted:
        return (f"the design points do not form a full {grid}: {wanted - len(cells)} of its "
                f"{wanted} cells have no design point (as in a Latin hypercube design), and a "
                "heatmap would have to fill them in")
    if (cells > 1).any() or points["design_point"].duplicated().any():
        return (f"the design points do not form a {grid}: {int((cells > 1).sum())} of its cells "
                "have more than one design point")
    return None


def swept_grid(run):
    """(keys, problem) of the heatmap figures: ((across, up), None) when the experiment varies
    two numbers over a full grid; ((across, up), why not) when it varies two numbers but not
    over a full grid; (None, None) when it does not vary exactly two numbers (no figure, and
    nothing to say)."""
    keys = swept_pair(run)
    return (None, None) if keys is None else (keys, grid_problem(run, keys))


def _safe_key(key):
    """A key path as part of a file name (the one-key figures' rule)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)


def grid_figure_name(metric, keys):
    """experiment_<result>_by_<key across>_and_<key up>.png."""
    return f"experiment_{metric}_by_{_safe_key(keys[0])}_and_{_safe_key(keys[1])}.png"


# ---- experiments that sweep a number and a few-valued key (experiment_lines) ----

MAX_LINES = 6  # values of the few-valued key drawn as lines of their own; more are not drawn
PERCENTILES = ("p5", "p50", "p95")  # the columns of /experiment/summary experiment_lines draws


def _key_values(summary, key):
    """The values a key column of /experiment/summary takes, in the order of the design points
    that first set them."""
    return list(dict.fromkeys(summary.sort_values("design_point")[key].dropna())) \
        if "design_point" in summary.columns else list(dict.fromkeys(summary[key].dropna()))


def _few_valued(summary, key):
    """True for a key column that is not a number (true/false, a name) taking two values or
    more; any number of values (MAX_LINES is checked where the figure is planned)."""
    return not _numeric_key(summary, key) and summary[key].nunique() >= 2


def swept_number_and_category(run):
    """(number, category) when /experiment/summary varies exactly two keys, one a number taking
    at least two values and the other a few-valued key that is not a number (true/false, a
    name) taking from two to MAX_LINES values; else None."""
    varied = _varied_keys(run)
    if len(varied) != 2:
        return None
    summary = run.experiment["summary"]
    for number, category in (varied, varied[::-1]):
        if (_numeric_key(summary, number) and _few_valued(summary, category)
                and summary[category].nunique() <= MAX_LINES):
            return number, category
    return None


def lines_figure_name(metric, keys):
    """experiment_<result>_by_<number>_for_each_<category>.png."""
    return f"experiment_{metric}_by_{_safe_key(keys[0])}_for_each_{_safe_key(keys[1])}.png"


# ---- experiments whose design points are sampled (experiment_sampled) ----

def sampled_keys(run):
    """The keys a Latin hypercube design samples (experiment.design.latin_hypercube.ranges, as
    the file's /experiment/scenario has them) that /experiment/runs records, in order; [] when
    the design points are not sampled."""
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return []
    return [k for k in getattr(run, "sampled", []) if k in runs.columns]


def sampled_figure_name(metric):
    """experiment_<result>_by_sampled_keys.png."""
    return f"experiment_{metric}_by_sampled_keys.png"


def _in_market_rows(rows):
    """The rows of /experiment/summary where the firm was in the market in at least one run."""
    return rows[rows["in_market"] > 0] if "in_market" in rows.columns else rows
