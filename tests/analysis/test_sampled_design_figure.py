"""analysis.plot's figures of an experiment whose design points a Latin hypercube samples
(experiment_<result>_by_sampled_keys.png): a panel per sampled key, a dot per run and firm at the
key's value, a line through the mean of the runs in equal-width bins."""

import numpy as np
import pytest

from analysis import plot
from analysis.load import load_run
from conftest import run_tiny

BUDGET = "firms.Mass.budget_per_year"
MARKUP = "firms.Diff.markup"


@pytest.fixture(scope="module")
def sampled_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers: 6 points of a Latin hypercube over the mass
    marketer's budget and the differentiated firm's markup, 2 replications each (12 runs)."""
    return run_tiny(tmp_path_factory.mktemp("sampled") / "lhs.h5", "consumers=3000",
                    "experiment.replications=2",
                    "experiment.design={latin_hypercube: {samples: 6, ranges: "
                    f"{{{BUDGET}: [5000, 80000], {MARKUP}: [0.1, 0.8]}}}}}}")


def test_a_latin_hypercube_gets_a_figure_against_its_sampled_keys(sampled_file, tmp_path,
                                                                  capsys):
    run = load_run(sampled_file)
    assert run.sampled == [BUDGET, MARKUP] and plot.sampled_keys(run) == [BUDGET, MARKUP]
    made = {name: metric for name, _, metric in plot.render_experiment(run)}
    for metric in ("profit_per_year", "market_share"):
        assert made[f"experiment_{metric}_by_sampled_keys.png"] == metric
    assert plot.experiment_skipped(run) == []
    assert plot.main([str(sampled_file), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "experiment_market_share_by_sampled_keys.png").stat().st_size > 20_000


def test_every_run_is_a_dot_at_its_value_and_the_line_the_binned_means(sampled_file):
    run = load_run(sampled_file)
    runs = run.experiment["runs"]
    fig = plot.experiment_sampled(run, "market_share")
    panels = [ax for ax in fig.axes if ax.get_lines()]
    assert [ax.get_title() for ax in panels] == ["Mass's marketing budget (3 bins)",
                                                 "Diff's markup (3 bins)"]
    assert panels[0].get_xlabel().startswith("Mass's marketing budget")
    for ax, key in zip(panels, (BUDGET, MARKUP)):
        for j, firm in enumerate(run.firms):
            dots = ax.collections[j].get_offsets()
            inside = runs[f"in_market:{firm}"].astype(bool)
            x, y = runs.loc[inside, key], runs.loc[inside, f"market_share:{firm}"]
            assert sorted(map(tuple, np.asarray(dots))) == sorted(zip(x, y))
            line = next(l for l in ax.get_lines() if l.get_label().startswith(firm + " "))
            centres, means = plot.binned_means(x, y, 3)
            assert np.asarray(line.get_xdata()) == pytest.approx(centres)
            assert np.asarray(line.get_ydata()) == pytest.approx(means)
    title = fig._suptitle.get_text()
    assert "market share, last week against the sampled keys (Latin hypercube)" in title
    assert "dots: every run (12: 6 sampled design points x 2 replications)" in title
    assert "every sampled key varies at once" in title


def test_binned_means_leave_out_empty_bins():
    centres, means = plot.binned_means([0, 1, 9, 10], [1, 3, 5, 7], 3)
    assert list(centres) == [0.5, 9.5] and list(means) == [2, 6]
    assert plot.bin_count(range(20)) == 4 and plot.bin_count([1, 2]) == 2
