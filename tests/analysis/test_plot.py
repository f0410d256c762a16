"""analysis.plot: every figure is written, is a PNG and is not empty."""

import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from analysis import plot
from analysis.load import load_run
from conftest import ROOT, run_tiny
from run_copies import with_final_shares, with_overrides

PNG = b"\x89PNG\r\n\x1a\n"

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
    fig = plot.market_share(run)  # a panel per category of the tiny scenario, one legend
    assert "%" in fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    assert len(fig.legends) == 1


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
                                                 "cumulative_profit", "profit_per_year", "roi",
                                                 "revenue", "marketing_spend", "program_cost",
                                                 "market_share"]
    assert made[-1][0] == plot.OVER_TIME_FIGURE  # 3 replications: share over time with its CI
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
        "market_share", "customer_share", "cumulative_profit", "profit_per_year", "roi",
        "revenue", "marketing_spend", "program_cost", "market_share"]  # the last over time
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
    # The key in words, with its unit (scenarios/README.md: money per year), not its path (the
    # report's table of design point keys gives it); two runs a point.
    assert ax.get_xlabel() == "Mass's marketing budget (money per year)"
    assert ("dark band: 95% confidence interval of that mean (Student t);\nlight band: p5-p95 "
            "of the runs") in ax.get_title()
    assert plot.confidence_band(run, "profit_per_year") == "every point"
    # Two bands a firm, drawn from the summary: the runs' p5-p95 (wider) and the mean's 95% CI.
    from matplotlib.collections import PolyCollection
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2 * len(run.firms) and run.firms[0] == "Mass"
    spread, ci = bands[0].get_paths()[0].vertices, bands[1].get_paths()[0].vertices
    rows = mass.sort_values(key)
    assert spread[:, 1].min() == pytest.approx(rows["p5"].min())
    assert spread[:, 1].max() == pytest.approx(rows["p95"].max())
    assert ci[:, 1].min() == pytest.approx(rows["ci95_low"].min())
    assert ci[:, 1].max() == pytest.approx(rows["ci95_high"].max())


def test_the_response_title_names_the_key_in_words_and_the_replications(marketsim_sweep):
    """The title said "against Mass.budget_per_year" and not over how many runs the mean and its
    interval were taken; the summary's CI is t-based (sim/describe.cpp)."""
    run = load_run(marketsim_sweep)
    for metric in ("profit_per_year", "market_share"):
        title = plot.experiment_response(run, metric, "firms.Mass.budget_per_year").axes[0] \
            .get_title()
        first, how = title.split("\n")[0], title.split("\n", 1)[1]
        assert first.endswith("against Mass's marketing budget"), first
        assert "budget_per_year" not in title
        assert "line: mean of the design point's 2 replications" in how
        assert "95% confidence interval of that mean (Student t)" in how


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


def test_obsolescence_draws_early_failures_per_1000_in_use(durables_file):
    """Early failures are a rate per 1,000 products in use (the installed base when the step
    began), not a count: a count makes the firm that sells more machines look worse. LongLife
    has several times Durabox's machines in use here, so its count hides how much less often
    its machines fail early."""
    run = load_run(durables_file)
    fig = plot.obsolescence(run)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["failures (products that broke)",
                      "early failures (before the reference life) per 1,000 products in use",
                      "share of failures that were early: none could be on time",
                      "replacement purchases", "installed base (working products owned)",
                      "ownership saturation (durable categories)"]
    early = fig.axes[1]
    assert early.get_ylabel() == "early failures per week per 1,000 in use"
    in_use = run.market["installed_base"].shift(1)
    for line, firm in zip(early.get_lines(), ["Durabox", "LongLife"]):
        expected = 1000 * run.market["early_failures"][firm] / in_use[firm].where(
            in_use[firm] > 0)
        assert list(line.get_ydata()) == pytest.approx(list(expected), nan_ok=True)
    counts = run.market["early_failures"].sum()
    rates = plot.early_failure_rate(run).mean()
    base = run.market["installed_base"].iloc[-1]
    assert base["LongLife"] > 3 * base["Durabox"]
    assert rates["Durabox"] / rates["LongLife"] > 3 * counts["Durabox"] / counts["LongLife"]
    assert "%" in fig.axes[2].get_ylabel()


def test_early_share_before_any_failure_can_be_on_time_is_not_drawn(durables_file):
    """60 weeks, reference life 104: every failure is early by definition, so the share would
    be 100% for both firms whatever they build. The panel draws nothing and says why."""
    run = load_run(durables_file)
    assert plot.reference_life(run) == 104 and plot.first_on_time_step(run) == 104
    assert plot.early_share(run).isna().all().all()
    panel = plot.obsolescence(run).axes[2]
    firms = [line for line in panel.get_lines() if not line.get_label().startswith("_")]
    assert firms and all(np.isnan(line.get_ydata()).all() for line in firms)  # not the shock's
    note = " ".join(t.get_text() for t in panel.texts).replace("\n", " ")
    assert "early by definition" in note and "reference life (104 weeks)" in note


def test_early_share_is_counted_from_the_first_step_a_failure_can_be_on_time(short_life_file):
    run = load_run(short_life_file)
    failures, early = run.market["failures"], run.market["early_failures"]
    # The artefact the figure avoids: before step 20 every failure is early.
    assert (failures.loc[:19] == early.loc[:19]).all().all() and failures.loc[:19].sum().sum()
    assert plot.first_on_time_step(run) == 20
    share = plot.early_share(run)
    assert share.loc[:19].isna().all().all()
    for firm in ("Durabox", "LongLife"):
        expected = early.loc[20:, firm].sum() / failures.loc[20:, firm].sum()
        assert share[firm].iloc[-1] == pytest.approx(expected) and expected < 1
    fig = plot.obsolescence(run)
    panel = fig.axes[2]
    # A running share (all failures from week 21 to each week), unlike the per-week panels
    # beside it: the title and the axis say so.
    assert panel.get_title() == ("share of failures that were early, so far\n"
                                 "(cumulative from week 21 to each week)")
    assert panel.get_ylabel() == "early failures / failures, cumulative (%)"
    assert "weeks 1-20 not drawn" in " ".join(t.get_text() for t in panel.texts).replace(
        "\n", " ")
    durabox = panel.get_lines()[0]
    assert list(durabox.get_ydata()) == pytest.approx(list(share["Durabox"]), nan_ok=True)


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


def test_segment_heatmap_colours_shares_on_one_scale_from_0_to_100_percent(run_file, rich_file):
    """The colour scale ran from 0 to each figure's own largest share (about 60% in
    scale_vs_scope.yaml, 78% in niche.yaml), so one darkness was another share on the next
    slide. Every heatmap now runs from 0 to 100%, and its colour bar says so."""
    largest = []
    for path in (run_file, rich_file):
        run = load_run(path)
        fig = plot.segment_heatmap(run)
        image = fig.axes[0].get_images()[0]
        assert image.get_clim() == (0.0, 1.0)
        bar = fig.axes[1]
        assert bar.get_ylabel() == "share of the segment's units (%)"
        fig.canvas.draw()
        ticks = [t.get_text() for t in bar.get_yticklabels()]
        assert ticks[0] == "0%" and ticks[-1] == "100%", ticks
        largest.append(float(np.nanmax(plot.segment_shares(run).to_numpy())))
    assert all(share < 0.99 for share in largest)  # so a figure's own maximum is not 100%


def _with_final_shares(source, target, market, customer):
    return load_run(with_final_shares(source, target, market, customer))


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


# ---- the command line's changes on every figure ----

def _titles(fig):
    """Every title a figure shows: its suptitle and its axes' titles; closes the figure (a test
    that reads every figure of several runs would keep more than 20 open)."""
    import matplotlib.pyplot as plt
    texts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    texts += [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
    plt.close(fig)
    return texts


def _with_overrides(source, target, overrides):
    return load_run(with_overrides(source, target, overrides))


def test_every_figure_of_a_changed_run_says_what_was_changed(durables_file, tmp_path):
    """A run made with --set: each figure's title carries the assignments (root attribute
    `overrides`), so it cannot be taken for the scenario's own figure."""
    run = _with_overrides(durables_file, tmp_path / "changed.h5",
                          "firms.HairCo.segments=[everyday, dry_hair]\nseed=3\n")
    for name, function in plot.FIGURES:
        titles = _titles(function(run))
        line = "with firms.HairCo.segments=[everyday, dry_hair], seed=3"
        assert sum(line in t.split("\n") for t in titles) == 1, (name, titles)
    for overrides in ("", None):  # none recorded: no line
        plain = _with_overrides(durables_file, tmp_path / "plain.h5", overrides)
        for name, function in plot.FIGURES:
            assert not any("\nwith " in t for t in _titles(function(plain))), name


def test_every_change_is_shown_wrapped_onto_lines():
    """Students must tell a variant from the base run: every change is in the title, wrapped
    between changes onto lines of at most OVERRIDES_WIDTH characters, none hidden behind "and 2
    more" (three changes of loyalty_referral.yaml read "with ClubRoast's loyalty program's reward
    = 0 and 2 more")."""
    assert plot.overrides_line([]) == ""
    assert plot.overrides_line(["steps=10"]) == "with steps=10"
    three = ["ClubRoast's loyalty program's reward = 0",
             "ClubRoast's referral program's multiplier = 1",
             "ClubRoast's referral program's reward = 0"]
    text = plot.overrides_line(three)
    assert "more" not in text and all(change in text.replace("\n", " ") for change in three)
    assert all(len(line) <= plot.OVERRIDES_WIDTH for line in text.split("\n"))
    many = [f"firms.Firm{i}.budget_per_year={1000 * i}" for i in range(8)]
    text = plot.overrides_line(many)
    lines = text.split("\n")
    assert 1 < len(lines) <= plot.OVERRIDES_LINES and text.startswith("with firms.Firm0.")
    assert all(len(line) <= plot.OVERRIDES_WIDTH for line in lines)
    assert [c for c in many if c in text] == many and "more" not in text
    sweep = "experiment.sweep={" + ", ".join(f"k{i}: [1, 2, 3]" for i in range(20)) + "}"
    assert plot.overrides_line([sweep]).endswith("...") and len(plot.overrides_line([sweep])) < 70


def test_a_very_long_list_of_changes_says_how_many_more_and_where_they_are():
    many = [f"firms.Firm{i}.budget_per_year={1000 * i}" for i in range(30)]
    lines = plot.overrides_line(many).split("\n")
    assert len(lines) == plot.OVERRIDES_LINES
    assert all(len(line) <= plot.OVERRIDES_WIDTH for line in lines)  # the last one too
    shown = sum(line.count("budget_per_year") for line in lines)
    assert lines[-1].endswith(f"and {30 - shown} more (the report and analysis.load list every "
                              "change)") and 0 < shown < 30


def test_the_figures_of_a_run_changed_three_times_name_every_change(tmp_path):
    """loyalty_referral.yaml with ClubRoast's programs switched off by three --set."""
    from conftest import PROGRAMS_OFF, run_loyalty_referral
    out = run_loyalty_referral(tmp_path / "off.h5", "consumers=3000", "steps=8", *PROGRAMS_OFF)
    run = load_run(out)
    title = plot.awareness(run).axes[0].get_title().replace("\n", " ")
    for words in ("ClubRoast's loyalty program's reward = 0",
                  "ClubRoast's referral program's multiplier = 1",
                  "ClubRoast's referral program's reward = 0"):
        assert words in title, title
    assert "more" not in title


def test_figures_of_an_experiment_name_the_run_and_the_shared_changes(marketsim_sweep):
    """The figures of one run name it and its design point's assignment, not the experiment's
    own keys; the figures of every run carry what the command line set for all of them."""
    run = load_run(marketsim_sweep, "2")  # design point 1, replication 0
    title = plot.market_share(run)._suptitle.get_text()  # a panel per category
    assert title.split("\n")[1] == "run 00002, with steps=10, Mass's marketing budget = 80000"
    assert "experiment." not in title
    made = plot.render_experiment(run)
    assert made
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    fig = plot.experiment_distribution(run, "roi", long, {})
    assert fig.axes[0].get_title().split("\n")[1] == "with steps=10"
    response = plot.experiment_response(run, "market_share", "firms.Mass.budget_per_year")
    assert response.axes[0].get_title().split("\n")[1] == "with steps=10"


def test_an_experiment_set_whole_on_the_command_line_is_left_out_of_titles(tmp_path):
    """`--set experiment={...}` is the experiment's own key as much as experiment.sweep=...:
    neither a run's figures nor the figures of every run carry it (they were cut mid-word:
    "with experiment={replications: 5, sweep: {firms.FizzCo.budget_...")."""
    from conftest import run_tiny
    from analysis.load import experiment_overrides, overrides
    path = run_tiny(tmp_path / "whole.h5", "experiment={replications: 2, sweep: "
                    "{firms.Mass.budget_per_year: [40000, 80000]}}")
    run = load_run(path, "2")  # design point 1, replication 0
    assert any(c.startswith("experiment={") for c in overrides(run))
    assert experiment_overrides(path) == ["steps=10"]
    title = plot.market_share(run)._suptitle.get_text()  # a panel per category
    assert title.split("\n")[1] == "run 00002, with steps=10, Mass's marketing budget = 80000"
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    fig = plot.experiment_distribution(run, "roi", long, {})
    assert fig.axes[0].get_title().split("\n")[1] == "with steps=10"
    assert not any("experiment=" in t or "experiment." in t for t in _titles(fig))


def test_a_long_assignment_is_shortened_between_words():
    """An assignment too long for a title ends at a word's end with "...", never mid-word, and
    the line stays within its width."""
    import re
    word = re.compile(r"[\w.]")
    for text in ["experiment={replications: 5, sweep: {firms.FizzCo.budget_per_year: "
                 "[0, 5000, 10000, 20000, 40000]}}",
                 "firms.HairCo.segments=[everyday, dry_hair, coloured_hair, curly_hair, "
                 "fine_hair, thick_hair]",
                 "shocks.q3_cut={step: 26, kind: budget, firm: VarietyCo, factor: 0.7, "
                 "enabled: true}",
                 "firms.Mass.name=" + "x" * 80]:
        line = plot.overrides_line([text])
        assert len(line) <= plot.OVERRIDES_WIDTH and line.endswith(" ..."), line
        kept = line[len("with "):-len(" ...")]
        assert text.startswith(kept) and kept == kept.rstrip(" ,:"), line
        assert not (word.match(kept[-1]) and word.match(text[len(kept)])), line  # not mid-word
        assert plot.overrides_line(["steps=10", text]).startswith("with steps=10, ")


# ---- percentages on axes ----

def test_percent_ticks_are_whole_where_they_can_be():
    assert [plot.percent_tick(v) for v in (0, 0.1, 0.025, 1.0, -0.05)] == [
        "0%", "10%", "2.5%", "100%", "-5%"]
    assert plot.percent_tick(0.3 + 1e-12) == "30%"


def test_quadrant_of_small_shares_has_ticks_like_the_other_charts(run_file, tmp_path):
    """mass_vs_one_to_one.yaml's largest market share is 42%: matplotlib's PercentFormatter
    labelled that axis 10.0%, 20.0% while the other charts read 10%, 20%."""
    import re
    run = _with_final_shares(run_file, tmp_path / "small.h5", [0.10, 0.20, 0.30, 0.40],
                             [0.40, 0.50, 0.60, 0.70])
    fig = plot.share_quadrant(run)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_xlim()[1] < 0.5
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        labels = [t.get_text() for t in ticks]
        assert labels and all(re.fullmatch(r"\d+%", label) for label in labels), labels


# ---- experiments with one run per design point ----

@pytest.fixture(scope="module")
def one_run_sweep(tmp_path_factory):
    """The tiny scenario, 10 steps, the mass marketer's budget at 40,000, 80,000 and 160,000,
    one run each (no replications)."""
    return run_tiny(tmp_path_factory.mktemp("runs") / "one_run_sweep.h5",
                    "experiment.sweep={firms.Mass.budget_per_year: [40000, 80000, 160000]}")


def _handles(legend):
    """A legend's handles (legend_handles from matplotlib 3.7, legendHandles before)."""
    return getattr(legend, "legend_handles", None) or legend.legendHandles


def test_one_run_per_design_point_is_drawn_in_its_design_points_colour(one_run_sweep):
    from matplotlib.colors import to_rgba
    run = load_run(one_run_sweep)
    assert plot.one_run_per_point(run)
    long = plot.experiment_tables.results_long(run.experiment["runs"], run.firms)
    settings = plot.experiment_tables.point_settings(run.experiment["runs"], run.firms)
    fig = plot.experiment_distribution(run, "roi", long, settings)
    ax = fig.axes[0]
    legend = {t.get_text().split(":")[0]: h.get_facecolor()[:3]
              for t, h in zip(ax.get_legend().get_texts(), _handles(ax.get_legend()))}
    assert list(legend) == ["point 0 (baseline)", "point 1", "point 2"]
    markers = [c for c in ax.collections if len(c.get_offsets())]
    assert len(markers) == 3 * len(run.firms)  # one per run and firm
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in markers}
    assert colours == {tuple(np.round(c, 3)) for c in legend.values()}
    assert to_rgba("black")[:3] not in colours and to_rgba("white")[:3] not in colours
    assert not [p for p in ax.patches if p.get_alpha() == 0.75]  # no collapsed boxes
    assert "a marker per run, in its design point's colour" in ax.get_title()


def test_one_run_per_design_point_promises_no_confidence_band(one_run_sweep):
    from matplotlib.collections import PolyCollection
    run = load_run(one_run_sweep)
    key = "firms.Mass.budget_per_year"
    assert plot.confidence_band(run, "profit_per_year") == "none"
    ax = plot.experiment_response(run, "profit_per_year", key).axes[0]
    assert "band" not in ax.get_title()
    assert "one run per design point: no confidence interval to draw" in ax.get_title()
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert all(len(c.get_paths()) == 0 or not any(
        np.isfinite(p.vertices).all() and len(p.vertices) for p in c.get_paths())
        for c in bands)
    assert ax.get_xlabel().endswith("(money per year)") and "Mass's marketing budget" in \
        ax.get_xlabel()


def test_segment_shares_are_of_the_units_summed_over_the_window(tmp_path):
    """From step 4 the seniors buy nothing (a recession of factor 0): their weeks without
    purchases must not count as 0% for every firm. The heatmap shows each firm's share of the
    units the segment bought over the window, as `marketsim summarize` names the leaders."""
    out = run_tiny(tmp_path / "stopped.h5", "shocks=[{name: stop, step: 4, kind: recession, "
                   "multiply: 0, segments: [senior]}]")
    run = load_run(out)
    with h5py.File(out) as f:
        units = f["/segments/units"][:].sum(axis=0)  # the whole 10-step run is the window
    expected = units / units.sum(axis=1, keepdims=True)
    shares = plot.segment_shares(run)
    assert shares.to_numpy() == pytest.approx(expected, abs=1e-12)
    assert shares.loc["senior"].sum() == pytest.approx(1.0)
    fig = plot.segment_heatmap(run)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert f"{100 * expected[2].max():.1f}%" in texts
    assert "share of each segment's units" in fig.axes[0].get_title()
    terminal = subprocess.run([__import__("conftest").marketsim_binary(), "summarize", str(out)],
                              check=True, capture_output=True, text=True).stdout
    leader = run.firms[int(expected[2].argmax())]
    assert f"senior, {leader} (" in terminal
    assert f"with {100 * expected[2].max():.1f}%." in terminal


def test_a_segment_that_bought_nothing_shows_no_units(tmp_path):
    out = run_tiny(tmp_path / "none.h5", "shocks=[{name: stop, step: 0, kind: recession, "
                   "multiply: 0, segments: [senior]}]")
    run = load_run(out)
    assert plot.segment_shares(run).loc["senior"].isna().all()
    assert "no units" in {t.get_text() for t in plot.segment_heatmap(run).axes[0].texts}


def test_keys_moved_together_are_drawn_against_the_first(tmp_path):
    """experiment.together moves two keys in step: one swept number for the figures, drawn
    against the first key, the axis naming the other (it was a 'grid' that was not one)."""
    from conftest import run_tiny
    path = run_tiny(tmp_path / "together.h5", "experiment.replications=2",
                    "experiment.together={firms.Mass.budget_per_year: [40000, 80000], "
                    "firms.OneToOne.budget_per_year: [20000, 40000]}")
    run = load_run(path)
    assert run.together == ["firms.Mass.budget_per_year", "firms.OneToOne.budget_per_year"]
    key = "firms.Mass.budget_per_year"
    assert plot.swept_number(run) == key and plot.swept_pair(run) is None
    made = {name for name, _, _ in plot.render_experiment(run)}
    assert f"experiment_profit_per_year_by_{key}.png" in made
    ax = plot.experiment_response(run, "profit_per_year", key).axes[0]
    assert ax.get_xlabel().endswith("moved together with OneToOne's marketing budget")
    assert not plot.experiment_skipped(run)


def test_awareness_says_loyal_past_buyers_count_too(run_file):
    """/market/awareness counts goodwill >= 1 or loyalty > 0: a past buyer still loyal to the
    firm is aware of it whatever its advertising did; the title says so in words."""
    title = plot.awareness(load_run(run_file)).axes[0].get_title().split("\n")[0]
    assert "advertising or word of mouth" in title and "bought from it and still loyal" in title
    assert "goodwill" not in title


def test_market_share_axis_names_the_period_the_time_axis_counts(run_file, monopoly_file):
    """A weekly run's market share is of the units sold in the week, as the x axis counts weeks,
    not "in the step"; the report's caption says the same. The tiny scenario's two categories
    get a panel each, of the category's units."""
    from analysis.report import figure_caption
    run = load_run(monopoly_file)
    ax = plot.market_share(run).axes[0]
    assert ax.get_xlabel() == "week"
    assert ax.get_ylabel() == "market share, of all units sold in the week (%)"
    assert figure_caption("market_share.png", run) == (
        "Each firm's share of the units sold in each week, stacked to 100%; blank in a week in "
        "which nothing sold (a share is undefined there).")
    run = load_run(run_file)
    for ax in plot.market_share(run).axes:
        assert ax.get_xlabel() == "week"
        assert ax.get_ylabel() == "share of the category's units\nsold in the week (%)"
    assert "of that category sold in each week" in figure_caption("market_share.png", run)


def test_ownership_saturation_is_not_drawn_in_a_firms_colour(durables_file):
    """The saturation line is the category's, not a firm's: black or grey and dashed, never the
    colour of a firm in the other panels (it took the first firm's blue and read as its line)."""
    from matplotlib.colors import to_rgba
    fig = plot.obsolescence(load_run(durables_file))
    firm_colours = {to_rgba(line.get_color()) for ax in fig.axes
                    for line in ax.get_lines() if line.get_label() in ("Durabox (mass)",
                                                                       "LongLife (mass)")}
    assert len(firm_colours) == 2
    panel = next(ax for ax in fig.axes if ax.get_title().startswith("ownership saturation"))
    lines = [line for line in panel.get_lines() if line.get_label() == "washer"]
    assert len(lines) == 1
    red, green, blue, _ = to_rgba(lines[0].get_color())
    assert red == green == blue  # black or a grey
    assert to_rgba(lines[0].get_color()) not in firm_colours
    assert lines[0].get_linestyle() != "-"
