"""The time-series figures mark each shock the run applied with a dashed line at its week,
labelled with its name; titles say what the command line changed in words."""

import subprocess

import pytest

from analysis import plot, plot_format
from analysis.load import load_run
from analysis.plot_format import mark_shocks
from analysis.plot_sweep import experiment_response
from analysis.scenario_text import assignment_words, run_launches, run_shocks
from conftest import ROOT, marketsim_binary, run_tiny
from run_copies import with_overrides

SHOCKS = ("shocks=[{name: cut, step: 5, kind: budget, firm: Mass, multiply: 0.7}, "
          "{name: off, step: 3, kind: budget, firm: Mass, multiply: 2, enabled: false}, "
          "{name: late, step: 11, kind: budget, firm: Mass, multiply: 0.5}]")


def _marks(ax):
    """{x: label} of the shock marks on an axes: vertical lines from the bottom to the top of
    the axes, each with the text at its x."""
    lines = [line.get_xdata()[0] for line in ax.get_lines()
             if list(line.get_ydata()) == [0, 1] and len(set(line.get_xdata())) == 1]
    texts = {text.get_position()[0]: text.get_text().strip() for text in ax.texts}
    return {x: texts.get(x) for x in lines}


@pytest.fixture(scope="module")
def shocked_run(tmp_path_factory):
    """The tiny scenario (weekly), 10 steps: a cut at step 5 (week 6), one switched off and one
    after the run's last step."""
    return load_run(run_tiny(tmp_path_factory.mktemp("runs") / "marks.h5", SHOCKS))


def test_applied_shocks_are_marked_on_every_time_series_figure(shocked_run):
    figures = [plot.market_share, plot.awareness, plot.profit_roi]
    for function in figures:
        fig = function(shocked_run)
        for ax in fig.axes:
            if ax.get_xlabel() == "week":
                assert _marks(ax) == {6: "cut"}, (function.__name__, ax.get_title())
    quadrant = plot.share_quadrant(shocked_run).axes[0]  # not a time series
    assert not any(text.get_text().strip() == "cut" for text in quadrant.texts)


def test_no_marks_without_shocks(run_file):
    assert _marks(plot.awareness(load_run(run_file)).axes[0]) == {}


def test_obsolescence_panels_mark_the_rivals_entry(durables_file):
    """The durables fixture switches rival_enters (step 0) on: week 1 of every panel."""
    fig = plot.obsolescence(load_run(durables_file))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert panels and all(_marks(ax) == {1: "rival_enters"} for ax in panels)


def test_a_shock_given_by_week_is_at_the_step_before():
    text = ("shocks:\n  - {name: q3_cut, week: 27, kind: budget, firm: V, multiply: 0.7}\n"
            "  - {name: gone, step: 3, kind: exit, firm: V, enabled: false}\n")
    found = [(step, label, applied) for step, label, _, applied in run_shocks(text, 52)]
    assert found == [(26, "q3_cut", True), (3, "gone", False)]


def test_titles_say_the_changes_in_words(tmp_path):
    """advertising_budget.yaml with FizzCo's stop switched on: the title says what the shock
    does and when, as the summary lists it, not "shocks.fizzco_stops.enabled=true"; a known key
    by its words."""
    out = tmp_path / "stop.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "advertising_budget.yaml"), "-o",
                    str(out), "--quiet", "--threads", "2", "--set", "consumers=3000",
                    "--set", "shocks.fizzco_stops.enabled=true"],
                   check=True, capture_output=True, timeout=120)
    run = load_run(out)
    fig = plot.awareness(run)
    title = fig.axes[0].get_title()
    assert title.split("\n")[1] == ("with consumers=3000, week 27: FizzCo's budget set to 0 "
                                    "per year (fizzco_stops)")
    assert _marks(fig.axes[0]) == {27: "fizzco_stops"}
    changed = load_run(with_overrides(out, tmp_path / "budget.h5",
                                      "firms.FizzCo.budget_per_year=20000\nseed=3"))
    title = plot.market_share(changed).axes[0].get_title()
    assert title.split("\n")[1] == "with FizzCo's marketing budget = 20000, seed=3"
    assert assignment_words("firms.HairCo.segments=[a, b]") == "firms.HairCo.segments=[a, b]"


def _overlaps(fig):
    """(legend title, shock label) of every legend that covers a shock's name in `fig`, in
    display coordinates once drawn."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    labels = [text for ax in fig.axes if ax.get_visible() for x, name in _marks(ax).items()
              for text in ax.texts if text.get_text().strip() == name]
    return [(legend.get_title().get_text(), label.get_text().strip())
            for legend in legends for label in labels
            if legend.get_window_extent(renderer).overlaps(label.get_window_extent(renderer))]


def test_no_legend_covers_a_shock_name_at_week_1(durables_file):
    """The durables fixture's rival enters at week 1, whose name is written at the top left of
    every time-series panel, where a legend inside the panel went (obsolescence.png)."""
    run = load_run(durables_file)
    for function in (plot.market_share, plot.awareness, plot.profit_roi, plot.obsolescence):
        fig = function(run)
        assert any(_marks(ax) for ax in fig.axes), function.__name__
        assert _overlaps(fig) == [], function.__name__


def test_an_experiments_title_does_not_give_one_runs_value_of_a_swept_shock(tmp_path):
    """price_war.md sweeps the match shock's factor with the shock switched on for every run:
    the figures of every run said "week 29: Crema's price x 1 (match)", run 0's factor, over an
    axis from 0.85 to 1.2. They name the shock and the key that varies instead."""
    out = tmp_path / "prices.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "planning" / "price_war.yaml"), "-o", str(out),
                    "--quiet", "--threads", "2", "--set", "consumers=2000",
                    "--set", "experiment.replications=2", "--set", "shocks.match.enabled=true",
                    "--set", "experiment.sweep={shocks.match.multiply: [1, 0.85, 1.2]}"],
                   check=True, capture_output=True, timeout=300)
    run = load_run(out)
    title = experiment_response(run, "profit_per_year", "shocks.match.multiply").axes[0] \
        .get_title()
    assert "x 1 (match)" not in title, title
    assert "shock match on (match's factor varies by design point)" in title.replace("\n", " ")
    # One run's own figures still say what that run's shock did.
    one = load_run(out, 5)
    assert "week 29: Crema's price x 1.2 (match)" in plot.market_share(one).axes[0].get_title()


def test_a_changed_duration_has_its_unit_in_the_title(monopoly_file):
    """durability is counted in steps (scenarios/README.md): a weekly run's title says "78
    weeks", not a bare 78; a monthly run's would say months. Money keeps its plain number."""
    title = plot.market_share(load_run(monopoly_file)).axes[0].get_title()
    assert title.split("\n")[1].endswith("Durabox's durability = 78 weeks")
    assert assignment_words("firms.Durabox.durability=1", None, 12) == (
        "Durabox's durability = 1 month")
    assert assignment_words("categories.washer.reference_life=20", None, 0) == (
        "washer's reference life = 20 steps")
    assert assignment_words("firms.FizzCo.budget_per_year=20000", None, 52) == (
        "FizzCo's marketing budget = 20000")


# ---- new product generations (firm key `innovation`) ----

@pytest.fixture(scope="module")
def innovation_file(tmp_path_factory):
    """innovation.yaml, small: Novo launches a new generation every 52 weeks (steps 52 and 104,
    weeks 53 and 105), where its market share jumps."""
    out = tmp_path_factory.mktemp("runs") / "innovation.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "innovation.yaml"), "-o", str(out),
                    "--quiet", "--threads", "2", "--set", "consumers=3000"],
                   check=True, capture_output=True, timeout=120)
    return out


def test_new_generations_are_marked_on_every_time_series_figure(innovation_file):
    """The market share of innovation.yaml jumped at weeks 53 and 105 with nothing saying why;
    each launch is now marked as a shock is, from the run's stored scenario."""
    run = load_run(innovation_file)
    for function in (plot.market_share, plot.awareness, plot.profit_roi, plot.obsolescence):
        panels = [ax for ax in function(run).axes if ax.get_xlabel() == "week"]
        assert panels, function.__name__
        for ax in panels:
            assert _marks(ax) == {53: "Novo gen 2", 105: "Novo gen 3"}, \
                (function.__name__, ax.get_title())


def test_launches_are_read_from_the_scenario_not_the_data(innovation_file):
    """The marks follow the stored scenario's innovation settings: every 26 weeks gives five
    launches; no quality gain (generations that add nothing) gives none, although the file's
    data are the same."""
    run = load_run(innovation_file)
    faster = run.scenario.replace("every_steps: 52", "every_steps: 26")
    assert faster != run.scenario
    assert [(step, firm, generation) for step, firm, generation
            in run_launches(faster, len(run.steps))] == [
        (26, "Novo", 2), (52, "Novo", 3), (78, "Novo", 4), (104, "Novo", 5), (130, "Novo", 6)]
    flat = run.scenario.replace("quality_gain: 1", "quality_gain: 0")
    assert flat != run.scenario and run_launches(flat, len(run.steps)) == []
    import matplotlib.pyplot as plt
    _, ax = plt.subplots()
    assert mark_shocks(ax, run, flat) == []
    assert mark_shocks(ax, run, faster) == [27, 53, 79, 105, 131]


def test_no_launch_marks_while_the_firm_is_out_of_the_market():
    text = ("steps: 60\nfirms:\n"
            "  - {name: A, innovation: {every_steps: 10, quality_gain: 1}}\n"
            "  - {name: B, innovation: {every_steps: 25, quality_gain: 0.5}}\n"
            "  - {name: C}\n"
            "shocks:\n"
            "  - {name: a_in, step: 15, kind: enter, firm: A}\n"
            "  - {name: a_out, step: 40, kind: exit, firm: A}\n"
            "  - {name: b_in, step: 5, kind: enter, firm: B, enabled: false}\n")
    # A is out before step 15 and from step 40 on; B never enters (its entry is disabled).
    assert run_launches(text, 60) == [(20, "A", 3), (30, "A", 4)]
    assert run_launches(text, 25) == [(20, "A", 3)]  # a launch after the last step run is not


def test_many_launches_are_marked_once_with_their_rhythm(tmp_path, monkeypatch):
    """A generation every 2 weeks in the tiny scenario's 10 weeks: four launches, each marked;
    above MAX_LAUNCH_MARKS only the first, saying how often the next ones come."""
    out = run_tiny(tmp_path / "generations.h5",
                   "firms.Mass.innovation={every_steps: 2, quality_gain: 0.5}")
    run = load_run(out)
    assert _marks(plot.awareness(run).axes[0]) == {3: "Mass gen 2", 5: "Mass gen 3",
                                                   7: "Mass gen 4", 9: "Mass gen 5"}
    monkeypatch.setattr(plot_format, "MAX_LAUNCH_MARKS", 3)
    assert _marks(plot.awareness(run).axes[0]) == {
        3: "Mass gen 2, then one every 2 weeks"}
