"""analysis.plot: every figure is written, is a PNG and is not empty."""

import os
import subprocess
import sys

import pytest

from analysis import plot
from analysis.load import load_run
from conftest import ROOT, run_tiny

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures the tests draw and inspect are closed after each test."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")
ALWAYS = ["market_share.png", "share_quadrant.png", "awareness.png", "profit_roi.png",
          "segment_heatmap.png"]


def test_every_figure_without_durables(run_file, tmp_path, capsys):
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 0
    for name in ALWAYS:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    assert not (tmp_path / "obsolescence.png").exists()
    assert "skipped obsolescence.png" in capsys.readouterr().out


def test_obsolescence_panel_when_recorded(durables_file):
    made, skipped = plot.render(load_run(durables_file))
    names = dict(made)
    assert skipped == []
    assert names["obsolescence.png"].startswith(PNG) and len(names["obsolescence.png"]) > 10_000


def test_axis_labels_carry_units(run_file):
    run = load_run(run_file)
    fig = plot.profit_roi(run)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert any("(money)" in label for label in labels)
    assert any("(ratio)" in label for label in labels)
    fig = plot.market_share(run)
    assert "%" in fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    assert fig.axes[0].get_legend() is not None


def test_missing_output_directories_are_made(run_file, tmp_path):
    out = tmp_path / "figures" / "tiny"
    assert plot.main([str(run_file), "--out", str(out)]) == 0
    assert (out / "market_share.png").read_bytes().startswith(PNG)


def _no_work(*_args, **_kwargs):
    raise AssertionError("the run was loaded before the output directory was checked")


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "notes.txt", "it is a file, not a directory"),
    (lambda d: d / "notes.txt" / "figures", "'{d}/notes.txt' is not a directory"),
    (lambda d: "", "expected a directory name"),
])
def test_bad_output_directory_exits_2_before_any_work(run_file, tmp_path, capsys, monkeypatch,
                                                      make, reason):
    (tmp_path / "notes.txt").write_text("not a directory")
    monkeypatch.setattr(plot, "load_run_or_report", _no_work)
    out = make(tmp_path)
    assert plot.main([str(run_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write into '{out}': {reason.format(d=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


def test_unwritable_output_directory(run_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)  # as if not ours to write
    assert plot.main([str(run_file), "--out", str(tmp_path)]) == 2
    assert f"'{tmp_path}': the directory is not writable" in capsys.readouterr().err
    assert plot.main([str(run_file), "--out", str(tmp_path / "new")]) == 2
    assert f"directory '{tmp_path}' is not writable" in capsys.readouterr().err


def test_output_onto_a_file_on_the_command_line(run_file, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis.plot", str(run_file), "--out",
                           str(run_file)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"error: cannot write into '{run_file}': it is a file, not a directory\n"


def test_distribution_figures_of_an_experiment(marketsim_experiment, tmp_path, capsys):
    run = load_run(marketsim_experiment)
    made = plot.render_experiment(run)
    assert [metric for _, _, metric in made] == ["market_share", "customer_share",
                                                 "cumulative_profit", "profit_per_year", "roi"]
    for name, data, _ in made:
        assert data.startswith(PNG) and len(data) > 10_000, name
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    fig = plot.experiment_distribution(run, "market_share", long, {0: {}})
    ax = fig.axes[0]
    assert "%" in ax.get_ylabel() and "p5-p95" in ax.get_title()
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == run.firms
    assert plot.main([str(marketsim_experiment), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "experiment_roi.png").read_bytes().startswith(PNG)
    assert "experiment_roi.png (every run of the experiment)" in capsys.readouterr().out


def test_a_firm_out_of_the_market_gets_no_box(tmp_path):
    # Niche enters at step 5 only in design point 1: in design point 0 it never is in the market.
    path = run_tiny(tmp_path / "entry.h5", "consumers=3000", "experiment.replications=2",
                    "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]",
                    "experiment.sweep={shocks.entry.enabled: [false, true]}")
    run = load_run(path)
    assert list(run.experiment["runs"]["in_market:Niche"]) == [0, 0, 1, 1]
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    assert "in_market" not in set(long["metric"])  # a flag, not a result to plot
    assert [metric for _, _, metric in plot.render_experiment(run)] == [
        "market_share", "customer_share", "cumulative_profit", "profit_per_year", "roi"]
    fig = plot.experiment_distribution(run, "market_share", long, {0: {}, 1: {}})
    boxes = [p for p in fig.axes[0].patches if p.get_alpha() == 0.75]
    # 4 firms x 2 design points, less Niche's box in design point 0
    assert len(boxes) == 4 * 2 - 1
    summary = run.experiment["summary"]
    niche = summary[(summary["firm"] == "Niche") & (summary["metric"] == "market_share")]
    assert list(niche["in_market"]) == [0, 2]


def test_a_swept_number_gets_response_figures(marketsim_sweep):
    run = load_run(marketsim_sweep)
    key = "firms.Mass.budget_per_year"
    assert plot.swept_number(run) == key
    made = {name: metric for name, _, metric in plot.render_experiment(run)}
    assert made[f"experiment_profit_per_year_by_{key}.png"] == "profit_per_year"
    assert made[f"experiment_market_share_by_{key}.png"] == "market_share"
    fig = plot.experiment_response(run, "profit_per_year", key)
    ax = fig.axes[0]
    summary = run.experiment["summary"]
    mass = summary[(summary["metric"] == "profit_per_year") & (summary["firm"] == "Mass")]
    line = next(l for l in ax.get_lines() if l.get_label().startswith("Mass"))
    assert list(line.get_xdata()) == [40000, 80000]
    assert list(line.get_ydata()) == pytest.approx(list(mass.sort_values(key)["mean"]))
    assert ax.get_xlabel() == key and "confidence interval" in ax.get_title()


def test_no_distribution_figures_for_a_single_run(run_file):
    assert plot.render_experiment(load_run(run_file)) == []


def test_dividing_line_runs_between_firms():
    assert plot.dividing_line([0.418, 0.216, 0.366]) == pytest.approx((0.216 + 0.366) / 2)
    assert plot.dividing_line([0.502, 0.255, 0.596]) == pytest.approx((0.255 + 0.502) / 2)
    assert plot.dividing_line([0.1, 0.2, 0.3, 0.9]) == pytest.approx(0.25)  # the middle gap
    assert plot.dividing_line([1.0]) is None and plot.dividing_line([0.3, 0.3]) is None
    assert plot.dividing_line([0.5, 0.5, 0.5, 0.7]) == pytest.approx(0.6)  # ties: any gap
    for values in ([1 / 3, 1 / 3 - 0.1, 1 / 3 + 0.1], [0.2, 0.3, 0.3, 0.3, 0.4]):
        line = plot.dividing_line(values)
        assert all(abs(line - v) > 1e-9 for v in values), values


def _lines(ax):
    """The x of the vertical and the y of the horizontal dashed lines of a quadrant chart."""
    xs = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"
          and line.get_xdata()[0] == line.get_xdata()[1]]
    ys = [line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"
          and line.get_ydata()[0] == line.get_ydata()[1]]
    return xs, ys


def test_quadrant_lines_never_run_through_a_firm(tmp_path):
    """Three firms: a median line would run through the middle one (MyCuppa, in the shipped
    scenario)."""
    import subprocess
    from conftest import marketsim_binary
    out = tmp_path / "mass_vs_one_to_one.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "mass_vs_one_to_one.yaml"), "-o",
                    str(out), "--quiet", "--set", "consumers=5000", "--set", "steps=10"],
                   check=True, capture_output=True, timeout=120)
    run = load_run(out)
    ax = plot.share_quadrant(run).axes[0]
    (x_line,), (y_line,) = _lines(ax)
    for firm in run.firms:
        assert abs(run.final("market_share")[firm] - x_line) > 1e-6, firm
        assert abs(run.final("customer_share")[firm] - y_line) > 1e-6, firm
    assert "midway across the widest gap" in ax.get_title()


def test_quadrant_leaves_out_firms_without_sales_and_keeps_shares_within_100(monopoly_file):
    """planned_obsolescence.yaml with its rival shut out: LongLife never sells; Durabox has
    100% of the market. The axes stay within 100% and LongLife is named, not plotted at 0,0."""
    run = load_run(monopoly_file)
    assert plot.firms_without_sales(run) == ["LongLife"]
    fig = plot.share_quadrant(run)
    ax = fig.axes[0]
    assert ax.get_xlim() == (0, 1.0) and ax.get_ylim()[1] <= 1.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Durabox (mass)"]
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("LongLife")] == []
    assert [t.get_text() for t in fig.texts] == [
        "LongLife: not in market (sold nothing and spent nothing during the run); not drawn."]
    assert not any("fickle" in t.get_text() for t in ax.texts)  # no quadrants with one firm
    assert _lines(ax) == ([], []) and "only one firm sold anything" in ax.get_title()


def _drawn_firms(fig):
    """The firms a figure names in its legends, lines and tick labels."""
    names = set()
    for ax in fig.axes:
        texts = [t.get_text() for t in ax.get_xticklabels()] + [
            str(line.get_label()) for line in ax.get_lines()] + [
            str(c.get_label()) for c in ax.collections]
        if ax.get_legend():
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
        names |= {t.split(" (")[0] for t in texts if t.startswith(("Durabox", "LongLife"))}
    return names


@pytest.mark.parametrize("name", ["market_share", "share_quadrant", "awareness", "profit_roi",
                                  "obsolescence", "segment_heatmap"])
def test_a_firm_not_in_the_market_is_left_out_of_every_figure_and_named(monopoly_file, name):
    run = load_run(monopoly_file)
    fig = getattr(plot, name)(run)
    assert _drawn_firms(fig) == {"Durabox"}, name
    notes = [t.get_text() for t in fig.texts]
    assert ("LongLife: not in market (sold nothing and spent nothing during the run); "
            "not drawn.") in notes, notes


def test_every_firm_in_the_market_is_drawn_without_a_note(durables_file):
    run = load_run(durables_file)  # LongLife enters at step 0
    for name in ("market_share", "profit_roi", "obsolescence", "segment_heatmap"):
        fig = getattr(plot, name)(run)
        assert _drawn_firms(fig) == {"Durabox", "LongLife"}, name
        assert not any("not in market" in t.get_text() for t in fig.texts), name


def test_obsolescence_draws_early_failures(durables_file):
    run = load_run(durables_file)
    fig = plot.obsolescence(run)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["failures (products that broke)",
                      "early failures (before the reference life)",
                      "share of failures that were early, since the start",
                      "replacement purchases", "installed base (working products owned)",
                      "ownership saturation (durable categories)"]
    early = fig.axes[1]
    durabox = early.get_lines()[0]
    assert list(durabox.get_ydata()) == list(run.market["early_failures"]["Durabox"])
    share = plot.early_share(run)["Durabox"].dropna()
    total = run.market["early_failures"]["Durabox"].sum() / run.market["failures"][
        "Durabox"].sum()
    assert share.between(0, 1).all() and share.iloc[-1] == pytest.approx(total)
    assert "%" in fig.axes[2].get_ylabel()


def test_money_ticks_have_separators_and_no_offset():
    assert plot.money_tick(300000) == "300,000" and plot.money_tick(0) == "0"
    assert plot.money_tick(1.75e7) == "17.5M" and plot.money_tick(-2.5e6) == "-2.5M"
    assert plot.money_tick(2e6) == "2M"


def test_profit_axes_and_weekly_time_axes(monopoly_file):
    run = load_run(monopoly_file)  # weekly steps, profits in the hundreds of thousands
    fig = plot.profit_roi(run)
    fig.canvas.draw()
    left = fig.axes[0]
    ticks = [t.get_text() for t in left.get_yticklabels()]
    assert ticks and all("e" not in t for t in ticks) and any("," in t or "M" in t for t in ticks)
    assert left.yaxis.get_offset_text().get_text() == ""
    assert left.get_xlabel() == "week"
    assert left.get_lines()[0].get_xdata()[0] == 1  # week 1 is step 0
    for name in ("market_share", "awareness", "obsolescence"):
        axes = [ax for ax in getattr(plot, name)(run).axes if ax.get_visible()]
        assert all(ax.get_xlabel() == "week" for ax in axes), name
    assert "weeks 18-30" in plot.segment_heatmap(run).axes[0].get_title()


def test_segment_heatmap_colourbar_label_is_inside_the_figure(tmp_path):
    """advertising_budget.yaml: two firms, one segment; the label was cut at the right edge."""
    import io

    from matplotlib.transforms import Bbox
    out = tmp_path / "advertising.h5"
    subprocess.run([__import__("conftest").marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "advertising_budget.yaml"), "-o",
                    str(out), "--quiet", "--set", "consumers=2000", "--set", "steps=5"],
                   check=True, capture_output=True, timeout=120)
    fig = plot.segment_heatmap(load_run(out))
    fig.savefig(io.BytesIO(), format="png", dpi=100)  # as drawn, without a tight bounding box
    renderer = fig.canvas.get_renderer()
    inside = Bbox.from_bounds(0, 0, *fig.canvas.get_width_height())
    label = fig.axes[1].yaxis.label.get_window_extent(renderer)
    title = fig.axes[0].title.get_window_extent(renderer)
    for box in (label, title):
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, box


def _with_final_shares(source, target, market, customer):
    import shutil

    import h5py
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        f["market/market_share"][-1, :] = market
        f["market/customer_share"][-1, :] = customer
    return load_run(target)


def _name_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return {t.get_text(): t.get_window_extent(renderer) for t in ax.texts
            if t.get_text() in ("Mass", "Diff", "Niche", "OneToOne")}


def test_quadrant_of_near_identical_firms_has_readable_names_and_no_lines(run_file, tmp_path):
    """Like FizzCo and ColaCo in advertising_budget.yaml: every firm within 2 points on both
    axes. No line splits them, the title says why, and no two names overlap."""
    run = _with_final_shares(run_file, tmp_path / "level.h5", [0.255, 0.250, 0.247, 0.248],
                             [0.515, 0.511, 0.509, 0.512])
    fig = plot.share_quadrant(run)
    ax = fig.axes[0]
    assert _lines(ax) == ([], [])
    assert "all firms within 2 points of each other in share of market and in share of " \
           "customer" in ax.get_title()
    boxes = list(_name_boxes(fig).values())
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_quadrant_drops_only_the_line_of_the_axis_without_spread(run_file, tmp_path):
    run = _with_final_shares(run_file, tmp_path / "one_axis.h5", [0.10, 0.20, 0.30, 0.40],
                             [0.500, 0.505, 0.510, 0.515])
    ax = plot.share_quadrant(run).axes[0]
    xs, ys = _lines(ax)
    assert xs == [pytest.approx(0.25)] and ys == []
    assert "no line for share of customer: all firms within 2 points" in ax.get_title()
