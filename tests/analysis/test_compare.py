"""analysis.compare: two runs of the same seed, side by side."""

import pandas as pd
import pytest

from analysis import compare
from analysis.load import load_run


def test_table_and_differences(run_file, rich_file):
    a, b = load_run(run_file), load_run(rich_file)
    table = compare.comparison_table(a, b).set_index("firm")
    assert list(table.index) == ["Mass", "Diff", "Niche", "OneToOne"]
    mass = table.loc["Mass"]
    difference = mass["market_share B"] - mass["market_share A"]
    assert mass["market_share B-A"] == pytest.approx(difference)
    # doubling the mass marketer's budget costs it profit over ten weeks
    assert mass["cumulative_profit B-A"] < 0
    assert compare.scenario_changes(a, b) == [("firms.Mass.budget_per_year", "40000", "80000")]


def test_cli(run_file, rich_file, tmp_path, capsys):
    assert compare.main([str(run_file), str(rich_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "firms.Mass.budget_per_year: 40000 -> 80000" in out
    assert "common random numbers" in out and "seed 7" in out
    assert (tmp_path / "share_difference.png").stat().st_size > 10_000


def test_identical_runs(run_file, capsys):
    assert compare.main([str(run_file), str(run_file)]) == 0
    assert "identical" in capsys.readouterr().out


def test_output_directory_checked_before_any_work(run_file, rich_file, tmp_path, capsys,
                                                  monkeypatch):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a directory")

    def no_work(*_args, **_kwargs):
        raise AssertionError("a run was loaded before the output directory was checked")
    monkeypatch.setattr(compare, "load_run", no_work)
    for out, reason in [(notes, "it is a file, not a directory"),
                        (notes / "figures", f"'{notes}' is not a directory")]:
        assert compare.main([str(run_file), str(rich_file), "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.err == f"error: cannot write into '{out}': {reason}\n"
        assert captured.out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _validated(scenario):
    """The resolved YAML of a shipped scenario, as `marketsim validate` prints it."""
    import subprocess
    from conftest import ROOT, marketsim_binary
    return subprocess.run([marketsim_binary(), "validate", str(ROOT / "scenarios" / scenario)],
                          check=True, capture_output=True, text=True, timeout=60).stdout


def test_scenario_keys_compare_as_a_tree_across_scenarios():
    """Nested keys of list items are matched by the item's name, not by lines of text."""
    from types import SimpleNamespace
    niche = SimpleNamespace(scenario=_validated("textbook/niche.yaml"))
    one_to_one = SimpleNamespace(scenario=_validated("textbook/one_to_one.yaml"))
    changes = {key: (old, new) for key, old, new in compare.scenario_changes(niche, one_to_one)}
    assert changes["segments.mainstream.ideal.sd"] == ("[0.6, 0.6]", "[1, 1]")
    assert changes["segments.bargain.ideal.mean"] == ("[-0.6, -1]", "[-0.8, -1]")
    assert changes["seed"] == ("3", "11")
    assert changes["firms.ScoopCo"][1] == "(absent)" and changes["firms.MyBrew"][0] == "(absent)"
    assert changes["firms.MyBrew"][1].startswith("{name: MyBrew, strategy: one_to_one")
    assert changes["segments.connoisseur"][0] == "(absent)"
    assert not any(key.startswith("market.") for key in changes)  # the same in both
    assert compare.scenario_changes(niche, niche) == []


def test_a_changed_population_is_named(run_file, tmp_path, capsys):
    from conftest import run_tiny
    small = run_tiny(tmp_path / "small.h5", "consumers=5000")
    assert compare.main([str(run_file), str(small)]) == 0
    out = capsys.readouterr().out
    assert "consumers: 20000 -> 5000" in out
    assert "differ in population size (20000 vs 5000 consumers)" in out
    assert "despite the same seed (7)" in out and "seed (7 vs 7)" not in out
    a, b = load_run(run_file), load_run(small)
    b.attrs["seed"] = 8
    assert "differ in seed (7 vs 8) and population size (20000 vs 5000 consumers)" in \
        compare.paired_note(a, b)


def test_share_differences_are_in_points(run_file, rich_file, capsys):
    assert compare.main([str(run_file), str(rich_file)]) == 0
    out = capsys.readouterr().out
    share = out.split("market share (last step):")[1].split("\n\n")[0]
    rows = share.strip().splitlines()[1:]
    assert rows and all(row.rstrip().endswith(" points") for row in rows)
    assert all(row.count("%") == 2 for row in rows)  # A and B in %, B - A in points
    profit = out.split("cumulative profit")[1].split("\n\n")[0]
    assert "," in profit  # thousands separators


def test_obsolescence_runs_compare_durables(durables_file, tmp_path, capsys):
    """Two planned-obsolescence runs that differ in durability: failures, early failures,
    replacements, installed base and saturation are compared too."""
    import subprocess
    from conftest import ROOT, marketsim_binary
    longer = tmp_path / "durables-80.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o",
                    str(longer), "--quiet", "--threads", "2", "--set", "consumers=5000",
                    "--set", "steps=60", "--set", "shocks.rival_enters.enabled=true",
                    "--set", "firms.Durabox.durability=80"],
                   check=True, capture_output=True, timeout=120)
    a, b = load_run(durables_file), load_run(longer)
    table = compare.comparison_table(a, b).set_index("firm")
    durabox = table.loc["Durabox"]
    for metric in ("failures", "early_failures", "replacements"):
        assert durabox[f"{metric} A"] == a.market[metric]["Durabox"].sum()
        assert durabox[f"{metric} B-A"] == durabox[f"{metric} B"] - durabox[f"{metric} A"]
    assert durabox["installed_base B"] == b.market["installed_base"]["Durabox"].iloc[-1]
    assert durabox["early_failures B-A"] < 0  # machines built to last fail early less often
    saturation = compare.saturation_table(a, b)
    assert list(saturation["category"]) == ["washer"]
    assert compare.main([str(durables_file), str(longer)]) == 0
    out = capsys.readouterr().out
    for title in ("failures, products that broke (summed over the run)",
                  "early failures, before the reference life (summed over the run)",
                  "share of failures that were early (none: the run ends before a product "
                  "can reach its reference life)",
                  "replacement purchases (summed over the run)",
                  "installed base, working products owned (last step)",
                  "ownership saturation, share of consumers owning a working product"):
        assert title in out, title
    assert "firms.Durabox.durability.washer: 40 -> 80" in out
    block = out.split("ownership saturation")[1].split("\n\n")[0]
    assert "washer" in block and " points" in block


def test_runs_without_durables_compare_no_durables(run_file, rich_file, capsys):
    assert compare.main([str(run_file), str(rich_file)]) == 0
    out = capsys.readouterr().out
    assert "failures" not in out and "saturation" not in out


def test_a_money_column_has_one_precision():
    """A small difference among large ones is shown in whole units like them (+36, not +35.61);
    a column of small amounts keeps its cents."""
    import pandas as pd
    table = pd.DataFrame({"firm": ["A", "B", "C"],
                          "cumulative_profit A": [1.53, -0.25, 0.0],
                          "cumulative_profit B-A": [19990.4, 35.61, -0.4]})
    text = compare._format(table)
    assert list(text["cumulative_profit B-A"]) == ["+19,990", "+36", "0"]
    assert list(text["cumulative_profit A"]) == ["1.53", "-0.25", "0"]


def _figure_title(a_path, b_path):
    a, b = load_run(a_path), load_run(b_path)
    fig = compare.share_difference_figure(a, b, compare.scenario_changes(a, b))
    return fig, fig.axes[0].get_title()


def test_share_difference_figure_says_what_a_and_b_are(run_file, rich_file, tmp_path):
    """The figure names both files and the keys that differ, not just "B - A"."""
    import shutil
    fig, title = _figure_title(run_file, rich_file)
    lines = title.split("\n")
    assert lines[0].startswith("Tiny market: market share, B - A (paired: same seed")
    assert lines[1] == f"A: {run_file.name};  B: {rich_file.name}"
    assert lines[2] == "B changes Mass's marketing budget: 40000 -> 80000"  # key_words
    _, same = _figure_title(run_file, run_file)
    assert same.split("\n")[2] == "the resolved scenarios are identical"
    # Another seed: the title does not claim the differences are paired.
    other = tmp_path / "other-seed.h5"
    shutil.copy(run_file, other)
    import h5py
    with h5py.File(other, "r+") as f:
        f.attrs["seed"] = 8
    _, unpaired = _figure_title(run_file, other)
    assert "not paired" in unpaired.split("\n")[0]


def test_changes_line_shows_every_change_wrapped():
    """Every change, wrapped between changes, none hidden behind "and 7 more"; only a list
    longer than CHANGES_LINES lines says how many more and that the console lists them."""
    changes = [(f"firms.F{i}.budget_per_year", "1000", "2000") for i in range(9)]
    text = compare.changes_line(changes)
    lines = text.split("\n")
    assert all(len(line) <= compare.CHANGES_WIDTH for line in lines)
    assert 1 < len(lines) <= compare.CHANGES_LINES
    assert text.startswith("B changes F0's marketing budget: ")
    assert all(f"F{i}'s marketing budget: 1000 -> 2000" in text for i in range(9))
    assert "more" not in text
    changes = [(f"firms.F{i}.budget_per_year", "1000", "2000") for i in range(30)]
    lines = compare.changes_line(changes).split("\n")
    assert len(lines) == compare.CHANGES_LINES
    shown = sum(line.count("marketing budget") for line in lines)
    assert lines[-1].endswith(f"; and {30 - shown} more (analysis.compare lists every change)")


def test_runs_of_a_branched_experiment_name_the_keys_the_branch_sets(tmp_path):
    """A branched experiment's runs differ in their branch: block's keys
    (branch.set.firms.Mass.budget_per_year): the title names the key it sets, in words, and from
    when, not the internal branch.set.* path."""
    from conftest import run_tiny
    path = run_tiny(tmp_path / "branched.h5", "experiment={replications: 1, sweep: "
                    "{firms.Mass.budget_per_year: [40000, 80000]}, branch_at: 5}")
    a, b = load_run(path, "0"), load_run(path, "1")
    assert [key for key, _, _ in compare.scenario_changes(a, b)] == [
        "branch.set.firms.Mass.budget_per_year"]
    title = compare.share_difference_figure(a, b).axes[0].get_title()
    assert title.split("\n")[-1] == ("B changes Mass's marketing budget from week 6 on: "
                                     "40000 -> 80000")
    assert "branch.set" not in title


def test_a_branch_key_is_dated_by_b_s_branch_when_the_runs_branch_at_different_steps(tmp_path):
    """"B changes ... from week W on" says when B's value applies: W is B's branch, not A's, when
    the two runs branch at different steps (and A's when B has no branch: block)."""
    from conftest import run_tiny
    a = load_run(run_tiny(tmp_path / "a.h5", "branch={step: 4, set: "
                          "{firms.Mass.budget_per_year: 50000}}"))
    b = load_run(run_tiny(tmp_path / "b.h5", "branch={step: 7, set: "
                          "{firms.Mass.budget_per_year: 80000}}"))
    plain = load_run(run_tiny(tmp_path / "plain.h5"))
    assert compare.branch_from(a, b) == "week 8"
    assert compare.branch_from(plain, a) == "week 5"
    title = compare.share_difference_figure(a, b).axes[0].get_title()
    assert "Mass's marketing budget from week 8 on: 50000 -> 80000" in title


def test_a_branch_key_written_by_index_is_the_same_key_written_by_name(tmp_path):
    """branch.set's firms.1.markup and firms.Diff.markup are one key (Diff is the second firm),
    named by the firm's name: no change between two runs that set it alike, and one change,
    "Diff's markup", between runs that set it differently."""
    from conftest import run_tiny
    def branched(name, key, value):
        return load_run(run_tiny(tmp_path / name, f"branch={{step: 5, set: {{{key}: {value}}}}}"))
    by_index = branched("i.h5", "firms.1.markup", 0.5)
    by_name = branched("n.h5", "firms.Diff.markup", 0.5)
    other = branched("o.h5", "firms.Diff.markup", 0.7)
    assert compare.scenario_changes(by_index, by_name) == []
    assert compare.scenario_changes(by_index, other) == [
        ("branch.set.firms.Diff.markup", "0.5", "0.7")]


def test_a_firm_not_in_the_market_is_not_compared_as_a_real_firm(monopoly_file, durables_file,
                                                                  tmp_path, capsys):
    """planned_obsolescence.yaml as shipped: LongLife never enters. Its rows say "not in market"
    (analysis.summary.not_in_market, as summarize, the report and the figures decide it), not
    0.0% and ROI 0.00, and there is no B - A for it."""
    from analysis.summary import not_in_market
    a = load_run(monopoly_file)
    assert not_in_market(a) == ["LongLife"]
    table = compare.comparison_table(a, a).set_index("firm")
    assert list(table["in_market A"]) == [True, False]
    assert table.loc["LongLife", ["roi A", "roi B", "roi B-A"]].isna().all()
    assert compare.main([str(monopoly_file), str(monopoly_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for title in ("market share (last step)", "ROI (last step)",
                  "early failures, before the reference life (summed over the run)"):
        block = out.split(f"\n{title}:\n")[1].split("\n\n")[0]
        longlife = next(r for r in block.splitlines() if r.split()[0] == "LongLife")
        assert longlife.split() == ["LongLife", "not", "in", "market", "not", "in", "market",
                                    "-"], (title, longlife)
        assert "0.00" not in longlife and "0.0%" not in longlife
    assert ("LongLife: not in market in A and B (sold nothing and spent nothing during the "
            "run); no figures there and no B - A.") in out
    # The figure leaves it out and says so.
    fig, _ = _figure_title(monopoly_file, monopoly_file)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Durabox"]
    assert "LongLife: not in market in either run" in fig.texts[0].get_text()
    # Against a run where it entered: the entered side has figures, the other says why. The
    # runs have 30 and 60 steps: both are compared at week 30.
    capsys.readouterr()
    assert compare.main([str(monopoly_file), str(durables_file)]) == 0
    out = capsys.readouterr().out
    block = out.split("\nROI (week 30, the last week both runs have):\n")[1].split("\n\n")[0]
    longlife = next(r for r in block.splitlines() if r.split()[0] == "LongLife").split()
    assert longlife[1:4] == ["not", "in", "market"] and longlife[-1] == "-"
    assert float(longlife[4]) != 0  # a real ROI (negative in this short run)
    assert ("LongLife: not in market in A (sold nothing and spent nothing during weeks 1 to 30)"
            in out)


def test_cumulative_profit_is_headed_as_the_last_steps_value(run_file, rich_file, capsys):
    assert compare.main([str(run_file), str(rich_file)]) == 0
    out = capsys.readouterr().out
    assert "\ncumulative profit (last step: the profit of the whole run):\n" in out
    assert "cumulative profit (summed over the run)" not in out


@pytest.fixture(scope="module")
def longer_file(tmp_path_factory):
    """The tiny scenario as run_file (seed 7, 20000 consumers) but 30 steps long."""
    from conftest import run_tiny
    return run_tiny(tmp_path_factory.mktemp("runs") / "tiny-30.h5", "steps=30")


@pytest.fixture(scope="module")
def renamed_file(tmp_path_factory):
    """The tiny scenario as run_file with the mass marketer renamed Big."""
    from conftest import run_tiny
    return run_tiny(tmp_path_factory.mktemp("runs") / "tiny-big.h5", "firms.Mass.name=Big")


def test_runs_of_other_lengths_are_compared_over_the_steps_both_have(run_file, longer_file,
                                                                    capsys):
    """10 steps against 30 of the same scenario and seed: the cumulative figures of B's whole
    run are not set against A's 10 steps; every figure is at week 10 (the last week both runs
    have), where the two runs are the same run, and the note says over which steps the random
    numbers are shared instead of calling the whole runs paired."""
    a, b = load_run(run_file), load_run(longer_file)
    table = compare.comparison_table(a, b).set_index("firm")
    last = b.market["cumulative_profit"].iloc[9]
    assert list(table["cumulative_profit B"]) == list(last.reindex(table.index))
    assert (table["cumulative_profit B-A"] == 0).all() and (table["market_share B-A"] == 0).all()
    assert compare.main([str(run_file), str(longer_file)]) == 0
    out = capsys.readouterr().out
    assert "steps: 10 -> 30" in out
    assert ("A has 10 steps and B 30: every figure below is of the 10 steps both runs have, "
            "at week 10 (sums over weeks 1 to 10); B's weeks 11 to 30 are not compared.") in out
    assert "\nmarket share (week 10, the last week both runs have):\n" in out
    assert "\ncumulative profit (week 10: the profit of weeks 1 to 10):\n" in out
    assert "(last step" not in out
    profit = out.split("\ncumulative profit (")[1].split("\n\n")[0].splitlines()[2:]
    assert profit and all(row.split()[-1] == "0" for row in profit)
    assert "they share their random numbers (common random numbers)" not in out
    assert ("Both runs use seed 7 and 20000 consumers but have 10 and 30 steps: over the 10 "
            "steps both have, they share their random numbers") in out


def test_a_run_with_other_firms_is_not_called_paired(run_file, renamed_file, tmp_path, capsys):
    """Mass renamed Big: Mass is not "not in market" in B, it is not in B's run at all, and with
    other firms the runs are not paired runs of one market."""
    a, b = load_run(run_file), load_run(renamed_file)
    assert not compare.paired(a, b) and compare.paired(a, load_run(run_file))
    assert compare.main([str(run_file), str(renamed_file), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    block = out.split("\nmarket share (last step):\n")[1].split("\n\n")[0]
    rows = {row.split()[0]: row.split()[1:] for row in block.splitlines()[1:]}
    assert rows["Mass"][0].endswith("%") and rows["Mass"][1:] == ["not", "in", "run", "-"]
    assert rows["Big"][:3] == ["not", "in", "run"] and rows["Big"][-1] == "-"
    assert "not in market" not in out
    assert "Mass: only in A; Big: only in B: no B - A for them." in out
    assert "they share their random numbers" not in out
    assert "The runs do not have the same firms (only in A: Mass; only in B: Big)" in out
    fig, title = _figure_title(run_file, renamed_file)
    assert "not paired: the runs do not have the same firms" in title.split("\n")[0]
    assert "Mass: only in A; Big: only in B; not drawn." in fig.texts[0].get_text()
    # Each firm's whole entry, too long for a line: each is cut between words, on a line of its
    # own, and both are shown.
    lines = title.split("\n")[2:]
    assert len(lines) == 2 and all(len(line) <= compare.CHANGES_WIDTH for line in lines)
    shown = " ".join(lines)[len("B changes "):].rstrip(";").split("; ")
    full = [f"{key}: {old} -> {new}" for key, old, new in compare.scenario_changes(a, b)]
    assert len(shown) == len(full) == 2
    for change, whole in zip(shown, full):
        kept = change[:-len(" ...")]
        assert change.endswith(" ...") and whole.startswith(kept)
        assert not (kept[-1].isalnum() and whole[len(kept)].isalnum())


def test_two_runs_of_an_experiment_differ_in_their_design_point_not_their_output(
        marketsim_sweep):
    """Runs 0 and 2 of a sweep: the swept budget is the change; where each run's file went
    (output.path) and what it records change nothing in the market, and are not listed."""
    a = load_run(marketsim_sweep, run="00000")
    b = load_run(marketsim_sweep, run="00002")
    assert a.scenario.split("output:")[1] != b.scenario.split("output:")[1]  # the files differ
    changes = compare.scenario_changes(a, b)
    assert [key for key, _, _ in changes] == ["firms.Mass.budget_per_year"]


def test_an_undefined_figure_is_not_compared(tmp_path, capsys):
    """Mass with no budget and nobody aware of it has no buyers in A: its customer share is
    undefined there (the file records 0, `marketsim summarize` prints n/a), so it is "-" with no
    B - A, not "0.0% -> 40%, +40 points"; its market share, 0 of the units sold, is compared."""
    from conftest import run_tiny
    a = run_tiny(tmp_path / "a.h5", "firms.Mass.budget_per_year=0",
                 "market.initial_awareness=0")
    b = run_tiny(tmp_path / "b.h5", "market.initial_awareness=0")
    table = compare.comparison_table(load_run(a), load_run(b)).set_index("firm")
    mass = table.loc["Mass"]
    assert load_run(a).market["customer_share"]["Mass"].iloc[-1] == 0  # as recorded
    assert mass["customer_share B"] > 0
    assert pd.isna(mass["customer_share A"]) and pd.isna(mass["customer_share B-A"])
    assert mass["market_share A"] == 0 and mass["market_share B-A"] > 0
    assert compare.main([str(a), str(b)]) == 0
    block = capsys.readouterr().out.split("customer share (last step):")[1].split("\n\n")[0]
    mass_line = next(line for line in block.splitlines() if line.split()[:1] == ["Mass"])
    assert mass_line.split()[1] == "-" and mass_line.split()[-1] == "-"
    assert "0.0%" not in mass_line


def test_market_share_is_not_compared_where_nothing_sold(run_file, tmp_path):
    """Nobody buys in A (an outside option far better than any product): every market share
    there is 0 of 0 units, undefined, so there is no B - A and no difference is drawn."""
    from conftest import run_tiny
    a = load_run(run_tiny(tmp_path / "nobody.h5", "market.outside_utility=1e6"))
    b = load_run(run_file)
    table = compare.comparison_table(a, b)
    assert table["market_share A"].isna().all() and table["market_share B-A"].isna().all()
    assert table["market_share B"].notna().all()
    fig = compare.share_difference_figure(a, b)
    drawn = [line.get_ydata() for line in fig.axes[0].get_lines()
             if line.get_label() in a.firms]
    assert drawn and all(pd.isna(y).all() for y in drawn)
    notes = " ".join(text.get_text() for text in fig.texts)
    assert "Not drawn in 10 weeks where A or B sold nothing" in notes


def test_the_header_names_each_run_of_an_experiment(marketsim_sweep, capsys):
    """Runs 0 and 3 of a sweep: the console names each run's id, design point and replication,
    as analysis.load does, and says that A, without --run-a, is the file's first run by
    default; the figure's title names them likewise."""
    assert compare.main([str(marketsim_sweep), str(marketsim_sweep), "--run-b", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    name = marketsim_sweep.name
    assert lines[0] == (f"A: {marketsim_sweep}  (Tiny market, 10 steps; run 00000 of 4, design "
                        "point 0, replication 0: the first run, by default; choose another "
                        "with --run-a ID)")
    assert lines[1] == (f"B: {marketsim_sweep}  (Tiny market, 10 steps; run 00003 of 4, design "
                        "point 1, replication 1)")
    assert compare.main([str(marketsim_sweep), str(marketsim_sweep), "--run-a", "0",
                         "--run-b", "00003"]) == 0
    assert "by default" not in capsys.readouterr().out.splitlines()[0]
    a = load_run(marketsim_sweep, run="00000")
    b = load_run(marketsim_sweep, run="00003")
    title = compare.share_difference_figure(a, b).axes[0].get_title().splitlines()
    assert title[1] == (f"A: {name} (run 00000, design point 0, replication 0);  "
                        f"B: {name} (run 00003, design point 1, replication 1)")


def test_the_header_of_a_single_run_file_names_no_run(run_file, rich_file, capsys):
    assert compare.main([str(run_file), str(rich_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"A: {run_file}  (Tiny market, 10 steps)",
                         f"B: {rich_file}  (Tiny market, 10 steps)"]
