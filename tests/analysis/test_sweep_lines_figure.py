"""analysis.plot's figures of a sweep of a number by a few-valued key such as true/false
(experiment_<result>_by_<number>_for_each_<key>.png): a panel per firm, a line per value of the
key through each design point's median, p5-p95 as a band; and the one line analysis.plot prints
for each experiment figure against the swept keys that it does not draw."""

import subprocess

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from analysis import plot, report
from analysis.load import load_run
from analysis.scenario_text import key_label
from conftest import ghost_scenario, marketsim_binary, run_tiny

PNG = b"\x89PNG\r\n\x1a\n"
BUDGET = "firms.Mass.budget_per_year"
RECESSION = "shocks.recession.enabled"
ENTRY = "shocks.entry.enabled"
BUDGETS = [20000.0, 40000.0, 60000.0]
SMALL = "consumers=3000"
RECESSION_SHOCK = "shocks=[{name: recession, step: 6, kind: recession, multiply: 0.85}]"
ENTRY_SHOCK = "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}]"
NAME = {metric: f"experiment_{metric}_by_{BUDGET}_for_each_{RECESSION}.png"
        for metric in ("profit_per_year", "market_share")}



@pytest.fixture(scope="module")
def recession_file(tmp_path_factory):
    """The tiny scenario, 10 steps, 3,000 consumers, with a recession at step 6 switched off
    and on, crossed with the mass marketer's budget (3 values), 3 replications: 6 design points,
    18 runs."""
    return run_tiny(tmp_path_factory.mktemp("lines") / "recession.h5", SMALL,
                    "experiment.replications=3", RECESSION_SHOCK,
                    f"experiment.sweep={{{RECESSION}: [false, true], "
                    f"{BUDGET}: [20000, 40000, 60000]}}")


@pytest.fixture(scope="module")
def entry_file(tmp_path_factory):
    """Niche enters at step 5 or not at all, crossed with the mass marketer's budget, one run
    per design point: Niche is in the market only where its entry is enabled."""
    return run_tiny(tmp_path_factory.mktemp("lines") / "entry.h5", SMALL, ENTRY_SHOCK,
                    f"experiment.sweep={{{BUDGET}: [20000, 40000], {ENTRY}: [false, true]}}")


def _panels(fig):
    """The firms' panels, in drawing order."""
    return [ax for ax in fig.axes if ax.get_lines()]


def test_a_number_by_a_switch_gets_a_line_figure_per_result(recession_file, tmp_path, capsys):
    run = load_run(recession_file)
    assert plot.swept_number(run) is None and plot.swept_pair(run) is None
    assert plot.swept_number_and_category(run) == (BUDGET, RECESSION)
    assert plot.experiment_skipped(run) == []
    assert plot.main([str(recession_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    written = [line.split("/")[-1].split(" ")[0] for line in out.splitlines()
               if line.endswith("(every run of the experiment)")]
    assert written[-2:] == [NAME["profit_per_year"], NAME["market_share"]]
    for name in NAME.values():
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000
    assert "skipped experiment_" not in out


def test_lines_are_the_medians_and_bands_the_p5_to_p95(recession_file):
    run = load_run(recession_file)
    summary = run.experiment["summary"]
    for metric in ("profit_per_year", "market_share"):
        fig = plot.experiment_lines(run, metric, (BUDGET, RECESSION))
        panels = _panels(fig)
        assert [ax.get_title() for ax in panels] == [
            "Mass (mass)", "Diff (differentiated)", "Niche (niche)", "OneToOne (one_to_one)"]
        for ax, firm in zip(panels, run.firms):
            lines = ax.get_lines()
            assert [line.get_label() for line in lines] == ["off", "on"]
            bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
            assert len(bands) == 2
            for line, band, value in zip(lines, bands, ["false", "true"]):  # off, on
                rows = summary[(summary["metric"] == metric) & (summary["firm"] == firm)
                               & (summary[RECESSION].astype(str) == value)].sort_values(BUDGET)
                assert list(line.get_xdata()) == BUDGETS
                assert list(line.get_ydata()) == pytest.approx(list(rows["p50"]), rel=1e-12)
                heights = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
                assert heights.min() == pytest.approx(rows["p5"].min(), rel=1e-12)
                assert heights.max() == pytest.approx(rows["p95"].max(), rel=1e-12)
                # The median and percentiles are of the design point's three runs.
                assert set(rows["n"]) == {3}
    # Real numbers: the mass marketer's profit falls with its budget, in both states.
    fig = plot.experiment_lines(run, "profit_per_year", (BUDGET, RECESSION))
    for line in _panels(fig)[0].get_lines():
        assert (np.diff(line.get_ydata()) < 0).all()


def test_axes_title_and_legend_say_what_is_drawn(recession_file):
    run = load_run(recession_file)
    fig = plot.experiment_lines(run, "market_share", (BUDGET, RECESSION))
    panels = _panels(fig)
    assert [" ".join(ax.get_xlabel().split()) for ax in panels] == \
        ["", "", key_label(BUDGET, 52), key_label(BUDGET, 52)]
    assert [ax.get_ylabel() for ax in panels] == ["market share, last week (%)", "",
                                                  "market share, last week (%)", ""]
    fig.canvas.draw()
    assert all(t.get_text().endswith("%") for ax in panels for t in ax.get_yticklabels()
               if t.get_text())
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "shock recession"
    assert [t.get_text() for t in legend.get_texts()] == ["off", "on"]
    title = fig._suptitle.get_text()
    assert "market share against Mass's marketing budget, with shock recession off and on" in title
    assert "line: median of the design point's 3 replications; band: p5-p95" in title


def test_a_firm_out_of_the_market_has_no_line_there(entry_file, tmp_path, capsys):
    run = load_run(entry_file)
    keys = (BUDGET, ENTRY)
    assert plot.swept_number_and_category(run) == keys
    fig = plot.experiment_lines(run, "market_share", keys)
    panels = _panels(fig)
    assert len(panels) == 4
    niche = panels[2]
    assert niche.get_title() == "Niche (niche)"
    assert [line.get_label() for line in niche.get_lines()] == ["on"]
    assert [line.get_label() for line in panels[0].get_lines()] == ["off", "on"]
    assert "one run per design point: no spread to show" in fig._suptitle.get_text()
    assert plot.main([str(entry_file), "--out", str(tmp_path)]) == 0
    assert (tmp_path / f"experiment_roi_by_{BUDGET}_for_each_{ENTRY}.png").exists() is False
    assert (tmp_path / f"experiment_market_share_by_{BUDGET}_for_each_{ENTRY}.png").exists()
    assert "skipped experiment_" not in capsys.readouterr().out


def test_the_number_may_come_second_and_the_key_be_a_name(tmp_path):
    run = load_run(run_tiny(tmp_path / "target.h5", SMALL,
                            "experiment.sweep={firms.Niche.target: [senior, young], "
                            f"{BUDGET}: [20000, 40000]}}"))
    assert plot.swept_number_and_category(run) == (BUDGET, "firms.Niche.target")
    made = [name for name, _, _ in plot.render_experiment(run)]
    assert made[-2:] == [f"experiment_{m}_by_{BUDGET}_for_each_firms.Niche.target.png"
                         for m in ("profit_per_year", "market_share")]


# ---- figures not drawn are said, one line each ----

def test_a_key_with_too_many_values_is_said(recession_file):
    run = load_run(recession_file)
    summary = run.experiment["summary"]
    # Four copies of the design points, each with its own two values of the switch: 8 values.
    run.experiment["summary"] = pd.concat([summary.assign(
        design_point=summary["design_point"] + 6 * k,
        **{RECESSION: f"copy{k}_" + summary[RECESSION].astype(str)}) for k in range(4)])
    assert plot.swept_number_and_category(run) is None
    skipped = plot.experiment_skipped(run)
    assert [name for name, _ in skipped] == [
        f"experiment_{m}_by_{RECESSION}_and_{BUDGET}.png" for m in ("profit_per_year",
                                                                    "market_share")]
    assert skipped[0][1].startswith("shock recession takes 8 values, too many for a line each "
                                    f"(at most {plot.MAX_LINES})")
    assert not [n for n, _, _ in plot.render_experiment(run) if "_by_" in n]


def test_missing_statistics_and_absent_firms_are_said(recession_file):
    run = load_run(recession_file)
    summary = run.experiment["summary"]
    run.experiment["summary"] = summary.drop(columns=["p5", "p95"])
    assert plot.experiment_skipped(run) == [
        (NAME[m], "/experiment/summary has no p5 and p95 columns")
        for m in ("profit_per_year", "market_share")]
    run.experiment["summary"] = summary.assign(in_market=0)
    assert plot.experiment_skipped(run) == [
        (NAME[m], "no firm was in the market in any run") for m in ("profit_per_year",
                                                                    "market_share")]
    assert not [n for n, _, _ in plot.render_experiment(run) if "_by_" in n]
    del run.experiment["summary"]
    assert plot.experiment_skipped(run) == [
        (f"experiment_{m}_by_{RECESSION}_and_{BUDGET}.png", "the file has no /experiment/summary "
         "(by design point and result), whose statistics these figures draw")
        for m in ("profit_per_year", "market_share")]


def test_a_switch_alone_and_three_keys_are_said(tmp_path, capsys):
    switch = run_tiny(tmp_path / "switch.h5", SMALL, ENTRY_SHOCK,
                      f"experiment.sweep={{{ENTRY}: [false, true]}}")
    assert plot.main([str(switch), "--out", str(tmp_path / "switch")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("skipped experiment_")]
    # The key in words (the file name keeps its path).
    assert lines == [f"skipped experiment_{m}_by_{ENTRY}.png: shock entry is switched off and "
                     "on, not a number, so there is no axis to draw it along; each of its "
                     "values is a design point of the experiment_<result>.png figures"
                     for m in ("profit_per_year", "market_share")]
    three = run_tiny(tmp_path / "three.h5", SMALL, ENTRY_SHOCK,
                     f"experiment.sweep={{{ENTRY}: [false, true], {BUDGET}: [20000, 40000], "
                     "market.cpm_mass: [5, 10]}")
    assert plot.main([str(three), "--out", str(tmp_path / "three")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("skipped experiment_")]
    assert len(lines) == 2
    assert lines[0].startswith(f"skipped experiment_profit_per_year_by_{ENTRY}_and_{BUDGET}"
                               "_and_market.cpm_mass.png: the experiment varies 3 keys (shock "
                               "entry, Mass's marketing budget and price of mass media); ")
    assert not list((tmp_path / "three").glob("*_by_*"))


def test_the_report_shows_the_lines_with_a_caption(recession_file, tmp_path):
    out = tmp_path / "recession.html"
    assert report.main([str(recession_file), "-o", str(out)]) == 0
    experiment = out.read_text(encoding="utf-8").split('<h2 id="experiment">')[1]
    for name in NAME.values():
        assert f'<img alt="{name}" src="data:image/png;base64,' in experiment
    assert ("profit per year against Mass&#x27;s marketing budget, with shock recession off "
            "and on, over every run of the experiment") in experiment
    assert "a line for the shock off and one for it on through the median" in experiment
    assert "through the median of each design point&#x27;s runs and their p5 to p95" \
        in experiment
    assert "Not shown: experiment_" not in experiment


@pytest.fixture(scope="module")
def ghost_sweep(tmp_path_factory):
    """The tiny scenario with Ghost, a firm in the market that sells nothing (profit 0 and
    market share 0 in every run), the mass marketer's budget crossed with the niche marketer's
    target, one run per design point."""
    folder = tmp_path_factory.mktemp("ghost")
    out = folder / "ghost-sweep.h5"
    subprocess.run([marketsim_binary(), "run", str(ghost_scenario(folder)), "-o", str(out),
                    "--quiet", "--threads", "2", "--set", "steps=12", "--set", SMALL,
                    "--set", f"experiment.sweep={{{BUDGET}: [20000, 40000], "
                                 "firms.Niche.target: [senior, young]}"],
                   check=True, capture_output=True, timeout=300)
    return out


def _tick_labels(ax):
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    return [t.get_text() for t, v in zip(ax.get_yticklabels(), ax.get_yticks())
            if low <= v <= high]


def test_a_panel_of_one_value_has_one_tick_and_no_negative_zero(ghost_sweep):
    """Ghost's panel is flat at 0: one tick, "0" (or "0%"), in the middle of the panel, where
    matplotlib's ticks around a range of nothing read 0, 0, 0, -0, -0; the other panels keep
    whole-number ticks, none of them "-0"."""
    run = load_run(ghost_sweep)
    key = plot.swept_number_and_category(run)
    assert key == (BUDGET, "firms.Niche.target")
    for metric, zero in (("profit_per_year", "0"), ("market_share", "0%")):
        fig = plot.experiment_lines(run, metric, key)
        panels = {ax.get_title().split(" (")[0]: ax for ax in _panels(fig)}
        ghost = panels["Ghost"]
        assert _tick_labels(ghost) == [zero]
        low, high = ghost.get_ylim()
        assert low < 0 < high and low == pytest.approx(-high)
        for firm, ax in panels.items():
            labels = _tick_labels(ax)
            assert len(labels) == len(set(labels)), (metric, firm, labels)
            assert not [label for label in labels if label.lstrip("-") in ("0", "0%")
                        and label.startswith("-")]


def test_money_ticks_of_an_experiment_never_read_minus_zero():
    assert [plot.whole_tick(v) for v in (-0.04, -0.0, 0.4, -0.6, -70000)] == [
        "0", "0", "0", "-1", "-70,000"]
