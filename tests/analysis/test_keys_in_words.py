"""The figures, the report's captions and analysis.plot's "skipped" lines name the keys the
design points set in words ("Mass's marketing budget (money per year)"), not by their key path
(firms.Mass.budget_per_year); the report keeps the path in one place, a table of design point
keys from the words to the path and the values, for rerunning a design point with --set."""

import html
import re

import pandas as pd

from analysis import plot, report
from analysis.load import load_run
from conftest import run_tiny

BUDGET = "firms.Mass.budget_per_year"
ENTRY = "shocks.entry.enabled"


def _labels(fig):
    return [text for ax in fig.axes for text in (ax.get_xlabel(), ax.get_ylabel())]


def test_no_axis_of_a_sweep_figure_carries_a_key_path(marketsim_sweep):
    run = load_run(marketsim_sweep)
    drawn = plot.experiment_by_plan(run)[0]
    assert len(drawn) == 2
    for name, _, draw in drawn:
        labels = _labels(draw())
        assert "Mass's marketing budget (money per year)" in labels, name
        assert not [t for t in labels if BUDGET in t or "budget_per_year" in t], name


def test_an_axis_label_wraps_between_words_keeping_a_unit_and_an_axis_whole():
    from analysis.point_words import axis_label
    assert axis_label("market.cpm_mass", 52, 45) == (
        "price of mass media\n(money per 1000 impressions)")
    assert axis_label("segments.fruity.ideal.mean.1", 52, 33) == (
        "fruity's ideal point's centre on\naxis 1 (taste-space units)")
    assert axis_label(BUDGET, 52, 90) == "Mass's marketing budget (money per year)"


def _experiment(page):
    return page.split('<h2 id="experiment">')[1].split("<h2>")[0]


def _key_table(section):
    """{words: (key path, values)} of the report's table of design point keys."""
    table = section.split("<h3>Design point keys</h3>")[1].split("</table>")[0]
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", table, re.S)]
    heads = [html.unescape(c) for c in re.findall(r"<th>(.*?)</th>", table, re.S)]
    assert heads == ["in the figures and captions", "key path", "values"]
    return {cells[i]: (cells[i + 1], cells[i + 2]) for i in range(0, len(cells), 3)}


def test_the_reports_captions_say_the_key_in_words_and_a_table_gives_its_path(
        marketsim_sweep, tmp_path):
    out = tmp_path / "sweep.html"
    assert report.main([str(marketsim_sweep), "-o", str(out)]) == 0
    section = _experiment(out.read_text(encoding="utf-8"))
    captions = [html.unescape(c) for c in re.findall(r"<figcaption>([^<]*)</figcaption>",
                                                     section)]
    against = [c for c in captions if " against Mass's marketing budget, over every run" in c]
    assert len(against) == 2  # profit per year and market share
    assert not [c for c in captions if BUDGET in c]
    # The one place with the key path: words -> path and the values as --set takes them.
    assert _key_table(section) == {"Mass's marketing budget": (BUDGET, "40000, 80000")}
    assert "--set KEY=VALUE" in section


def test_a_branched_experiment_is_rerun_from_its_runs_scenario_not_with_set(tmp_path):
    """With branch_at, a design point's values apply from the branch on: a --set (from the
    start) would give another run, so the report points to the run's stored scenario."""
    from conftest import run_tiny
    path = run_tiny(tmp_path / "branched.h5", "experiment={replications: 1, sweep: "
                    "{firms.Mass.budget_per_year: [40000, 80000]}, branch_at: 5}")
    out = tmp_path / "branched.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    section = _experiment(out.read_text(encoding="utf-8"))
    assert _key_table(section) == {"Mass's marketing budget": (BUDGET, "40000, 80000")}
    assert "The experiment branches at step 5: the design points' values apply from week 6 on" in (
        html.unescape(section))
    assert "/runs/ID/scenario" in section and "--set KEY=VALUE" not in section


def test_two_switches_are_named_in_words_in_the_skipped_lines_and_the_report(tmp_path, capsys):
    """Two switches: no figure against them; the skipped line and the report's "Not shown" line
    say why in words, and the key table maps each shock to its switch."""
    path = run_tiny(tmp_path / "switches.h5", "consumers=3000",
                    "shocks=[{name: entry, step: 5, kind: enter, firm: Niche}, "
                    "{name: slump, step: 6, kind: recession, multiply: 0.85}]",
                    f"experiment.sweep={{{ENTRY}: [false, true], "
                    "shocks.slump.enabled: [false, true]}")
    assert plot.main([str(path), "--out", str(tmp_path / "fig")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("skipped experiment_")]
    assert len(lines) == 2
    for line in lines:
        _, why = line.split(".png: ")
        assert why.startswith("shock entry and shock slump are switched off and on, not "
                              "numbers, so there is no axis to draw them along")
        assert ".enabled" not in why
    out = tmp_path / "switches.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    section = _experiment(out.read_text(encoding="utf-8"))
    reasons = re.findall(r"<p><i>Not shown: [^,]*, because ([^<]*)</i></p>", section)
    assert len(reasons) == 2 and not [r for r in reasons if ".enabled" in r]
    assert _key_table(section) == {"shock entry": (ENTRY, "false, true"),
                                   "shock slump": ("shocks.slump.enabled", "false, true")}


def test_keys_that_read_the_same_are_told_apart_by_their_path():
    from analysis.point_words import named_keys
    assert named_keys([BUDGET, ENTRY]) == {BUDGET: "Mass's marketing budget",
                                           ENTRY: "shock entry"}
    # Two keys whose words are the same: each gets its path in brackets.
    price, product = "firms.A.price", "firms.A.products.0.price"
    assert named_keys([price, product, ENTRY]) == {
        price: f"A's price ({price})", product: f"A's price ({product})", ENTRY: "shock entry"}


def test_a_skipped_line_gives_the_path_only_where_the_words_are_ambiguous(marketsim_sweep):
    run = load_run(marketsim_sweep)
    summary = run.experiment["summary"]
    twins = ("firms.Mass.price", "firms.Mass.products.0.price")
    run.experiment["summary"] = pd.concat(
        [summary.drop(columns=[BUDGET]).assign(**{twins[0]: "a", twins[1]: "b"})[
            ["design_point", *twins, *summary.columns[2:]]]])
    why = plot.experiment_skipped(run)[0][1]
    assert why.startswith(f"Mass's price ({twins[0]}) and Mass's price ({twins[1]}) take one "
                          "value only")


def test_a_heatmap_names_the_keys_moved_with_its_key(tmp_path):
    """A grid of keys moved together by a third key: the axis and the caption say which keys
    move with the one across (they said only the first)."""
    path = run_tiny(tmp_path / "moved.h5", "consumers=2000",
                    "experiment.together={firms.Mass.budget_per_year: [40000, 80000], "
                    "firms.OneToOne.budget_per_year: [20000, 40000]}",
                    "experiment.sweep={market.cpm_mass: [5, 10]}")
    run = load_run(path)
    keys = plot.swept_pair(run)
    assert keys == (BUDGET, "market.cpm_mass")
    fig = plot.experiment_grid(run, "profit_per_year", keys)
    across = {" ".join(ax.get_xlabel().split()) for ax in fig.axes if ax.get_xlabel()}
    assert across == {"Mass's marketing budget (money per year) moved together with "
                      "OneToOne's marketing budget"}
    out = tmp_path / "moved.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    section = _experiment(out.read_text(encoding="utf-8"))
    assert ("profit per year by Mass's marketing budget (across, moved together with OneToOne's "
            "marketing budget) and price of mass media (up), over every run"
            ) in html.unescape(section)
    assert _key_table(section)["OneToOne's marketing budget"] == (
        "firms.OneToOne.budget_per_year", f"20000, 40000 (moved together with {BUDGET})")


def test_the_key_table_gives_values_in_full_as_set_takes_them():
    """A value the table of design point keys lists is the shortest text that reads back as the
    value, so --set reruns the point bit for bit; only the ends of a sampled range are rounded."""
    assert report._key_value(40000.123456789012) == "40000.12345678901"
    assert report._key_value(1234567.5) == "1234567.5"
    assert report._key_value(40000.0) == "40000"
    assert report._key_value(1234567.5, rounded=True) == "1.23457e+06"


def test_the_over_time_caption_says_the_runs_period():
    from types import SimpleNamespace
    monthly = SimpleNamespace(steps_per_year=12, run_id="00000")
    caption = report._experiment_figure_html(plot.OVER_TIME_FIGURE, b"", "market_share", monthly)
    assert "at each month as a line" in caption and "at the last month)" in caption
    assert "week" not in caption
