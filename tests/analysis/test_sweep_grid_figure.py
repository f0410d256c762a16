"""analysis.plot's heatmaps of a sweep of two numbers (experiment_<result>_by_<a>_and_<b>.png):
written for a full grid of two numeric keys, a panel per firm in the market, each cell the
design point's mean from /experiment/summary; not for one key, nor for design points that do
not fill the grid."""

import numpy as np
import pytest

from analysis import formats, plot, report
from analysis.load import load_run
from analysis.scenario_text import key_label
from conftest import run_tiny

PNG = b"\x89PNG\r\n\x1a\n"
BUDGET = "firms.Mass.budget_per_year"
CPM = "market.cpm_mass"
BUDGETS = [40000.0, 80000.0]
CPMS = [5.0, 10.0, 20.0]
SMALL = ("consumers=3000", "experiment.replications=2")
NAME = {metric: f"experiment_{metric}_by_{BUDGET}_and_{CPM}.png"
        for metric in ("profit_per_year", "market_share")}



@pytest.fixture(scope="module")
def grid_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers: the mass marketer's budget (2 values)
    crossed with the price of mass media (3 values), 2 replications: 6 design points, 12 runs."""
    return run_tiny(tmp_path_factory.mktemp("grid") / "grid.h5", *SMALL,
                    f"experiment.sweep={{{BUDGET}: [40000, 80000], {CPM}: [5, 10, 20]}}")


@pytest.fixture(scope="module")
def entry_file(tmp_path_factory):
    """Niche enters at step 3 or at step 11 (after the run's 10 steps, within the file's 12: never), crossed with the
    mass marketer's budget: Niche is out of the market in half of the design points."""
    return run_tiny(tmp_path_factory.mktemp("grid") / "entry.h5", *SMALL,
                    "shocks=[{name: entry, step: 11, kind: enter, firm: Niche}]",
                    f"experiment.sweep={{{BUDGET}: [40000, 80000, 160000], "
                    "shocks.entry.step: [3, 11]}")


@pytest.fixture(scope="module")
def hypercube_file(tmp_path_factory):
    """A Latin hypercube over the same two keys: 3 points that do not cross (3 of 9 cells)."""
    return run_tiny(tmp_path_factory.mktemp("grid") / "hypercube.h5", *SMALL,
                    "experiment.design={latin_hypercube: {samples: 3, ranges: "
                    f"{{{BUDGET}: [40000, 80000], {CPM}: [5, 20]}}}}}}")


def _panels(fig):
    """The heatmap panels (axes with an image), in drawing order; the colour bar is not one."""
    return [ax for ax in fig.axes if ax.images]


def _cells(ax):
    """{(column, row): annotation} of a panel's cells."""
    return {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
            for t in ax.texts}


def test_a_grid_of_two_numbers_gets_a_heatmap_per_result(grid_file, tmp_path, capsys):
    run = load_run(grid_file)
    assert plot.swept_grid(run) == ((BUDGET, CPM), None)
    assert plot.swept_number(run) is None  # two keys vary: no one-key figure
    assert plot.experiment_skipped(run) == []
    assert plot.main([str(grid_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    written = [line.split("/")[-1].split(" ")[0] for line in out.splitlines()
               if line.endswith("(every run of the experiment)")]
    assert written == [f"experiment_{m}.png" for m in (
        "market_share", "customer_share", "cumulative_profit", "profit_per_year", "roi",
        "revenue", "marketing_spend", "program_cost")] + [
        "experiment_market_share_over_time.png", NAME["profit_per_year"], NAME["market_share"]]
    for name in NAME.values():
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000
    assert "skipped experiment_" not in out


def test_every_cell_is_the_design_points_mean(grid_file):
    run = load_run(grid_file)
    summary = run.experiment["summary"]
    runs = run.experiment["runs"]
    for metric, kind in (("profit_per_year", "money"), ("market_share", "share")):
        fig = plot.experiment_grid(run, metric, (BUDGET, CPM))
        panels = _panels(fig)
        # One panel per firm, all four in the market, titled with the firm and its strategy.
        assert [ax.get_title() for ax in panels] == [
            "Mass (mass)", "Diff (differentiated)", "Niche (niche)", "OneToOne (one_to_one)"]
        for ax, firm in zip(panels, run.firms):
            image = ax.images[0].get_array()
            assert image.shape == (len(CPMS), len(BUDGETS))  # rows: cpm (up), columns: budget
            cells = _cells(ax)
            assert len(cells) == len(CPMS) * len(BUDGETS)
            for j, budget in enumerate(BUDGETS):
                for i, cpm in enumerate(CPMS):
                    row = summary[(summary["metric"] == metric) & (summary["firm"] == firm)
                                  & (summary[BUDGET] == budget) & (summary[CPM] == cpm)]
                    assert len(row) == 1
                    mean = float(row["mean"].iloc[0])
                    assert image[i, j] == pytest.approx(mean, rel=1e-12)
                    assert cells[(j, i)] == formats.value(kind, mean)
                    # The summary's mean is the mean of the design point's two runs.
                    point = runs[runs["design_point"] == int(row["design_point"].iloc[0])]
                    assert len(point) == 2
                    assert mean == pytest.approx(point[f"{metric}:{firm}"].mean(), rel=1e-9)
    # Real numbers: the mass marketer's profit falls with its budget, by about the extra spend.
    fig = plot.experiment_grid(run, "profit_per_year", (BUDGET, CPM))
    mass = _panels(fig)[0].images[0].get_array()
    assert (mass[:, 1] < mass[:, 0] - 30000).all()
    assert _cells(_panels(fig)[0])[(0, 0)].replace(",", "").lstrip("-").isdigit()


def test_axes_name_the_keys_and_the_colour_bar_the_result(grid_file):
    run = load_run(grid_file)
    fig = plot.experiment_grid(run, "profit_per_year", (BUDGET, CPM))
    panels = _panels(fig)
    words = [(" ".join(ax.get_xlabel().split()), " ".join(ax.get_ylabel().split()))
             for ax in panels]
    across, up = key_label(BUDGET, 52), key_label(CPM, 52)
    assert across == "Mass's marketing budget (money per year)"
    assert up == "price of mass media (money per 1000 impressions)"
    # Two by two: the key across under the bottom row, the key up beside the left column.
    assert words == [("", up), ("", ""), (across, up), (across, "")]
    assert [[t.get_text() for t in ax.get_xticklabels()] for ax in panels][0] == ["40,000",
                                                                                 "80,000"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == ["5", "10", "20"]
    # One colour scale for every panel, spanning every firm's cells, and one colour bar.
    norms = {(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in panels}
    summary = run.experiment["summary"]
    means = summary[summary["metric"] == "profit_per_year"]["mean"]
    assert len(norms) == 1
    assert list(norms)[0] == pytest.approx((means.min(), means.max()))
    bars = [ax for ax in fig.axes if not ax.images]
    assert len(bars) == 1 and bars[0].get_ylabel() == "profit per year (money)"
    title = fig._suptitle.get_text()
    assert "profit per year by Mass's marketing budget and price of mass media" in title
    assert "cell: mean of the design point's 2 replications" in title
    share = plot.experiment_grid(run, "market_share", (BUDGET, CPM))
    bar = [ax for ax in share.axes if not ax.images][0]
    assert bar.get_ylabel() == "market share, last week (%)"
    assert all(t.endswith("%") for t in _cells(_panels(share)[0]).values())


def test_a_firm_out_of_the_market_is_left_out_or_greyed(entry_file, tmp_path):
    run = load_run(entry_file)
    keys = (BUDGET, "shocks.entry.step")
    assert plot.swept_grid(run) == (keys, None)
    fig = plot.experiment_grid(run, "market_share", keys)
    panels = _panels(fig)
    assert len(panels) == 4
    niche = panels[2]
    assert niche.get_title() == "Niche (niche)"
    cells = _cells(niche)
    # Row 1 (entry at step 11): never in the market, not filled in; row 0: a real share.
    assert all(cells[(j, 1)] == "not in\nmarket" for j in range(3))
    assert all(cells[(j, 0)].endswith("%") for j in range(3))
    assert np.ma.getmaskarray(niche.images[0].get_array())[1].all()
    assert "grey: the firm was in the market in none" in fig._suptitle.get_text()
    # Niche never enters in any run: no panel for it, and a note under the figure says so.
    never = load_run(run_tiny(tmp_path / "never.h5", *SMALL,
                              "shocks=[{name: entry, step: 11, kind: enter, firm: Niche}]",
                              f"experiment.sweep={{{BUDGET}: [40000, 80000], {CPM}: [5, 10]}}"))
    fig = plot.experiment_grid(never, "profit_per_year", (BUDGET, CPM))
    assert [ax.get_title() for ax in _panels(fig)] == [
        "Mass (mass)", "Diff (differentiated)", "OneToOne (one_to_one)"]
    assert "Niche: not in market in any run of the experiment; not drawn." in [
        t.get_text() for t in fig.texts]


def test_one_key_and_no_sweep_get_no_heatmap(marketsim_sweep, marketsim_experiment):
    sweep = load_run(marketsim_sweep)
    assert plot.swept_grid(sweep) == (None, None) and plot.experiment_skipped(sweep) == []
    assert [name for name, _, _ in plot.render_experiment(sweep)] == [
        "experiment_market_share.png", "experiment_customer_share.png",
        "experiment_cumulative_profit.png", "experiment_profit_per_year.png",
        "experiment_roi.png", "experiment_revenue.png", "experiment_marketing_spend.png",
        "experiment_program_cost.png", "experiment_market_share_over_time.png",
        f"experiment_profit_per_year_by_{BUDGET}.png",
        f"experiment_market_share_by_{BUDGET}.png"]
    replications = load_run(marketsim_experiment)
    assert plot.swept_grid(replications) == (None, None)
    assert not [n for n, _, _ in plot.render_experiment(replications) if "_by_" in n]


def test_a_number_and_a_switch_get_no_heatmap(tmp_path):
    run = load_run(run_tiny(tmp_path / "switch.h5", "consumers=3000",
                            "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
                            f"experiment.sweep={{{BUDGET}: [40000, 80000], "
                            "shocks.entry.enabled: [false, true]}"))
    assert plot.swept_pair(run) is None and plot.experiment_skipped(run) == []
    assert not [n for n, _, _ in plot.render_experiment(run) if "_and_" in n]


def test_design_points_that_do_not_fill_the_grid_get_no_heatmap(hypercube_file, tmp_path,
                                                                 capsys):
    """A Latin hypercube gets no heatmap; it gets the figures against its sampled keys instead
    (test_sampled_design_figure.py), so no line says a figure against the keys is missing."""
    run = load_run(hypercube_file)
    keys, problem = plot.swept_grid(run)
    assert keys == (BUDGET, CPM)
    assert "do not form a full 3 x 3 grid" in problem and "6 of its 9 cells" in problem
    assert plot.experiment_grid(run, "profit_per_year", keys) is None
    # Only the sensitivity bars are skipped: 3 samples cannot hold 2 keys' correlations.
    too_few = ("a partial rank correlation with each of 2 sampled keys needs at least 4 design "
               "points; this design has 3")
    assert plot.experiment_skipped(run) == [(plot.SENSITIVITY_FIGURE, too_few)]
    assert plot.main([str(hypercube_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "experiment_market_share_by_sampled_keys.png (every run of the experiment)" in out
    assert "experiment_roi.png (every run of the experiment)" in out
    assert not list(tmp_path.glob("*_and_*"))
    assert [line for line in out.splitlines() if line.startswith("skipped experiment_")] == [
        f"skipped {plot.SENSITIVITY_FIGURE}: {too_few}"]


def test_a_grid_with_a_missing_design_point_is_not_filled_in(grid_file):
    run = load_run(grid_file)
    summary = run.experiment["summary"]
    run.experiment["summary"] = summary[summary["design_point"] != 4]
    keys, problem = plot.swept_grid(run)
    assert keys == (BUDGET, CPM) and "1 of its 6 cells have no design point" in problem
    assert plot.experiment_grid(run, "market_share", keys) is None
    assert not [n for n, _, _ in plot.render_experiment(run) if "_and_" in n]


def test_the_report_shows_the_heatmaps(grid_file, tmp_path):
    out = tmp_path / "grid.html"
    assert report.main([str(grid_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    experiment = page.split('<h2 id="experiment">')[1]
    for name in NAME.values():
        assert f'<img alt="{name}" src="data:image/png;base64,' in experiment
    assert ("profit per year by Mass&#x27;s marketing budget (across) and price of mass media "
            "(up)") in experiment
    assert "Not shown: experiment_" not in page


def test_the_report_shows_a_latin_hypercube_against_its_sampled_keys(hypercube_file, tmp_path):
    out = tmp_path / "hypercube.html"
    assert report.main([str(hypercube_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    # Only the sensitivity bars are not shown: 3 samples cannot hold 2 keys' correlations.
    assert page.count("Not shown: experiment_") == 1
    assert "Not shown: experiment_sensitivity.png, because a partial rank correlation" in page
    assert "_and_market.cpm_mass.png\" src=" not in page
    assert '<img alt="experiment_profit_per_year_by_sampled_keys.png" src=' in page
    assert "against each key the Latin hypercube samples" in page
