"""experiment_market_share_over_time.png: for an experiment with replications, each firm's
market share over time as the mean over the design point's runs with its t-based 95% confidence
interval, a panel per design point, the number of replications in the title."""

import h5py
import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from analysis import plot
from analysis.load import load_run
from analysis.plot_share_over_time import OVER_TIME_FIGURE, experiment_share_over_time
from analysis.student_t import t_quantile


def test_t_quantiles_match_the_tables():
    """t(0.975) for 1, 2, 4, 9 and 29 degrees of freedom (any statistics table)."""
    expected = {1: 12.7062, 2: 4.3027, 4: 2.7764, 9: 2.2622, 29: 2.0452}
    for df, value in expected.items():
        assert t_quantile(0.975, df) == pytest.approx(value, abs=1e-4)


def _shares(path, runs):
    with h5py.File(path) as f:
        return np.stack([f[f"runs/{r:05d}/market/market_share"][()] for r in runs])


def test_replications_get_the_mean_and_its_confidence_interval_over_time(marketsim_experiment):
    """3 replications of one design point: a line per firm through the mean of the 3 runs at
    each week; the band at the last week is /experiment/summary's 95% CI of the final share."""
    run = load_run(marketsim_experiment)
    made = {name: metric for name, _, metric in plot.render_experiment(run)}
    assert made[OVER_TIME_FIGURE] == "market_share"
    fig = experiment_share_over_time(run)
    (ax,) = [a for a in fig.axes if a.get_lines()]
    shares = _shares(marketsim_experiment, range(3))
    summary = run.experiment["summary"]
    final = summary[summary["metric"] == "market_share"].set_index("firm")
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label().split(" (")[0] for line in lines] == run.firms
    for j, (firm, line, band) in enumerate(zip(run.firms, lines, bands)):
        assert list(line.get_xdata()) == list(range(1, shares.shape[1] + 1))  # weeks
        assert np.asarray(line.get_ydata()) == pytest.approx(shares[:, :, j].mean(axis=0))
        edge = band.get_paths()[0].vertices
        last = edge[np.isclose(edge[:, 0], shares.shape[1]), 1]
        # (drawn within [0, 1], where a share lies)
        assert last.min() == pytest.approx(max(0.0, final.loc[firm, "ci95_low"]), abs=1e-9)
        assert last.max() == pytest.approx(min(1.0, final.loc[firm, "ci95_high"]), abs=1e-9)
    title = fig._suptitle.get_text()
    assert "market share over time, 3 replications per design point" in title
    assert ("band: 95% confidence interval of that mean (Student t, 2 degrees of freedom)"
            in title)


def test_a_band_shows_only_shares_a_run_could_have():
    """Two runs give t(0.975, 1) = 12.7 times the standard error: the interval of shares 0.02
    and 0.10 runs from -0.45 to 0.57, and of 0.90 and 0.98 to 1.45; the band stops at 0 and 1."""
    from analysis.plot_share_over_time import share_band
    shares = np.array([[[0.02, 0.90]], [[0.10, 0.98]]])  # [runs, steps, firms]
    mean, low, high = share_band(shares)
    assert mean[0] == pytest.approx([0.06, 0.94])
    assert low[0] == pytest.approx([0.0, 0.94 - 12.7062 * 0.04], abs=1e-4)
    assert high[0] == pytest.approx([0.06 + 12.7062 * 0.04, 1.0], abs=1e-4)


def test_a_panel_per_design_point(marketsim_sweep):
    run = load_run(marketsim_sweep)
    fig = experiment_share_over_time(run)
    panels = [a for a in fig.axes if a.get_lines()]
    assert [a.get_title() for a in panels] == [
        "point 0 (baseline): 40,000 per year (2 runs)",
        "point 1: 80,000 per year (2 runs)"]
    assert "each panel a design point, by Mass's marketing budget" in fig._suptitle.get_text()
    shares = _shares(marketsim_sweep, [2, 3])  # design point 1: runs 2 and 3
    mass = next(line for line in panels[1].get_lines() if line.get_label().startswith("Mass"))
    assert np.asarray(mass.get_ydata()) == pytest.approx(shares[:, :, 0].mean(axis=0))


def test_one_run_per_design_point_gets_no_such_figure(tmp_path):
    from conftest import run_tiny
    run = load_run(run_tiny(tmp_path / "single.h5",
                            "experiment.sweep={firms.Mass.budget_per_year: [40000, 80000]}"))
    assert experiment_share_over_time(run) is None
    assert OVER_TIME_FIGURE not in {name for name, _, _ in plot.render_experiment(run)}


# Twenty consumers buying a tenth as often as usual: in some weeks a run sells nothing, and from
# week 8 (step 7) on no run does.
FEW_SALES = ["consumers=20", "experiment.replications=3",
             "shocks=[{name: slump, kind: recession, step: 0, multiply: 0.1}, "
             "{name: halt, kind: recession, step: 7, multiply: 0}]"]
HALT = 7


@pytest.fixture(scope="module")
def few_sales(tmp_path_factory):
    from conftest import run_tiny
    return run_tiny(tmp_path_factory.mktemp("few_sales") / "few_sales.h5", *FEW_SALES)


def _sold(path, runs):
    """Whether each run sold anything in each step: [runs x steps]."""
    with h5py.File(path) as f:
        return np.stack([f[f"runs/{r:05d}/market/units"][()].sum(axis=1) > 0 for r in runs])


def test_a_run_that_sold_nothing_in_a_week_is_left_out_of_its_mean(few_sales):
    """marketsim records a share of 0 for every firm in a step where nothing sold: averaged in,
    a run without sales pulled every firm's mean down, and a week where no run sold drew every
    firm at 0. Such a run is left out of the week's mean, and such a week is a gap, as
    /experiment/summary leaves a run out where its last week's share is undefined."""
    sold = _sold(few_sales, range(3))
    counts = sold.sum(axis=0)
    assert ((counts > 0) & (counts < 3)).any()  # a week where some runs sold, not all
    assert not sold[:, HALT:].any()
    run = load_run(few_sales)
    fig = experiment_share_over_time(run)
    (ax,) = [a for a in fig.axes if a.get_lines()]
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    shares = np.where(sold[:, :, None], _shares(few_sales, range(3)), np.nan)
    for j, line in enumerate(lines):
        drawn = np.asarray(line.get_ydata(), dtype=float)
        assert np.isnan(drawn[HALT:]).all()
        for step in np.flatnonzero(counts):
            assert drawn[step] == pytest.approx(np.nanmean(shares[:, step, j]))
    title = fig._suptitle.get_text()
    assert "a run that sold nothing in a week is left out of its mean and band" in title
    assert "Student t, n - 1 degrees of freedom" in title


def test_a_band_leaves_out_the_runs_without_a_share():
    """Three runs, one of them without sales in the second step (NaN): that step's mean and
    interval are over the two others, t(0.975, 1) = 12.7 times their standard error; a step
    with one run has a mean but no band, one with none neither."""
    from analysis.plot_share_over_time import share_band
    nan = np.nan
    shares = np.array([[[0.2], [0.40], [0.5], [nan]],
                       [[0.4], [0.42], [nan], [nan]],
                       [[0.6], [nan], [nan], [nan]]])  # [runs, steps, firms]
    mean, low, high = share_band(shares)
    assert mean[:3, 0] == pytest.approx([0.4, 0.41, 0.5])
    assert np.isnan(mean[3, 0])
    # The two runs' standard error: sd 0.01 * sqrt(2) over sqrt(2), 0.01.
    assert low[1, 0] == pytest.approx(0.41 - 12.7062 * 0.01, abs=1e-4)
    assert high[1, 0] == pytest.approx(0.41 + 12.7062 * 0.01, abs=1e-4)
    assert high[0, 0] == pytest.approx(0.4 + 4.3027 * 0.2 / np.sqrt(3), abs=1e-4)
    assert np.isnan(low[2:, 0]).all() and np.isnan(high[2:, 0]).all()
