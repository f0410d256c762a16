"""The run's time unit (analysis.periods) everywhere a step is named: the time axes, the notes
and titles of the figures, the report's captions, the durables' counting and compare's output
say "month 1 .. month 10" in a monthly run and "quarter" in a quarterly one, numbered from 1
as weeks are; steps without a name keep "step", numbered from 0."""

import html

import pytest

from analysis import compare, plot, report
from analysis.durables import counted_from
from analysis.load import load_run
from analysis.periods import first_number, period, time_point
from conftest import STEPS, run_short_life, run_tiny

# Niche enters in month 5 (step 4): the ROI panel and the shock marks have a step to name.
ENTRY = "shocks=[{name: entry, step: 4, kind: enter, firm: Niche}]"


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    return run_tiny(tmp_path_factory.mktemp("runs") / "monthly.h5", "steps_per_year=12",
                    "consumers=2000", ENTRY)


@pytest.fixture(scope="module")
def quarterly_durables(tmp_path_factory):
    """planned_obsolescence.yaml in quarters, small, with the rival and a reference life of 20
    quarters: failures can be on time from quarter 21 (step 20) of the 40."""
    return run_short_life(tmp_path_factory.mktemp("runs") / "quarterly.h5", "consumers=2000",
                          "steps=40", "steps_per_year=4")


def test_a_named_period_is_numbered_from_1_and_a_bare_step_from_0():
    assert [period(n) for n in (52, 12, 4, 1, 365, 10, 0, None)] == [
        "week", "month", "quarter", "year", "day", "step", "step", "step"]
    assert [first_number(n) for n in (52, 12, 4, 1, 365, 10, 0)] == [1, 1, 1, 1, 1, 0, 0]
    assert [time_point(n, 26) for n in (52, 12, 4, 10)] == [
        "week 27", "month 27", "quarter 27", "step 26"]


def test_a_monthly_runs_figures_read_month_1_to_month_10(monthly):
    run = load_run(monthly)
    assert run.time_label() == "month"
    assert list(run.time_values(run.steps)) == list(range(1, STEPS + 1))
    assert run.time_point(4) == "month 5"
    ax = plot.market_share(run).axes[0]
    assert ax.get_xlabel() == "month"
    assert ax.get_xlim() == (1, STEPS)
    # the entry's dashed line, in month 5
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"] == [5]
    roi = plot.profit_roi(run).axes[1]
    assert "Niche\u00a0(months\u00a01-4)" in roi.get_title().replace("\n", " ")
    assert roi.get_xlabel() == "month"
    heatmap = plot.segment_heatmap(run).axes[0].get_title()
    assert f"(units of months {STEPS - 2}-{STEPS})" in heatmap  # a quarter of a year: 3 months
    assert plot.awareness(run).axes[0].get_xlabel() == "month"


def test_compare_names_the_months_it_compares(monthly, tmp_path, capsys):
    longer = run_tiny(tmp_path / "monthly-14.h5", "steps_per_year=12", "consumers=2000", ENTRY,
                      "steps=14")
    assert compare.main([str(monthly), str(longer)]) == 0
    out = capsys.readouterr().out
    assert ("A has 10 steps and B 14: every figure below is of the 10 steps both runs have, at "
            "month 10 (sums over months 1 to 10); B's months 11 to 14 are not compared.") in out
    assert "\nmarket share (month 10, the last month both runs have):\n" in out
    assert "\ncumulative profit (month 10: the profit of months 1 to 10):\n" in out
    assert "week" not in out and "step 9" not in out
    fig = compare.share_difference_figure(load_run(monthly), load_run(longer))
    assert "over the 10 months both runs have" in fig.axes[0].get_title()
    assert fig.axes[0].get_xlabel() == "month"


def test_a_quarterly_runs_durables_are_counted_in_quarters(quarterly_durables, tmp_path):
    run = load_run(quarterly_durables)
    assert counted_from(run) == ("from quarter 21 on, when a product can first reach its "
                                 "reference life")
    fig = plot.obsolescence(run)
    texts = [t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts]
    titles = [ax.get_title() for ax in fig.axes]
    assert ("share of failures that were early, so far\n"
            "(cumulative from quarter 21 to each quarter)") in titles
    assert any(t.startswith("quarters 1-20 not drawn: no product is as old as the reference "
                            "life (20 quarters) yet") for t in texts), texts
    assert {ax.get_xlabel() for ax in fig.axes if ax.get_lines()} == {"quarter"}
    ylabels = [ax.get_ylabel() for ax in fig.axes if ax.get_visible()]
    assert "failures per quarter (units)" in ylabels
    assert "early failures per quarter per 1,000 in use" in ylabels
    assert not any("per step" in label for label in ylabels), ylabels
    out = tmp_path / "quarterly.html"
    assert report.main([str(quarterly_durables), "-o", str(out)]) == 0
    page = html.unescape(out.read_text())
    assert "counted from the first quarter a failure can be on time" in page
    assert "the panel's title says which firms and quarters" in page
    assert "counted from quarter 21 on, when a product can first reach its reference life" in page
    assert "first week" not in page and "firms and weeks" not in page


def test_the_report_captions_follow_the_period():
    from types import SimpleNamespace
    for steps_per_year, word in ((52, "week"), (12, "month"), (10, "step")):
        run = SimpleNamespace(steps_per_year=steps_per_year, categories=["coffee"])
        assert (f"counted from the first {word} a failure can be on time"
                in report.figure_caption("obsolescence.png", run))
        assert (f"which firms and {word}s)" in report.figure_caption("profit_roi.png", run))
    assert "{period}" not in report.figure_caption("market_share.png", run)


def test_the_share_over_time_figure_of_a_monthly_experiment_reads_months(tmp_path):
    from analysis.plot_share_over_time import experiment_share_over_time
    path = run_tiny(tmp_path / "monthly-replications.h5", "steps_per_year=12", "consumers=2000",
                    "experiment.replications=2")
    fig = experiment_share_over_time(load_run(path))
    assert ("line: mean of the design point's 2 replications at each month; band"
            in fig._suptitle.get_text())
    (ax,) = [a for a in fig.axes if a.get_lines()]
    assert ax.get_xlabel() == "month"
    assert list(ax.get_lines()[0].get_xdata()) == list(range(1, STEPS + 1))


def test_a_diagnostics_last_value_says_its_month(monthly, tmp_path):
    """A firm that stopped recording two steps before the end: its last value is of month 8."""
    import shutil

    import h5py
    import numpy as np
    from test_diagnostics_figures import add_diagnostic
    path = tmp_path / "diagnostics.h5"
    shutil.copy(monthly, path)
    with h5py.File(path, "r+") as f:
        steps, firms = f["market/units"].shape
        values = np.full((steps, firms), np.nan)
        values[:-2, 0] = 0.4
        add_diagnostic(f, "markup", values, "fraction", "the markup")
    (found,) = plot.diagnostic_last_values(load_run(path), "markup")
    assert found[3] == "month 8"
