"""Which figures an experiment file gets: the distribution of every key result, then the
figures against the swept keys its design allows, with why the others are not drawn;
rendered as PNG bytes."""

from analysis import experiment_tables
from analysis.plot_experiment import experiment_distribution
from analysis.plot_format import png_bytes
from analysis.plot_sampled import experiment_sampled
from analysis.plot_sensitivity import SENSITIVITY_FIGURE, experiment_sensitivity
from analysis.sensitivity import sampled_points
from analysis.plot_share_over_time import OVER_TIME_FIGURE, experiment_share_over_time
from analysis.plot_sweep import experiment_lines, experiment_response
from analysis.plot_sweep_grid import experiment_grid
from analysis.point_words import named_keys, value_words
from analysis.scenario_text import is_shock_switch
from analysis.sweep_design import (MAX_LINES, PERCENTILES, RESPONSE_METRICS, _in_market_rows,
                                   _key_values, _numeric_key, _safe_key, _varied_keys,
                                   grid_figure_name, grid_problem, lines_figure_name,
                                   sampled_figure_name, sampled_keys, swept_number,
                                   swept_number_and_category, swept_pair)


# ---- which figures against the swept keys an experiment gets, and why not ----

def _listed(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _shown_values(run, key):
    values = [value_words(key, v, run.steps_per_year)
              for v in _key_values(run.experiment["summary"], key)]
    return ", ".join(values[:MAX_LINES]) + (", ..." if len(values) > MAX_LINES else "")


def _design_problem(run, varied):
    """Why a sweep of the keys `varied` gets no figure against them (none of the shapes
    experiment_response, experiment_grid and experiment_lines draw), the keys in words
    (named_keys)."""
    summary = run.experiment["summary"]
    names = named_keys(varied)
    single = [k for k in varied if summary[k].nunique() < 2]
    if single:
        return (f"{_listed(names[k] for k in single)} "
                f"{'takes' if len(single) == 1 else 'take'} one value only, so there is nothing "
                "to draw against")
    numbers = [k for k in varied if _numeric_key(summary, k)]
    others = [k for k in varied if k not in numbers]
    if len(varied) == 1:
        key = varied[0]
        what = ("is switched off and on, not a number" if is_shock_switch(key) else
                f"is not a number (its values: {_shown_values(run, key)})")
        return (f"{names[key]} {what}, so there is no axis to draw it along; each of its values "
                "is a design point of the experiment_<result>.png figures")
    if len(varied) == 2 and len(numbers) == 1:
        return (f"{names[others[0]]} takes {summary[others[0]].nunique()} values, too many for a "
                f"line each (at most {MAX_LINES}); each design point is in the "
                "experiment_<result>.png figures")
    if len(varied) == 2:
        what = ("are switched off and on, not numbers" if all(map(is_shock_switch, varied)) else
                "are not numbers")
        return (f"{_listed(names[k] for k in varied)} {what}, so there is no axis to draw them "
                "along; each combination is a design point of the experiment_<result>.png "
                "figures")
    return (f"the experiment varies {len(varied)} keys ({_listed(names[k] for k in varied)}); "
            "figures against the keys are drawn for one number, two numbers over a full grid, or "
            f"a number and a key of at most {MAX_LINES} values; each design point is in the "
            "experiment_<result>.png figures")


def _swept_without_summary(run):
    """The keys /experiment/runs varies over its design points when the file has no
    /experiment/summary (with its design_point and metric columns) to draw them from; else []."""
    summary = run.experiment.get("summary")
    runs = run.experiment.get("runs")
    if runs is None or not len(runs) or (summary is not None and len(summary)
                                         and {"design_point", "metric"} <= set(summary.columns)):
        return []
    return [c for c in experiment_tables.swept_columns(runs, run.firms)
            if runs[c].nunique() >= 2]


def experiment_by_plan(run):
    """The figures of the key results against the swept keys: ([(file name, metric, draw)],
    [(file name, why not drawn)]), where draw() returns the figure. One number:
    experiment_response; two numbers over a full grid: experiment_grid; a number and a
    few-valued key: experiment_lines. Any other sweep, a result /experiment/summary lacks or no
    firm in the market in any run is said, once per result (RESPONSE_METRICS); an experiment
    that varies nothing gets neither. Design points sampled by a Latin hypercube:
    experiment_sampled, every run against each sampled key (from /experiment/runs), and
    experiment_sensitivity, the partial rank correlations as bars, instead."""
    if sampled_keys(run):
        runs = run.experiment["runs"]
        made, skipped = [], []
        for metric in RESPONSE_METRICS:
            if any(c.startswith(metric + ":") for c in runs.columns):
                made.append((sampled_figure_name(metric), metric,
                             lambda m=metric: experiment_sampled(run, m)))
            else:
                skipped.append((sampled_figure_name(metric),
                                f"/experiment/runs has no {metric} columns"))
        points = sampled_points(run.experiment.get("summary"), sampled_keys(run))
        needed = len(sampled_keys(run)) + 2
        if points >= needed:
            made.append((SENSITIVITY_FIGURE, "profit_per_year",
                         lambda: experiment_sensitivity(run)))
        else:
            skipped.append((SENSITIVITY_FIGURE,
                            f"a partial rank correlation with each of {needed - 2} sampled keys "
                            f"needs at least {needed} design points; this design has {points}"))
        return made, skipped
    missing = _swept_without_summary(run)
    if missing:
        return [], [(f"experiment_{metric}_by_" + "_and_".join(_safe_key(k) for k in missing)
                     + ".png", "the file has no /experiment/summary (by design point and "
                     "result), whose statistics these figures draw")
                    for metric in RESPONSE_METRICS]
    varied = _varied_keys(run)
    if not varied:
        return [], []
    summary = run.experiment["summary"]
    number, keys, pair = swept_number(run), swept_pair(run), swept_number_and_category(run)
    if number is not None:
        def name_of(metric):
            return f"experiment_{metric}_by_{_safe_key(number)}.png"
        problem, draw = None, lambda metric: experiment_response(run, metric, number)
    elif keys is not None:
        def name_of(metric):
            return grid_figure_name(metric, keys)
        problem, draw = grid_problem(run, keys), lambda metric: experiment_grid(run, metric, keys)
    elif pair is not None:
        def name_of(metric):
            return lines_figure_name(metric, pair)
        lacking = [c for c in PERCENTILES if c not in summary.columns]
        problem = (f"/experiment/summary has no {_listed(lacking)} column"
                   f"{'s' if len(lacking) > 1 else ''}" if lacking else None)
        draw = lambda metric: experiment_lines(run, metric, pair)  # noqa: E731
    else:
        def name_of(metric):
            return f"experiment_{metric}_by_" + "_and_".join(_safe_key(k) for k in varied) \
                + ".png"
        problem, draw = _design_problem(run, varied), None
    made, skipped = [], []
    for metric in RESPONSE_METRICS:
        rows = summary[summary["metric"] == metric]
        if problem is not None:
            skipped.append((name_of(metric), problem))
        elif rows.empty:
            skipped.append((name_of(metric), f"/experiment/summary has no {metric} rows"))
        elif _in_market_rows(rows).empty:
            skipped.append((name_of(metric), "no firm was in the market in any run"))
        else:
            made.append((name_of(metric), metric, lambda m=metric: draw(m)))
    return made, skipped


def experiment_skipped(run):
    """The figures against the swept keys that the file's design does not allow, with why:
    [(file name, why)] (experiment_by_plan). A two-number sweep whose design points do not form a
    full grid gets no heatmaps, a sweep of a key that is not a number alone or of three keys no
    figure against them; an experiment that varies nothing has nothing to report here."""
    return experiment_by_plan(run)[1]


def render_experiment(run):
    """The distribution figure of every key result of an experiment file, over all its runs,
    then market share over time with its 95% confidence interval across the replications
    (experiment_share_over_time, when a design point has two runs or more), then the key results
    against the swept keys that the design allows (experiment_by_plan: for a sweep of one
    number, experiment_response; for a full grid of two numbers, experiment_grid; for a number
    and a few-valued key, experiment_lines): [(file name, PNG bytes, metric)]; [] for a
    single-run file or one without per-firm results in /experiment/runs."""
    runs = run.experiment.get("runs")
    if runs is None or not len(runs):
        return []
    long = experiment_tables.results_long(runs, run.firms)
    settings = experiment_tables.point_settings(runs, run.firms)
    made = []
    for metric in dict.fromkeys(long["metric"]):
        fig = experiment_distribution(run, metric, long, settings)
        made.append((f"experiment_{metric}.png", png_bytes(fig), metric))
    fig = experiment_share_over_time(run)
    if fig is not None:
        made.append((OVER_TIME_FIGURE, png_bytes(fig), "market_share"))
    for name, metric, draw in experiment_by_plan(run)[0]:
        fig = draw()
        if fig is not None:
            made.append((name, png_bytes(fig), metric))
    return made
