"""The time axes every figure shares (plot_format.time_ticks): whole weeks only, never 2.5, and
a run of one step drawn visibly (a marker, a stacked bar) on an axis around its one week, with
no matplotlib warnings; the report and analysis.load say how long such a run is in words."""

import html
import warnings

import numpy as np
import pytest
from matplotlib.container import BarContainer

from analysis import compare, plot, report
from analysis.load import load_run, overview
from analysis.periods import run_length
from conftest import run_tiny

# The figures with a time axis (unit_cost.png: the tiny market's experience curve makes one).
TIME_FIGURES = ["market_share.png", "awareness.png", "profit_roi.png", "unit_cost.png"]


@pytest.fixture(scope="module")
def one_step(tmp_path_factory):
    return run_tiny(tmp_path_factory.mktemp("runs") / "step1.h5", "steps=1")


@pytest.fixture(scope="module")
def twenty_steps(tmp_path_factory):
    return run_tiny(tmp_path_factory.mktemp("runs") / "steps20.h5", "steps=20",
                    "consumers=5000")


def _figure(run, name):
    return dict(plot.FIGURES)[name](run)


def _time_axes(fig, run):
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel() == run.time_label()]


def _visible_ticks(ax):
    low, high = ax.get_xlim()
    return [t for t in ax.get_xticks() if low - 1e-9 <= t <= high + 1e-9]


def test_a_one_step_run_is_drawn_without_warnings(one_step):
    run = load_run(one_step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Attempting to set identical low and high xlims"
        made, _ = plot.render(run)
    assert [name for name, _ in made if name in TIME_FIGURES] == TIME_FIGURES


@pytest.mark.parametrize("name", TIME_FIGURES)
def test_a_one_step_run_has_its_week_in_the_middle_of_the_axis(one_step, name):
    run = load_run(one_step)
    axes = _time_axes(_figure(run, name), run)
    assert axes
    for ax in axes:
        assert ax.get_xlim() == pytest.approx((0.5, 1.5))
        assert _visible_ticks(ax) == [1]


@pytest.mark.parametrize("name", ["awareness.png", "profit_roi.png", "unit_cost.png"])
def test_a_one_step_runs_lines_are_markers(one_step, name):
    """A line of one point is invisible: each firm's is a marker, in its legend entry too."""
    run = load_run(one_step)
    fig = _figure(run, name)
    for ax in _time_axes(fig, run):
        lines = [line for line in ax.get_lines() if line.get_label().split(" (")[0] in run.firms]
        assert lines
        for line in lines:
            assert line.get_marker() == "o" and list(line.get_markevery()) == [0]
            assert np.isfinite(np.asarray(line.get_ydata(), float)).all()


def test_a_one_step_runs_market_share_is_a_stacked_bar(one_step):
    run = load_run(one_step)
    fig = _figure(run, "market_share.png")
    for ax in _time_axes(fig, run):
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        assert bars  # one bar per firm that sells in the category, stacked to 100%
        tops = [patch.get_y() + patch.get_height() for bar in bars for patch in bar]
        assert max(tops) == pytest.approx(1.0)
        assert all(patch.get_x() < 1 < patch.get_x() + patch.get_width()
                   for bar in bars for patch in bar)


def test_a_lone_point_within_a_line_gets_a_marker():
    """A value with no recorded neighbour (ROI defined in one week between undefined ones) is a
    marker; the others are the line's, without one."""
    assert list(plot.lone_points([np.nan, 1.0, np.nan, 2.0, 3.0, np.nan, 4.0])) == [
        False, True, False, False, False, False, True]
    assert list(plot.lone_points([5.0])) == [True]
    assert not plot.lone_points([1.0, 2.0]).any()


def test_the_length_of_a_run_reads_in_its_period_or_years():
    assert run_length(1, 52) == "1 week"
    assert run_length(10, 52) == "10 weeks"
    assert run_length(6, 12) == "6 months"
    assert run_length(104, 52) == "2.0 years"
    assert run_length(26, 1000) == "0.026 years"  # steps without a name: never "0.0 years"
    assert run_length(10, 0) == ""


def test_the_report_and_load_say_a_one_step_run_lasts_1_week(one_step):
    run = load_run(one_step)
    page = html.unescape(report.build_report(run))
    assert "1 of 1 steps (1 week)" in page and "0.0 years" not in page
    assert "1 of 1 steps, 1 week;" in overview(run)


def test_time_axes_are_numbered_in_whole_weeks(twenty_steps, tmp_path):
    """20 weeks: matplotlib's own ticks would be 2.5, 5, 7.5, ..."""
    run = load_run(twenty_steps)
    figures = [(name, _figure(run, name)) for name in TIME_FIGURES]
    figures.append(("share_difference.png", compare.share_difference_figure(run, run)))
    for name, fig in figures:
        axes = _time_axes(fig, run)
        assert axes, name
        for ax in axes:
            fig.canvas.draw()
            ticks = _visible_ticks(ax)
            assert len(ticks) >= 3, name
            assert all(float(t).is_integer() for t in ticks), (name, ticks)


@pytest.fixture(scope="module")
def a_year(tmp_path_factory):
    return run_tiny(tmp_path_factory.mktemp("runs") / "year.h5", "steps=52", "consumers=2000")


def test_no_time_axis_has_a_tick_before_the_first_week(a_year):
    """Weeks are numbered from 1: matplotlib's margins take the axis of weeks 1 to 52 to about
    week -1.5, where its ticks would number a week 0 that the run does not have
    (market_share.png, drawn tight, never had one; awareness, profit and ROI, unit cost did)."""
    run = load_run(a_year)
    figures = [(name, _figure(run, name)) for name in TIME_FIGURES]
    figures.append(("share_difference.png", compare.share_difference_figure(run, run)))
    for name, fig in figures:
        fig.canvas.draw()
        for ax in _time_axes(fig, run):
            ticks = _visible_ticks(ax)
            assert ticks and min(ticks) >= 1 and max(ticks) <= 52, (name, ticks)


def test_the_obsolescence_figure_has_no_week_0_and_its_band_starts_at_week_1(short_life_file):
    """The grey band of the weeks before a failure can be on time (weeks 1-20) starts at week
    1, where those weeks start, not in the axis's margin before it."""
    run = load_run(short_life_file)
    fig = plot.obsolescence(run)
    fig.canvas.draw()
    axes = _time_axes(fig, run)
    assert len(axes) >= 5
    for ax in axes:
        ticks = _visible_ticks(ax)
        assert ticks and min(ticks) >= 1, (ax.get_title(), ticks)
    band = [p for p in fig.axes[2].patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(band) == 1
    edges = band[0].get_path().transformed(band[0].get_patch_transform()).vertices[:, 0]
    assert min(edges) == pytest.approx(1.0) and max(edges) == pytest.approx(20.5)
