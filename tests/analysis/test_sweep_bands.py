"""The sweep figures' p5-p95 band and their line are readable in print and on a projector: the
band a visible fill with a dashed edge in the line's colour (a fill at 8% opacity had washed
out), the line thick, and a legend saying what the line and each band are."""

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.legend import Legend

from analysis import plot
from analysis.load import load_run
from conftest import run_tiny

BUDGET = "firms.Mass.budget_per_year"
ENTRY = "shocks.entry.enabled"
SPREAD = "p5-p95 of the design point's runs"


@pytest.fixture(scope="module")
def switch_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers: Niche's entry switched off and on, by the
    mass marketer's budget, 3 replications: 4 design points, 12 runs."""
    return run_tiny(tmp_path_factory.mktemp("bands") / "switch.h5", "consumers=3000",
                    "experiment.replications=3",
                    "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
                    f"experiment.sweep={{{ENTRY}: [false, true], {BUDGET}: [20000, 40000]}}")


def _legend_texts(legend):
    return [" ".join(t.get_text().split()) for t in legend.get_texts()]


def _dashed_edges(ax, colour):
    """The y values of the dashed edges drawn in `colour` on `ax` (a LineCollection each)."""
    found = []
    for c in ax.collections:
        if isinstance(c, LineCollection) and not isinstance(c, PolyCollection) and \
                np.allclose(c.get_colors()[0][:3], to_rgba(colour)[:3]):
            assert c.get_linestyles()[0][1] is not None  # dashed, not solid
            assert c.get_linewidths()[0] >= 1.0
            found.append(sorted(np.concatenate([s[:, 1] for s in c.get_segments()])))
    return found


def test_the_response_band_is_visible_edged_and_in_the_legend(marketsim_sweep):
    run = load_run(marketsim_sweep)
    ax = plot.experiment_response(run, "profit_per_year", BUDGET).axes[0]
    mass = next(l for l in ax.get_lines() if l.get_label().startswith("Mass"))
    assert mass.get_linewidth() >= 2.0
    spread = [c for c in ax.collections if isinstance(c, PolyCollection)][0]  # Mass's p5-p95
    assert spread.get_facecolor()[0][3] >= 0.15
    summary = run.experiment["summary"]
    rows = summary[(summary["metric"] == "profit_per_year") & (summary["firm"] == "Mass")]
    assert _dashed_edges(ax, mass.get_color()) == [
        pytest.approx(sorted(list(rows["p5"]) + list(rows["p95"])))]
    legends = [a for a in ax.get_children() if isinstance(a, Legend)]
    assert [legend.get_title().get_text() for legend in legends] == ["firm (strategy)", "drawn"]
    assert _legend_texts(legends[1]) == ["mean of the design point's runs",
                                         "95% confidence interval of that mean", SPREAD]


def test_the_lines_band_is_edged_and_in_the_legend(switch_file):
    run = load_run(switch_file)
    fig = plot.experiment_lines(run, "market_share", (BUDGET, ENTRY))
    panel = next(ax for ax in fig.axes if ax.get_lines())
    for line in panel.get_lines():
        assert line.get_linewidth() >= 2.0
        assert len(_dashed_edges(panel, line.get_color())) == 1
    assert all(c.get_facecolor()[0][3] >= 0.15 for c in panel.collections
               if isinstance(c, PolyCollection))
    assert fig.legends[1].get_title().get_text() == "drawn"
    assert _legend_texts(fig.legends[1]) == ["median of the design point's runs", SPREAD]


def test_one_run_per_design_point_draws_and_promises_no_band(tmp_path):
    run = load_run(run_tiny(tmp_path / "one.h5", "consumers=3000",
                            "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
                            f"experiment.sweep={{{ENTRY}: [false, true], "
                            f"{BUDGET}: [20000, 40000]}}"))
    fig = plot.experiment_lines(run, "market_share", (BUDGET, ENTRY))
    assert not [c for ax in fig.axes for c in ax.collections]  # p5 = p95 = the one run
    assert _legend_texts(fig.legends[1]) == ["the design point's one run"]
