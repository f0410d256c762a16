"""analysis.sensitivity: partial rank correlations against values computed independently, the
same table as `marketsim summarize --csv` writes (sensitivity.csv), and the report's section
for a Latin hypercube."""

import math
import re
import subprocess

import pandas as pd
import pytest

from analysis import plot, report
from analysis.load import load_run
from analysis.sensitivity import partial_rank_correlations, sensitivity_table
from conftest import marketsim_binary, run_tiny
from html_tables import table_under

BUDGET = "firms.Mass.budget_per_year"
MARKUP = "firms.Diff.markup"

# Twelve observations of three inputs (the third with ties) and an output; the reference values
# are numpy's least squares on scipy's ranks and scipy's t, as tests/sim/rank_correlation_test.cpp
# has them.
X1 = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5]
X2 = [7, 2, 11, 4, 9, 0, 5, 10, 1, 8, 3, 6]
X3 = [3, 3, 1, 8, 5, 9, 2, 2, 7, 4, 6, 0]
Y = [16.40625, 2.06875, 25.68125, 20.14375, 23.55625, 16.11875, 18.13125, 43.29375, 38.90625,
     58.76875, 71.68125, 82.34375]


def test_partial_rank_correlations_match_an_independent_computation():
    found = partial_rank_correlations(list(zip(X1, X2, X3)), Y)
    expected = [(0.9194520402951842, 0.00016695044016561415), (0.6951429460874343,
                0.025644107002195105), (0.12920042781346533, 0.7220448043264875)]
    for (r, p, df), (r0, p0) in zip(found, expected):
        assert r == pytest.approx(r0, rel=1e-12)
        assert p == pytest.approx(p0, rel=1e-6)
        assert df == 8


def test_few_observations_get_an_exact_p():
    # A perfect order among 3 observations happens in 2 of their 6 orders; two keys over six
    # observations against a count over all 720 orders (tests/sim/rank_correlation_test.cpp).
    assert partial_rank_correlations([[1], [2], [3]], [10, 20, 30]) == [(1.0, 1 / 3, 1)]
    six = partial_rank_correlations(list(zip([0.3, 0.1, 0.9, 0.5, 0.7, 0.2], [4, 6, 1, 3, 5, 2])),
                                    [2.0, 1.0, 9.0, 8.0, 4.0, 1.5])
    assert six[0][1] == pytest.approx(20 / 720) and six[1][1] == pytest.approx(294 / 720)


def test_undefined_where_nothing_is_measured():
    constant = partial_rank_correlations(list(zip(X1, X2)), [3.0] * 12)
    assert all(math.isnan(r) and math.isnan(p) for r, p, _ in constant)
    assert all(math.isnan(r) for r, _, _ in partial_rank_correlations([[1, 1], [2, 2], [3, 3]],
                                                                        [1, 2, 3]))
    exact = partial_rank_correlations(list(zip(X1, X2)), [-v for v in X1])
    assert exact[0][:2] == (-1.0, 0.0)


@pytest.fixture(scope="module")
def sampled_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers: 7 points of a Latin hypercube over the mass
    marketer's budget and the differentiated firm's markup, 2 replications each."""
    return run_tiny(tmp_path_factory.mktemp("sensitivity") / "lhs.h5", "consumers=3000",
                    "experiment.replications=2",
                    "experiment.design={latin_hypercube: {samples: 7, ranges: "
                    f"{{{BUDGET}: [500, 20000], {MARKUP}: [0.1, 0.8]}}}}}}")


def test_the_table_is_the_one_summarize_writes(sampled_file, tmp_path):
    run = load_run(sampled_file)
    ours = sensitivity_table(run.experiment["summary"], run.sampled)
    subprocess.run([marketsim_binary(), "summarize", str(sampled_file), "--csv",
                    str(tmp_path) + "/"], check=True, capture_output=True, timeout=120)
    theirs = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(ours) == len(theirs) == 8 * len(run.firms) * 2
    both = ours.merge(theirs, on=["metric", "firm", "key"], suffixes=("", "_cli"))
    assert len(both) == len(ours)
    assert (both["n"] == both["n_cli"]).all()
    assert (both["prcc"].isna() == both["prcc_cli"].isna()).all()
    defined = both.dropna(subset=["prcc"])
    assert len(defined) >= 24  # programs cost nothing here, and most spends are fixed
    assert (defined["prcc"] - defined["prcc_cli"]).abs().max() < 1e-9
    assert (defined["p_value"] - defined["p_value_cli"]).abs().max() < 1e-6


def test_the_report_shows_the_sensitivity_of_a_latin_hypercube(sampled_file, marketsim_sweep,
                                                               tmp_path):
    out = tmp_path / "lhs.html"
    assert report.main([str(sampled_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Sensitivity to the sampled keys (partial rank correlation)" in page
    assert "over the 7 design points" in page
    assert "p tests that it is 0 (exactly, over every order of the result's ranks)" in page
    table = table_under(page, "Sensitivity to the sampled keys (partial rank correlation)")
    assert list(table[0]) == ["firm", "sampled key", "profit per year", "market share"]
    assert len(table) == 2 * len(load_run(sampled_file).firms)
    assert table[0]["sampled key"].endswith(f"({BUDGET})")
    cells = [row[c] for row in table for c in ("profit per year", "market share")]
    assert all(c == "n/a" or re.fullmatch(r"[+-]\d\.\d\d \(p(<0\.001|=\d\.\d{3})\)", c)
               for c in cells)
    # A sweep has changes against design point 0 instead.
    swept = tmp_path / "sweep.html"
    assert report.main([str(marketsim_sweep), "-o", str(swept)]) == 0
    assert "Sensitivity to the sampled keys" not in swept.read_text(encoding="utf-8")


def test_the_figure_draws_each_correlation_as_a_bar(sampled_file, tmp_path):
    run = load_run(sampled_file)
    table = sensitivity_table(run.experiment["summary"], run.sampled)
    fig = plot.experiment_sensitivity(run)
    fig.canvas.draw()
    profit, share = fig.axes[0], fig.axes[1]
    for ax, metric in ((profit, "profit_per_year"), (share, "market_share")):
        rows = table[(table["metric"] == metric) & table["prcc"].notna()]
        assert len(ax.patches) == len(rows)
        drawn = sorted((round(p.get_width(), 12), p.get_hatch() is not None) for p in ax.patches)
        wanted = sorted((round(r, 12), p >= 0.05) for r, p in zip(rows["prcc"], rows["p_value"]))
        assert drawn == wanted
    assert [t.get_text() for t in profit.get_yticklabels()] == ["Mass's marketing budget",
                                                                "Diff's markup"]
    assert "sensitivity to the sampled keys (Latin hypercube)" in fig._suptitle.get_text()
    assert plot.main([str(sampled_file), "--out", str(tmp_path)]) == 0
    assert (tmp_path / plot.SENSITIVITY_FIGURE).stat().st_size > 10_000


def test_too_few_design_points_give_no_table_and_say_so(tmp_path):
    small = run_tiny(tmp_path / "small.h5", "consumers=2000", "experiment.replications=1",
                     "experiment.design={latin_hypercube: {samples: 3, ranges: "
                     f"{{{BUDGET}: [500, 20000], {MARKUP}: [0.1, 0.8]}}}}}}")
    run = load_run(small)
    assert sensitivity_table(run.experiment["summary"], run.sampled).empty
    too_few = ("needs at least 4 design points; this design has 3")
    assert any(name == plot.SENSITIVITY_FIGURE and too_few in why
               for name, why in plot.experiment_skipped(run))
    out = tmp_path / "small.html"
    assert report.main([str(small), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count(too_few) == 1  # the note on figures not shown
    proc = subprocess.run([marketsim_binary(), "summarize", str(small), "--csv",
                           str(tmp_path / "csv") + "/"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and too_few in proc.stdout
    assert not (tmp_path / "csv" / "sensitivity.csv").exists()
