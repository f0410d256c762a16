"""PNG figures of a run: shares, the share-of-market/share-of-customer quadrant, awareness,
profit and ROI, unit cost by category, the obsolescence panel, a segment-by-firm heatmap and,
when the firms' strategies recorded any, their own diagnostics (/strategies/<name>); for an
experiment file, the figures of every run (analysis.experiment_figures).

    python3 -m analysis.plot RUN.h5 --out DIR [--run ID] [--force]

It lists the figures it wrote in DIR/analysis-plot-figures.txt (figure_manifest), so that a
later plot into DIR says which of them it did not draw again and, with --force, removes those.

The figures are drawn in modules named after what they hold (plot_format: what every figure
shares; plot_market_share, plot_market, plot_unit_cost, plot_obsolescence, plot_strategies: the
figures of one run; plot_experiment, plot_share_over_time, plot_sweep, plot_sweep_grid,
plot_sampled, sweep_design, experiment_figures: those of an experiment). Every public name of
theirs is importable from here too.
"""

import argparse
import os

from analysis import experiment_tables, figure_manifest, formats, run_main
from analysis.experiment_figures import experiment_by_plan, experiment_skipped, render_experiment
from analysis.figure_manifest import MANIFEST
from analysis.atomic_write import WriteError, all_or_nothing, cannot_write
from analysis.load import (NotARunError, add_run_arguments, bad_input, experiment_overrides,
                           is_experiment_key, load_run_or_report, overrides)
from analysis.output_paths import add_force_argument, check_new_figures, check_writable_directory
from analysis.plot_experiment import (FLAT_MARGIN, MAX_POINTS_IN_LEGEND, RESULT_NAMES,
                                      experiment_distribution, one_run_per_point, point_label,
                                      value_ticks, whole_tick)
from analysis.plot_format import (LINE_STYLES, LONE_POINT_SIZE, OVERRIDE_WIDTH, OVERRIDES_LINES,
                                  OVERRIDES_WIDTH, draw_series, lone_points, money_tick,
                                  overrides_line, percent_formatter, percent_tick, png_bytes,
                                  points_formatter, run_changes, shortened, time_ticks,
                                  whole_locator)
from analysis.plot_market import (HEATMAP_WINDOW, LABEL_OFFSETS, QUADRANT_MIN_SPREAD, awareness,
                                  dividing_line, firms_without_sales, profit_roi, segment_heatmap,
                                  segment_shares, share_quadrant)
from analysis.plot_market_share import (LONE_BAR_WIDTH, market_share, market_share_by_category,
                                        shares_by_category, whole_market_share)
from analysis.plot_obsolescence import (OBSOLESCENCE, PER_IN_USE, early_failure_rate,
                                        early_share, first_on_time_step, obsolescence,
                                        reference_life)
from analysis.plot_strategies import (DESCRIPTION_WIDTH, DIAGNOSTICS_PER_FIGURE, LABEL_WIDTH,
                                      RECORDED_SUFFIX, diagnostic_description, diagnostic_firms,
                                      diagnostic_last_values, diagnostics_pages,
                                      render_strategies, strategies)
from analysis.plot_unit_cost import (UNIT_COST_FIGURE, costs_and_unsold, unit_cost, unit_costs,
                                     unit_costs_differ, unsold_note)
from analysis.plot_sampled import bin_count, binned_means, experiment_sampled
from analysis.plot_sensitivity import SENSITIVITY_FIGURE, experiment_sensitivity
from analysis.plot_share_over_time import (MAX_PANELS, OVER_TIME_FIGURE,
                                           experiment_share_over_time, share_by_point)
from analysis.plot_sweep import experiment_lines, experiment_response
from analysis.plot_sweep_grid import GRID_MAX_WIDTH, experiment_grid
from analysis.scenario_text import ScenarioSyntaxError, key_label, parse_scenario
from analysis.summary import NOT_IN_MARKET, not_in_market, not_in_market_note
from analysis.sweep_design import (MAX_LINES, PERCENTILES, RESPONSE_METRICS, confidence_band,
                                   grid_figure_name, grid_problem, lines_figure_name,
                                   sampled_figure_name, sampled_keys, swept_grid, swept_number,
                                   swept_number_and_category, swept_pair)

# The names analysis.plot has always offered (report.py, compare.py and the tests use them).
__all__ = [
    # shared by every figure
    "LINE_STYLES", "LONE_POINT_SIZE", "OVERRIDE_WIDTH", "OVERRIDES_LINES", "OVERRIDES_WIDTH",
    "draw_series", "lone_points", "money_tick", "overrides_line", "percent_formatter",
    "percent_tick", "plain_skip_reason", "png_bytes", "points_formatter", "run_changes",
    "shortened", "time_ticks",
    "whole_locator",
    # the figures of one run
    "HEATMAP_WINDOW", "LABEL_OFFSETS", "QUADRANT_MIN_SPREAD", "awareness", "dividing_line",
    "firms_without_sales", "LONE_BAR_WIDTH", "market_share", "market_share_by_category",
    "shares_by_category", "whole_market_share", "profit_roi", "segment_heatmap",
    "segment_shares", "share_quadrant",
    "OBSOLESCENCE", "PER_IN_USE", "early_failure_rate", "early_share", "first_on_time_step",
    "obsolescence", "reference_life",
    "DESCRIPTION_WIDTH", "DIAGNOSTICS_PER_FIGURE", "LABEL_WIDTH", "RECORDED_SUFFIX",
    "diagnostic_description", "diagnostic_firms", "diagnostic_last_values", "diagnostics_pages",
    "render_strategies", "strategies",
    "UNIT_COST_FIGURE", "costs_and_unsold", "unit_cost", "unit_costs", "unit_costs_differ",
    "unsold_note",
    # the figures of an experiment
    "FLAT_MARGIN", "MAX_POINTS_IN_LEGEND", "RESULT_NAMES", "experiment_distribution",
    "one_run_per_point", "value_ticks", "whole_tick",
    "point_label", "MAX_LINES", "PERCENTILES", "RESPONSE_METRICS", "confidence_band",
    "grid_figure_name", "grid_problem", "lines_figure_name", "swept_grid", "swept_number",
    "swept_number_and_category", "swept_pair", "experiment_lines", "experiment_response",
    "GRID_MAX_WIDTH", "experiment_grid", "experiment_by_plan", "experiment_skipped",
    "render_experiment", "MAX_PANELS", "OVER_TIME_FIGURE", "experiment_share_over_time",
    "share_by_point", "bin_count", "binned_means", "experiment_sampled", "sampled_figure_name",
    "SENSITIVITY_FIGURE", "experiment_sensitivity",
    "sampled_keys",
    # this module's own
    "FIGURES", "SKIP_REASONS", "MANIFEST", "render", "main",
    # what it imported from the rest of the package
    "experiment_tables", "formats", "run_main", "add_run_arguments", "bad_input",
    "check_writable_directory", "experiment_overrides", "is_experiment_key",
    "load_run_or_report", "overrides", "ScenarioSyntaxError", "key_label", "parse_scenario",
    "NOT_IN_MARKET", "not_in_market", "not_in_market_note",
]


# (file name, function) of every figure, in reading order.
FIGURES = [
    ("market_share.png", market_share),
    ("share_quadrant.png", share_quadrant),
    ("awareness.png", awareness),
    ("profit_roi.png", profit_roi),
    (UNIT_COST_FIGURE, unit_cost),
    ("obsolescence.png", obsolescence),
    ("segment_heatmap.png", segment_heatmap),
]
# Why a figure is skipped, as `plot` prints it for an analyst (naming the datasets it looked
# for); plain_skip_reason says it in words for the report, which a classroom reads.
SKIP_REASONS = {
    "obsolescence.png": "the run recorded no durables metrics (failures, replacements, "
                        "installed_base, /market/saturation)",
    UNIT_COST_FIGURE: "every firm's unit cost is the same, and stays the same, in each category "
                      "(or the run recorded no unit costs, /market/by_category/unit_cost)",
}


def plain_skip_reason(run, name, why):
    """Why the figure `name` is not drawn, in plain words for the report, with no dataset path:
    "the scenario has no durable goods" for the obsolescence figure of a run of consumables
    only; `why` (render's reason) for figures that have no plainer one."""
    if name == "obsolescence.png":
        if "durable" not in run.category_kinds:
            return "the scenario has no durable goods"
        return ("the run file holds no figures on durable goods (failures, replacements, "
                "products in use)")
    if name == UNIT_COST_FIGURE:
        return ("every firm's unit cost is the same, and stays the same, in each category (or "
                "the run file holds no unit costs)")
    return why


def render(run):
    """Every figure the run's data allow: ([(file name, PNG bytes)], [(file name, why skipped)]).
    The diagnostics figures (strategies.png...) come last, and only for a run whose strategies
    recorded diagnostics; a run without them is not told they were skipped."""
    made, skipped = [], []
    for name, function in FIGURES:
        fig = function(run)
        if fig is None:
            skipped.append((name, SKIP_REASONS.get(name, "no data")))
        else:
            made.append((name, png_bytes(fig)))
    made += render_strategies(run)  # only when the strategies recorded diagnostics
    return made, skipped


EPILOG = f"""\
The figures plot writes are listed, with the SHA-256 of each, in {figure_manifest.MANIFEST} in
the --out directory. A later plot into the same directory says which figures of that list it did
not draw again (an experiment with fewer design points, a single run after an experiment) and
keeps them; with --force it removes them, but only those still holding the bytes plot wrote. It
never removes any other file, and it names the other PNG files in the directory, which it did not
write, so that none is taken for a figure of this run."""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m analysis.plot",
                                     description="Write PNG figures of a marketsim run.",
                                     epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(parser)
    parser.add_argument("--out", required=True, help="directory for the PNG files")
    add_force_argument(parser, "the figures", "also remove the figures an earlier plot wrote "
                       "there that this one does not draw (see below)")
    args = parser.parse_args(argv)
    try:
        check_writable_directory(args.out)
        earlier = figure_manifest.read_manifest(args.out)  # the figures an earlier plot wrote
    except OSError as error:
        return bad_input(error)
    run = load_run_or_report(args)
    if run is None:
        return 2
    try:  # the experiment's figures read its other runs, whose layout is checked as they are
        made, skipped = render(run)
        of_experiment = [(name, data) for name, data, _ in render_experiment(run)]
    except NotARunError as error:
        return bad_input(error)
    try:  # every figure is drawn, and may be written, before the first is written
        check_new_figures(args.out, [name for name, _ in made + of_experiment], args.force)
    except OSError as error:
        return bad_input(error)
    try:  # all the files or none: a failure leaves the directory as it was
        with all_or_nothing(args.out) as files:
            for name, data in made + of_experiment:
                files.write(os.path.join(args.out, name), data)
            written = {name: figure_manifest.digest(data) for name, data in made + of_experiment}
            ours, said = figure_manifest.tidy(args.out, earlier, written, args.force, files)
            figure_manifest.write_manifest(args.out, ours, files)
    except WriteError as error:
        return cannot_write(error)
    _say_written(args.out, made, "", skipped)
    _say_written(args.out, of_experiment, " (every run of the experiment)",
                 experiment_skipped(run))
    for line in said:
        print(line)
    note = figure_manifest.others_note(
        args.out, figure_manifest.other_figures(args.out, set(ours) | set(earlier)))
    if note:
        print(note)
    return 0


def _say_written(directory, figures, note, skipped):
    """Says that each (file name, PNG bytes) of `figures` was written into `directory`, then
    which figures were `skipped` and why."""
    for name, _ in figures:
        print(f"wrote {os.path.join(directory, name)}{note}")
    for name, why in skipped:
        print(f"skipped {name}: {why}")


if __name__ == "__main__":
    run_main(main)
