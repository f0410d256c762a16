"""unit_cost.png: each firm's unit cost over time, a panel per category, the figure of the
economies-of-scale-and-scope lesson (scenarios/textbook/scale_vs_scope.yaml)."""

import subprocess

import numpy as np
import pytest

from analysis import plot
from analysis.load import load_run
from analysis.plot_format import LINE_STYLES, _colours
from conftest import ROOT, ghost_scenario, marketsim_binary


def _textbook(out, name, *sets):
    command = [marketsim_binary(), "run", str(ROOT / "scenarios" / "textbook" / f"{name}.yaml"),
               "-o", str(out), "--quiet", "--threads", "2"]
    for assignment in sets:
        command += ["--set", assignment]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def scale_file(tmp_path_factory):
    return _textbook(tmp_path_factory.mktemp("runs") / "scale.h5", "scale_vs_scope",
                     "consumers=20000")


def _panels(fig):
    return {ax.get_title(): ax for ax in fig.axes if ax.get_visible() and ax.get_lines()}


def test_scale_vs_scope_gets_a_unit_cost_panel_per_category(scale_file, tmp_path, capsys):
    """The lesson's figure: t-shirts (BigTees and SmallTees), shirts (both tailors), trousers
    and jackets (FullTailor only); the y axis in money per unit, the x axis in weeks."""
    assert plot.main([str(scale_file), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "unit_cost.png").read_bytes().startswith(b"\x89PNG")
    assert "wrote " + str(tmp_path / "unit_cost.png") in capsys.readouterr().out
    run = load_run(scale_file)
    fig = plot.unit_cost(run)
    panels = _panels(fig)
    assert list(panels) == ["t_shirts", "shirts", "trousers", "jackets"]
    drawn = {title: [line.get_label().split(" (")[0] for line in ax.get_lines()
                     if not line.get_label().startswith("_")]
             for title, ax in panels.items()}
    assert drawn == {"t_shirts": ["BigTees", "SmallTees"],
                     "shirts": ["FullTailor", "ShirtTailor"],
                     "trousers": ["FullTailor"], "jackets": ["FullTailor"]}
    for ax in panels.values():
        assert ax.get_ylabel() == "unit cost (money per unit)"
        assert ax.get_xlabel() == "week"
        assert ax.get_ylim()[0] == 0
    assert "unit cost by category" in fig._suptitle.get_text()
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "firm (strategy)"
    assert [t.get_text() for t in legend.get_texts()] == [
        "BigTees (mass)", "SmallTees (mass)", "FullTailor (one_to_one)",
        "ShirtTailor (one_to_one)"]


def test_lines_are_the_recorded_unit_costs_in_the_firms_colours(scale_file):
    """Each line is /market/by_category/unit_cost of its firm and category, week 1 at step 0, in
    the colour and line style the firm has in every other figure."""
    run = load_run(scale_file)
    colours = dict(zip(run.firms, _colours(run)))
    recorded = run.by_category["unit_cost"]
    for title, ax in _panels(plot.unit_cost(run)).items():
        for line in ax.get_lines():
            firm = line.get_label().split(" (")[0]
            if firm not in run.firms:
                continue  # a shock's mark
            j = run.firms.index(firm)
            assert line.get_color() == colours[firm] and \
                line.get_linestyle() == LINE_STYLES[j % len(LINE_STYLES)]
            assert list(line.get_xdata()) == list(run.time_values(run.steps))
            assert np.asarray(line.get_ydata(), float) == pytest.approx(
                recorded[(title, firm)].to_numpy(), rel=1e-12)
    # Economies of scale and of scope, as the lesson reads them in the last week.
    last = recorded.iloc[-1]
    assert last[("t_shirts", "BigTees")] < last[("t_shirts", "SmallTees")]
    assert last[("shirts", "FullTailor")] < last[("shirts", "ShirtTailor")]


def test_no_figure_when_every_firm_has_one_flat_unit_cost(tmp_path, capsys):
    """niche.yaml: the experience curve off and one base cost, so every firm's line would be
    the same flat one; plot says why there is no figure."""
    out = _textbook(tmp_path / "niche.h5", "niche", "consumers=5000", "steps=8")
    run = load_run(out)
    assert plot.unit_cost(run) is None
    assert plot.main([str(out), "--out", str(tmp_path / "figures")]) == 0
    assert "skipped unit_cost.png: every firm's unit cost is the same" in capsys.readouterr().out
    assert not (tmp_path / "figures" / "unit_cost.png").exists()


def test_a_firm_out_of_the_market_has_no_unit_cost_line(tmp_path):
    """The file records the cost a unit would have before a firm enters and after it exits;
    the figure draws the firm only while it is in the market."""
    out = _textbook(tmp_path / "entry.h5", "planned_obsolescence", "consumers=3000", "steps=30",
                    "firms.Durabox.durability=40",
                    "shocks=[{name: rival_enters, step: 10, kind: enter, firm: LongLife}, "
                    "{name: gone, step: 20, kind: exit, firm: Durabox}]")
    run = load_run(out)
    assert run.by_category["unit_cost"][("washer", "LongLife")].iloc[:10].gt(0).all()
    ax = _panels(plot.unit_cost(run))["washer"]
    lines = {line.get_label().split(" (")[0]: np.asarray(line.get_ydata(), float)
             for line in ax.get_lines()}
    assert np.isnan(lines["LongLife"][:10]).all() and np.isfinite(lines["LongLife"][10:]).all()
    assert np.isfinite(lines["Durabox"][:20]).all() and np.isnan(lines["Durabox"][20:]).all()


@pytest.fixture(scope="module")
def ghost_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ghost")
    out = folder / "ghost.h5"
    subprocess.run([marketsim_binary(), "run", str(ghost_scenario(folder)), "-o", str(out),
                    "--quiet", "--threads", "2", "--set", "steps=16", "--set", "consumers=5000"],
                   check=True, capture_output=True, timeout=120)
    return out


def test_a_firm_that_never_sold_has_no_unit_cost_line_and_is_named(ghost_file):
    """The file records the cost a unit would have for a firm that sells nothing, flat at the
    base cost: it is not "the mean cost of the units it sold", so Ghost is left out and named
    under the chart, as the quadrant chart names it."""
    run = load_run(ghost_file)
    assert run.market["units"]["Ghost"].sum() == 0
    assert run.by_category["unit_cost"][("snacks", "Ghost")].gt(0).all()  # the would-be cost
    costs, unsold = plot.costs_and_unsold(run)
    assert unsold == {"snacks": ["Ghost"], "drinks": ["Ghost"]}
    assert all("Ghost" not in frame.columns for frame in costs.values())
    fig = plot.unit_cost(run)
    for ax in _panels(fig).values():
        assert "Ghost" not in [line.get_label().split(" (")[0] for line in ax.get_lines()]
    assert "Ghost (mass)" not in [t.get_text() for t in fig.legends[0].get_texts()]
    notes = [t.get_text() for t in fig.texts]
    assert "Not drawn: Ghost (sold nothing in the run)." in notes
    quadrant = [t.get_text() for t in plot.share_quadrant(run).texts]
    assert "Not drawn: Ghost (sold nothing in the run)." in quadrant  # the same words
