"""The experiment figures name their design points in words a reader understands without the
YAML (analysis.point_words): a firm's key with its unit ("Mass's marketing budget = 40,000 per
year", not "Mass.budget_per_year=40,000"), a shock switched on or off, keys moved together named
once, long labels wrapped, and design point 0 called the baseline the tables compare with."""

import numpy as np
import pytest

from analysis import plot
from analysis.load import load_run
from analysis.plot_experiment import LEGEND_WIDTH
from analysis.plot_share_over_time import experiment_share_over_time
from analysis.point_words import point_label, run_point_labels, setting_words, value_words
from conftest import run_tiny

BUDGET = "firms.Mass.budget_per_year"
ENTRY = "shocks.entry.enabled"


@pytest.fixture(scope="module")
def switch_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers: Niche's entry at step 5 switched off and
    on, crossed with the mass marketer's budget, 2 replications: 4 design points, 8 runs."""
    return run_tiny(tmp_path_factory.mktemp("words") / "switch.h5", "consumers=3000",
                    "experiment.replications=2",
                    "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
                    f"experiment.sweep={{{ENTRY}: [false, true], {BUDGET}: [20000, 40000]}}")


def _distribution(run, metric="market_share"):
    runs = run.experiment["runs"]
    long = plot.experiment_tables.results_long(runs, run.firms)
    settings = plot.experiment_tables.point_settings(runs, run.firms)
    return plot.experiment_distribution(run, metric, long, settings)


def _legend(ax):
    legend = ax.get_legend()
    return legend.get_title().get_text(), [t.get_text() for t in legend.get_texts()]


def test_a_key_its_value_and_unit_in_words():
    assert setting_words(BUDGET, 40000.0, 52) == "Mass's marketing budget = 40,000 per year"
    assert setting_words("market.cpm_mass", 12.5) == (
        "price of mass media = 12.5 per 1000 impressions")
    assert setting_words("firms.Diff.markup", 0.45) == (
        "Diff's markup = 0.45 (fraction of unit cost)")
    assert setting_words("firms.Diff.durability", 26.0, 52) == "Diff's durability = 26 weeks"
    # in any run's period, written after the value as weeks are
    assert setting_words("firms.Diff.durability", 26.0, 12) == "Diff's durability = 26 months"
    assert setting_words(ENTRY, "true") == "shock entry on"
    assert value_words(ENTRY, "false") == "off"
    assert setting_words("firms.Niche.target", "senior") == "Niche's target segment = senior"
    # An integer column of /experiment/runs (numpy's int64) is a number too.
    assert setting_words("consumers", np.int64(2000)) == "consumers = 2,000"
    assert setting_words("firms.S.segmentation.sample_size", np.int64(40)) == (
        "S's sample size = 40 consumers")
    # A key the package does not know keeps its path, less the block.
    assert setting_words("firms.Niche.foo", 3.0) == "Niche.foo = 3"


def test_point_zero_is_the_baseline_and_keys_moved_together_are_named_once():
    moved = ["firms.Mass.budget_per_year", "firms.Diff.budget_per_year"]
    settings = {moved[0]: 20000.0, moved[1]: 20000.0}
    assert point_label(0, settings, moved, 52, baseline=True) == (
        "point 0 (baseline): Mass's marketing budget and Diff's marketing budget = 20,000 per "
        "year")
    apart = {moved[0]: 20000.0, moved[1]: 30000.0}  # not one value: each key on its own
    assert point_label(1, apart, moved, 52) == (
        "point 1: Mass's marketing budget = 20,000 per year; Diff's marketing budget = 30,000 "
        "per year")


def test_long_labels_wrap_and_are_cut_never_within_a_word():
    settings = {f"firms.Firm{i}.budget_per_year": 1000.0 * i for i in range(8)}
    label = point_label(3, settings, width=30, max_lines=3)
    lines = label.split("\n")
    assert len(lines) == 3 and all(len(line) <= 30 for line in lines)
    assert lines[-1].endswith(" ...")
    assert all(word in point_label(3, settings) for word in label.replace(" ...", "").split())


def test_the_distribution_legend_names_the_swept_key_once_and_point_zero_the_baseline(
        marketsim_sweep):
    run = load_run(marketsim_sweep)
    ax = _distribution(run).axes[0]
    assert _legend(ax) == ("design point: Mass's marketing budget",
                           ["point 0 (baseline): 40,000 per year", "point 1: 80,000 per year"])
    assert "budget_per_year" not in ax.get_title()


def test_the_panels_over_time_name_their_design_point_in_words(marketsim_sweep):
    fig = experiment_share_over_time(load_run(marketsim_sweep))
    titles = [a.get_title() for a in fig.axes if a.get_lines()]
    assert titles == ["point 0 (baseline): 40,000 per year (2 runs)",
                      "point 1: 80,000 per year (2 runs)"]
    assert "each panel a design point, by Mass's marketing budget" in fig._suptitle.get_text()


def test_switched_shocks_are_said_in_words_with_what_they_do(switch_file):
    run = load_run(switch_file)
    ax = _distribution(run).axes[0]
    title, labels = _legend(ax)
    assert title == "design point"
    assert [" ".join(label.split()) for label in labels] == [
        "point 0 (baseline): shock entry off; Mass's marketing budget = 20,000 per year",
        "point 1: shock entry off; Mass's marketing budget = 40,000 per year",
        "point 2: shock entry on; Mass's marketing budget = 20,000 per year",
        "point 3: shock entry on; Mass's marketing budget = 40,000 per year"]
    assert all(len(line) <= LEGEND_WIDTH for label in labels for line in label.split("\n"))
    assert ("shocks on or off by design point: week 6: Niche enters the market (entry)"
            in ax.get_title())
    # The figure of the number for each value of the switch says it the same way.
    fig = plot.experiment_lines(run, "market_share", (BUDGET, ENTRY))
    assert fig.legends[0].get_title().get_text() == "shock entry"
    assert "with shock entry off and on" in fig._suptitle.get_text()
    assert "week 6: Niche enters the market (entry)" in fig._suptitle.get_text()
    texts = [fig._suptitle.get_text()] + [t.get_text() for legend in fig.legends
                                           for t in legend.get_texts()]
    assert not any("enabled" in text or "budget_per_year" in text for text in texts)


def test_no_baseline_without_the_tables_changes_against_point_zero(marketsim_sweep):
    run = load_run(marketsim_sweep)
    settings = plot.experiment_tables.point_settings(run.experiment["runs"], run.firms)
    run.experiment.pop("differences")
    assert run_point_labels(run, [0, 1], settings)[1][0] == "point 0: 40,000 per year"


def test_a_key_without_a_unit_gets_no_empty_brackets():
    from analysis.scenario_text import key_label
    assert key_label("firms.Niche.target") == "Niche's target segment"


def test_the_colour_scale_of_many_design_points_names_the_baseline(tmp_path):
    budgets = ", ".join(str(20000 + 5000 * i) for i in range(11))  # more than a legend holds
    run = load_run(run_tiny(tmp_path / "many.h5", "consumers=2000",
                            f"experiment.sweep={{{BUDGET}: [{budgets}]}}"))
    fig = _distribution(run, "profit_per_year")
    assert fig.axes[1].get_ylabel() == "design point (0: the baseline; see the summary table)"
