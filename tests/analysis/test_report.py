"""analysis.report: one self-contained HTML page."""

import html as html_module
import os
import re
import shutil
import subprocess
import sys

import h5py
import pytest

from analysis import report
from conftest import ROOT


def test_report_is_self_contained(run_file, tmp_path):
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == 6
    assert 'src="http' not in page and "href=" not in page
    assert not re.search(r'src="(?!data:)', page)
    assert "Twenty thousand consumers" in page  # the scenario's description
    for heading in ("market share", "customer share", "penetration", "profit (cumul.)", "ROI"):
        assert heading in page
    assert "OneToOne" in page and "one_to_one" in page
    assert "Not shown: obsolescence.png" in page
    # In the classroom's words, not the run file's dataset paths.
    assert "Not shown: obsolescence.png, because the scenario has no durable goods." in page
    assert "/market/" not in page and "installed_base" not in page


def test_the_durables_report_names_no_dataset_paths(durables_file, tmp_path):
    """The n/a note of a maker of durables only says the run file keeps the raw series, without
    naming its datasets (/market/lost_customers, ...)."""
    out = tmp_path / "durables.html"
    assert report.main([str(durables_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "the run file still holds their raw series, step by step" in page
    assert "/market/" not in page


def test_report_of_an_experiment(experiment_file, tmp_path):
    out = tmp_path / "experiment.html"
    assert report.main([str(experiment_file), "--run", "1", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Experiment: key results over all 3 runs, by design point" in page
    assert "computed from /experiment/runs" in page and "market_share_Mass" in page
    assert "This file is an experiment of 3 runs" in page
    assert "of one run only: run 1 (design point 1, seed 7)" in page
    assert "<h2>Summary (run 1 only)</h2>" in page and "<h2>Figures (run 1 only)</h2>" in page
    # the distributions over every run: one figure per key result in /experiment/runs
    # and market share over time across design point 0's two runs
    assert page.count('alt="experiment_') == 3
    assert 'alt="experiment_market_share.png"' in page and 'alt="experiment_profit.png"' in page
    assert 'alt="experiment_market_share_over_time.png"' in page


def test_report_uses_experiment_summary(experiment_with_summary, tmp_path):
    out = tmp_path / "summary.html"
    assert report.main([str(experiment_with_summary), "-o", str(out)]) == 0
    assert "Summary by design point (/experiment/summary)" in out.read_text(encoding="utf-8")


def test_report_with_durables_has_seven_figures(durables_file, tmp_path):
    """With unit_cost.png: Durabox's short-lived washers cost less to make than LongLife's."""
    out = tmp_path / "durables.html"
    assert report.main([str(durables_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 7 and "Not shown" not in page


def _no_work(*_args, **_kwargs):
    raise AssertionError("the run was loaded before the output path was checked")


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "missing" / "x.html", "directory '{d}/missing' does not exist"),
    (lambda d: d / "notes.txt" / "x.html", "'{d}/notes.txt' is not a directory"),
    (lambda d: d, "it is a directory (expected a file name)"),
    (lambda d: "", "expected a file name"),
])
def test_bad_output_path_exits_2_before_any_work(run_file, tmp_path, capsys, monkeypatch,
                                                  make, reason):
    (tmp_path / "notes.txt").write_text("not a directory")
    monkeypatch.setattr(report, "load_run_or_report", _no_work)
    out = make(tmp_path)
    assert report.main([str(run_file), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write '{out}': {reason.format(d=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


def test_report_refuses_to_overwrite_its_input(run_file, tmp_path, capsys):
    copy = tmp_path / "run.h5"
    copy.write_bytes(run_file.read_bytes())
    assert report.main([str(copy), "-o", str(copy)]) == 2
    assert "it is an input file" in capsys.readouterr().err
    assert copy.read_bytes() == run_file.read_bytes()


def test_unwritable_output_directory(run_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)  # as if not ours to write
    assert report.main([str(run_file), "-o", str(tmp_path / "x.html")]) == 2
    assert f"directory '{tmp_path}' is not writable" in capsys.readouterr().err


def test_bad_output_path_on_the_command_line(run_file, tmp_path):
    out = tmp_path / "nodir" / "x.html"
    proc = subprocess.run([sys.executable, "-m", "analysis.report", str(run_file), "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"error: cannot write '{out}': directory '{tmp_path}/nodir' "
                           "does not exist\n")


def test_report_shows_the_paired_differences_of_a_sweep(marketsim_sweep, tmp_path):
    out = tmp_path / "sweep.html"
    assert report.main([str(marketsim_sweep), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Summary by design point (/experiment/summary)" in page
    assert "Changes against design point 0 (/experiment/differences)" in page


MONEY = re.compile(r"^[+-]?(\d{1,3}(,\d{3})*|\d{1,2}\.\d\d)$")
PERCENT = re.compile(r"^-?\d+\.\d%$")
POINTS = re.compile(r"^[+-]?\d+\.\d points$")


def test_single_run_numbers_are_readable(run_file, tmp_path):
    from html_tables import table_under
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    rows = table_under(out.read_text(encoding="utf-8"), "Summary")
    assert [row["firm"] for row in rows] == ["Mass", "Diff", "Niche", "OneToOne"]
    for row in rows:
        for share in ("market share", "customer share", "penetration", "awareness"):
            assert PERCENT.match(row[share]), row
        assert MONEY.match(row["profit (cumul.)"]), row
        assert re.match(r"^-?\d+\.\d\d$", row["ROI"]), row
    assert any("," in row["profit (cumul.)"] for row in rows)  # thousands separators


def test_experiment_numbers_are_readable(marketsim_sweep, tmp_path):
    from html_tables import tables
    out = tmp_path / "sweep.html"
    assert report.main([str(marketsim_sweep), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = {title: [dict(zip(columns, row)) for row in rows] for title, columns, rows in
             tables(page)}
    cells = [cell for rows in found.values() for row in rows for cell in row.values()]
    assert not any(re.search(r"\de[+-]\d", cell) for cell in cells)  # no 1.999e+04
    summary = next(rows for title, rows in found.items() if "/experiment/summary" in title)
    changes = next(rows for title, rows in found.items() if "/experiment/differences" in title)
    every_run = next(rows for title, rows in found.items() if "/experiment/runs" in title)
    for rows, difference in ((summary, False), (changes, True)):
        for row in rows:
            assert row["n"] == "2"
            if row["metric"] in ("market_share", "customer_share"):
                pattern = POINTS if difference else PERCENT
                assert all(pattern.match(row[c]) for c in ("mean", "p5", "p50", "p95")), row
                assert POINTS.match(row["sd"]) and not row["sd"].startswith("+"), row
            elif row["metric"] in ("cumulative_profit", "profit_per_year"):
                assert all(MONEY.match(row[c]) for c in ("mean", "sd", "p5", "p95")), row
                assert difference or "," in row["mean"] or abs(float(row["mean"])) < 1000, row
    assert [row["firms.Mass.budget_per_year"] for row in summary[:1]] == ["40,000"]
    for row in every_run:
        assert PERCENT.match(row["market_share:Mass"]) and MONEY.match(
            row["cumulative_profit:Mass"]), row
        assert row["run"].isdigit() and "," not in row["seed"]


@pytest.mark.parametrize("as_written", ["by older marketsim (sd 0)", "as NaN"])
def test_one_run_per_design_point_shows_no_spread(tmp_path, as_written):
    """n = 1: sd and the 95% CI are undefined; the report says n/a, whether the file holds
    NaN (marketsim now) or 0 and the mean (older versions)."""
    import h5py
    import numpy as np
    from conftest import run_tiny
    from html_tables import tables
    path = run_tiny(tmp_path / "single.h5",
                    "experiment.sweep={firms.Mass.budget_per_year: [40000, 80000]}")
    if as_written == "as NaN":
        with h5py.File(path, "r+") as f:
            for table in ("summary", "differences"):
                for column in ("sd", "ci95_low", "ci95_high"):
                    f[f"experiment/{table}/{column}"][...] = np.nan
    out = tmp_path / "single.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    found = [(title, [dict(zip(c, r)) for r in rows]) for title, c, rows in
             tables(out.read_text(encoding="utf-8"))]
    checked = 0
    for title, rows in found:
        if "/experiment/summary" in title or "/experiment/differences" in title:
            for row in rows:
                assert row["n"] == "1"
                assert row["sd"] == row["ci95_low"] == row["ci95_high"] == "n/a", row
                assert row["mean"] != "n/a" and row["p50"] != "n/a"
                checked += 1
    assert checked > 0


def _terminal_rows(path, title):
    """The rows of a table that `marketsim summarize` prints under `title`, split on spaces."""
    from conftest import marketsim_binary
    out = subprocess.run([marketsim_binary(), "summarize", str(path)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    block = out.split(title, 1)[1].strip("\n").split("\n\n")[0].splitlines()
    return {line.split()[0]: line.split()[1:] for line in block[2:]}  # after 2 header lines


def _count(text):
    """A count as `marketsim summarize` prints it: 4553, 145.9k."""
    return float(text[:-1]) * 1000 if text.endswith("k") else float(text)


# As the report heads them: retention per the run's period (weekly here), as summarize does.
RELATIONSHIP_COLUMNS = ["firm", "share of wallet", "purchases per buyer", "active customers",
                        "lost customers", "retention per week", "CLV", "programs cost"]


def test_customer_relationships_table_agrees_with_summarize(run_file, tmp_path):
    from html_tables import tables
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = {title: (columns, rows) for title, columns, rows in tables(page)}
    columns, rows = found["Customer relationships"]
    assert columns == RELATIONSHIP_COLUMNS
    terminal = _terminal_rows(run_file, "Customer relationships:")
    assert [row[0] for row in rows] == list(terminal) == ["Mass", "Diff", "Niche", "OneToOne"]
    for row in rows:
        sow, per_buyer, _active, lost, retention, clv, _cost = terminal[row[0]]
        assert (row[1], row[2], row[5], row[6]) == (sow, per_buyer, retention, clv)
        assert float(row[4].replace(",", "")) == pytest.approx(_count(lost), abs=50)
        # Consumables: every figure means something, but retention and CLV only once a lapse
        # can be seen, 26 steps after a firm's first customer (the run has 10).
        assert row[5] == row[6] == "n/a"
        assert "n/a" not in row[:5] + row[7:]
    assert "No lapse can be seen yet: a customer lapses 26 weeks after" in page
    assert "Share of wallet: the firm's revenue" in page
    assert "Durable goods" not in page


# The widths of `marketsim summarize`'s customer-relationships columns after the firm's 16
# (models/summary_tables.cpp), each after one space: read by position, a blank cell stays blank
# (split on spaces, as _terminal_rows reads it, it vanishes, and every later cell moves left).
TERMINAL_RELATIONSHIP_WIDTHS = [9, 10, 9, 9, 10, 9, 9, 9, 10]


def _terminal_cells(path):
    """{firm: [cell text, ...]} of summarize's customer-relationships table, blank cells "",
    and the header's column names (by position too)."""
    from conftest import marketsim_binary
    out = subprocess.run([marketsim_binary(), "summarize", str(path)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    block = out.split("Customer relationships:\n", 1)[1].split("\n\n")[0].splitlines()

    def cells(line):
        found, at = [], 16
        for width in TERMINAL_RELATIONSHIP_WIDTHS:
            found.append(line[at + 1:at + 1 + width].strip())
            at += 1 + width
        return found
    top, bottom = cells(block[0]), cells(block[1])
    names = [" ".join(p for p in pair if p) for pair in zip(top, bottom)]
    while names and not names[-1]:  # a table without the referral columns
        names.pop()
    return {line[:16].strip(): cells(line)[:len(names)] for line in block[2:]}, names, out


def _same_number(report_text, terminal_text):
    """A count or an amount as the report writes it (13,579) against summarize's (13.6k)."""
    value = float(report_text.replace(",", ""))
    shown = terminal_text
    scale = {"k": 1e3, "M": 1e6}.get(shown[-1], 1)
    expected = float(shown.rstrip("kM")) * scale
    return value == pytest.approx(expected, abs=0.051 * scale if scale > 1 else 0.5)


# ClubRoast's referral program switched on again at week 27 by a branch: block.
BRANCH_ON = ("branch={step: 26, set: {firms.ClubRoast.referral_program.multiplier: 3, "
             "firms.ClubRoast.referral_program.reward: 0.5}}",)


@pytest.fixture(scope="module", params=["shipped", "programs_off", "branch_on"])
def referral_run(request, tmp_path_factory):
    """loyalty_referral.yaml, small: as shipped (ClubRoast has both programs), with ClubRoast's
    programs switched off by --set (a referral program of multiplier 1 and reward 0: no program,
    though marketsim still tags the customers word of mouth brought in), and with its referral
    program switched on again half-way by a branch: block (a program, as in summarize)."""
    from conftest import PROGRAMS_OFF, run_loyalty_referral
    out = tmp_path_factory.mktemp("runs") / f"referral-{request.param}.h5"
    sets = {"shipped": (), "programs_off": PROGRAMS_OFF,
            "branch_on": PROGRAMS_OFF + BRANCH_ON}[request.param]
    return request.param, run_loyalty_referral(out, "consumers=5000", *sets)


def test_relationships_table_agrees_with_summarize_cell_by_cell_with_referrals(referral_run,
                                                                             tmp_path):
    """Every cell of the report's customer-relationships table against `marketsim summarize`'s,
    read by position so that a blank cell is seen: the referral columns are blank for a firm
    without a referral program (BeanCo, PlainRoast), not "0 | n/a", in both; once ClubRoast's
    program multiplies by 1 and pays 0, no firm has one, and neither has the columns, unless a
    branch switches it on again. The tiny market of the test above has no referral program, so
    it never had these columns to compare."""
    from html_tables import tables
    which, path = referral_run
    out = tmp_path / "report.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = {title: (columns, rows) for title, columns, rows in tables(page)}
    columns, rows = found["Customer relationships"]
    terminal, names, printed = _terminal_cells(path)
    assert columns[1:] == names
    assert [row[0] for row in rows] == list(terminal) == ["BeanCo", "ClubRoast", "PlainRoast"]
    exact = {"share of wallet", "purchases per buyer", "retention per week", "CLV",
             "referred retention"}
    for row in rows:
        for name, mine, theirs in zip(columns[1:], row[1:], terminal[row[0]]):
            if mine == "" or theirs == "" or name in exact or "n/a" in (mine, theirs):
                assert mine == theirs, (row[0], name, mine, theirs)
            else:
                assert _same_number(mine, theirs), (row[0], name, mine, theirs)
    programs = {"shipped": ["ClubRoast"], "programs_off": [], "branch_on": ["ClubRoast"]}[which]
    # When the branch's changes apply, said alike by summarize and the report.
    branched = [line for line in printed.splitlines() if line.startswith("Branched at")]
    assert branched == (["Branched at week 27 (step 26): from then on, "
                         "firms.ClubRoast.referral_program.multiplier=3, "
                         "firms.ClubRoast.referral_program.reward=0.5"]
                        if which == "branch_on" else [])
    assert all(html_module.escape(line) in page for line in branched)
    note = "The referral columns are blank for firms without a referral program."
    from analysis.load import load_run
    from analysis.summary import referral_program_firms, relationships_table
    run = load_run(path)
    assert referral_program_firms(run) == programs
    table = relationships_table(run).set_index("firm")
    if not programs:
        # Customers are tagged all the same, but no firm has a program: neither side has the
        # referral columns, or the note about blanks.
        assert run.market["referred_customers"].iloc[-1].max() > 0
        assert "referred customers" not in columns and "referred customers" not in table.columns
        assert note not in printed and note not in page
        return
    for row in rows:
        cells = dict(zip(columns, row))
        has = row[0] in programs
        assert (cells["referred customers"] != "") == has, row
        assert (cells["referred retention"] != "") == has, row
    assert note in printed and note in page
    for firm in run.firms:  # NaN, not the 0 the file records, for a firm without a program
        referred = table.loc[firm, "referred customers"]
        assert referred > 0 if firm in programs else referred != referred  # NaN


def test_durable_goods_table_and_no_lapse_metrics_for_durables(durables_file, tmp_path):
    from html_tables import tables
    out = tmp_path / "durables.html"
    assert report.main([str(durables_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = {title: (columns, rows) for title, columns, rows in tables(page)}
    columns, rows = found["Durable goods, over the run, in the durable category (washer)"]
    assert columns == ["firm", "units", "failures", "early failures", "mean age at failure",
                       "replacement share", "upgrades", "installed base", "loyalty"]
    terminal = _terminal_rows(durables_file,
                              "Durable goods, over the run, in the durable category (washer):")
    for row in rows:
        expected = terminal[row[0]]
        assert float(row[1].replace(",", "")) == pytest.approx(_count(expected[0]), abs=50)
        # Early failures: n/a, as the run (60 weeks) ends before a washer can reach its
        # reference life (104 weeks); tests/analysis/test_early_failures.py checks the rule.
        assert row[3] == expected[2] == "n/a"
        if row[4] == "n/a":  # no failures: n/a for the mean age, as summarize
            assert expected[3] == "n/a"
        else:
            assert row[5] == expected[5]
            assert row[4] == " ".join(expected[3:5])  # "37 weeks", a weekly run's unit
        assert row[8] == expected[-1]
    saturation = re.search(r"washer: (\d+\.\d%) of consumers own a working one",
                           subprocess.run([__import__("conftest").marketsim_binary(),
                                           "summarize", str(durables_file)],
                                          capture_output=True, text=True).stdout).group(1)
    assert f"washer: {saturation} of consumers own a working one" in page
    # Both firms sell only washers: lapse-based metrics are n/a, with the reason.
    columns, rows = found["Customer relationships"]
    for row in rows:
        cells = dict(zip(columns, row))
        assert cells["lost customers"] == cells["retention per week"] == cells["CLV"] == "n/a"
        assert cells["share of wallet"].endswith("%") and cells["active customers"] != "n/a"
    assert "Durabox and LongLife sell only durable goods" in page
    assert "lost customers, retention per week and CLV measure nothing there" in page
    # The note says what `marketsim summarize` really prints for them: n/a, not raw figures.
    assert "prints the raw figures" not in page
    assert "<code>marketsim summarize</code> prints n/a for them too" in page
    printed = _terminal_rows(durables_file, "Customer relationships:")
    assert set(printed) == {"Durabox", "LongLife"}
    for firm, values in printed.items():
        assert values[3:6] == ["n/a", "n/a", "n/a"], firm  # lost, retention, CLV


def test_experiment_report_says_what_is_one_run_and_shows_every_run(marketsim_experiment,
                                                                   tmp_path):
    out = tmp_path / "replications.html"
    assert report.main([str(marketsim_experiment), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    first = page.index("This file is an experiment of 3 runs")
    assert first < page.index("<h2>Summary (run 00000 only)</h2>")
    assert "of one run only: run 00000 (design point 0, replication 0, seed 7)" in page
    for heading in ("Customer relationships (run 00000 only)", "Figures (run 00000 only)"):
        assert f"<h2>{heading}</h2>" in page
    experiment = page[page.index("Experiment: key results over all 3 runs, by design point"):]
    names = re.findall(r'alt="(experiment_[a-z_]+\.png)"', experiment)
    assert names == ["experiment_market_share.png", "experiment_customer_share.png",
                     "experiment_cumulative_profit.png", "experiment_profit_per_year.png",
                     "experiment_roi.png", "experiment_revenue.png",
                     "experiment_marketing_spend.png", "experiment_program_cost.png",
                     "experiment_market_share_over_time.png"]
    assert "whiskers run from p5 to p95" in experiment
    assert re.findall(r'alt="experiment_', page[:page.index("Experiment: key results")]) == []


def test_single_run_report_has_no_experiment_notes(run_file, tmp_path):
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h2>Summary</h2>" in page and "only)" not in page and "experiment_" not in page


def test_summary_table_has_profit_per_year_as_summarize_prints_it(run_file, tmp_path):
    from html_tables import tables
    out = tmp_path / "summary.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    found = {title: (columns, rows) for title, columns, rows in tables(out.read_text("utf-8"))}
    columns, rows = next(v for title, v in found.items() if title.startswith("Summary"))
    assert "profit per year" in columns
    at = columns.index("profit per year")
    from conftest import marketsim_binary
    printed = subprocess.run([marketsim_binary(), "summarize", str(run_file)], check=True,
                             capture_output=True, text=True, timeout=60).stdout.splitlines()
    for row in rows:
        line = next(x.split() for x in printed if x.split()[:2] == row[:2])  # firm, strategy
        per_year = line[-2]  # the column before ROI
        assert float(row[at].replace(",", "")) == pytest.approx(_count(per_year), rel=0.01)


def test_a_firm_not_in_the_market_says_so_in_every_table(monopoly_file, tmp_path):
    """LongLife never enters: the tables say "not in market" as `marketsim summarize` does,
    instead of 0.0%, 0 and 0.00, and the n/a note names only the firm that sells durables."""
    from html_tables import tables
    out = tmp_path / "monopoly.html"
    assert report.main([str(monopoly_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = {title: rows for title, _, rows in tables(page)}
    why = "not in market: sold nothing and spent nothing during the run"
    summary = {row[0]: row for row in found["Summary"]}
    assert summary["LongLife"] == ["LongLife", "mass", why]
    assert len(summary["Durabox"]) == 9 and summary["Durabox"][2] == "100.0%"
    terminal = subprocess.run([__import__("conftest").marketsim_binary(), "summarize",
                               str(monopoly_file)], capture_output=True, text=True).stdout
    assert why in terminal  # the wording of `marketsim summarize`
    for title in ("Customer relationships",
                  "Durable goods, over the run, in the durable category (washer)"):
        rows = {row[0]: row for row in found[title]}
        assert rows["LongLife"] == ["LongLife", why], title
    assert 'colspan="7"' in page
    assert "Durabox sells only durable goods" in page and "LongLife sell" not in page


def test_the_reading_of_a_monopoly_names_no_winner(monopoly_file, tmp_path):
    out = tmp_path / "monopoly.html"
    assert report.main([str(monopoly_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    # Then the segment leaders, as summarize prints them under the reading.
    assert "<p>Durabox (mass) is the only firm in the market.<br>By segment, " in page
    assert "sold the most units" not in page and "earned the most" not in page


@pytest.fixture(scope="module")
def shocked_file(tmp_path_factory):
    """The tiny scenario, 10 steps, with a budget cut at step 5 set on the command line."""
    from conftest import run_tiny
    return run_tiny(tmp_path_factory.mktemp("runs") / "shocked.h5",
                    "shocks=[{name: cut, step: 5, kind: budget, firm: Mass, multiply: 0.7}]")


def _page(path, tmp_path):
    out = tmp_path / "page.html"  # the page of the previous call is replaced
    assert report.main([str(path), "-o", str(out), "--force"]) == 0
    return out.read_text(encoding="utf-8")


def test_a_run_changed_on_the_command_line_says_so_under_the_description(shocked_file,
                                                                          tmp_path):
    """marketsim records the --set assignments (and seed=N) in the root attribute `overrides`;
    the report says the description is the file's. Made with h5py, as a binary may not write
    the attribute yet."""
    import shutil

    import h5py
    copy = tmp_path / "changed.h5"
    shutil.copyfile(shocked_file, copy)
    with h5py.File(copy, "r+") as f:
        f.attrs["overrides"] = "firms.MyBrew.direct_share=0\nseed=3\n"
    page = _page(copy, tmp_path)
    note = ('<p class="changed"><b>This run changed the scenario with: '
            "<code>firms.MyBrew.direct_share=0</code>, <code>seed=3</code>. The description "
            "above is the scenario file's and may not hold for this run.</b></p>")
    assert note in page
    assert page.index("Twenty thousand consumers") < page.index(note) < page.index("<h2>")
    with h5py.File(copy, "r+") as f:
        f.attrs["overrides"] = ""
    assert 'class="changed"' not in _page(copy, tmp_path)


def test_a_run_without_overrides_has_no_note(run_file, tmp_path):
    # marketsim records the fixture's --set steps=10; without it (empty, or an older file
    # without the attribute) there is nothing to note.
    for overrides in ("", None):
        copy = tmp_path / f"copy{overrides is None}.h5"
        shutil.copy(run_file, copy)
        with h5py.File(copy, "r+") as f:
            assert f.attrs["overrides"] == "steps=10"
            if overrides is None:
                del f.attrs["overrides"]
            else:
                f.attrs["overrides"] = overrides
        page = _page(copy, tmp_path)
        assert 'class="changed"' not in page and "Shocks" not in page
    assert "<code>steps=10</code>" in _page(run_file, tmp_path)


def test_the_report_lists_the_shocks_that_fired_as_summarize_does(shocked_file, tmp_path):
    from conftest import marketsim_binary
    page = _page(shocked_file, tmp_path)
    line = "week 6: Mass&#x27;s budget x 0.7 (cut)"
    assert f"<p>Shocks applied: {line}.</p>" in page
    printed = subprocess.run([marketsim_binary(), "summarize", str(shocked_file)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    assert "week 6: Mass's budget x 0.7 (cut)" in printed


def test_roi_is_n_a_without_marketing_money_as_summarize_says(tmp_path):
    """A firm that sells (everyone knows it from the start) but spends nothing on marketing has
    no ROI: n/a in the table, with the note `marketsim summarize` prints, not 0.00."""
    from conftest import marketsim_binary, run_tiny
    from html_tables import tables
    from analysis.load import load_run
    from analysis.summary import format_summary, summary_table
    run_file = run_tiny(tmp_path / "silent.h5", "firms.Niche.budget_per_year=0",
                        "market.initial_awareness=0.5")
    terminal = subprocess.run([marketsim_binary(), "summarize", str(run_file)],
                              capture_output=True, text=True, check=True).stdout
    note = "ROI is n/a for Niche: with no marketing money spent (under 0.01) it is undefined."
    assert note in terminal
    text = format_summary(summary_table(load_run(run_file)))
    assert note in text
    niche = next(line for line in text.splitlines() if line.strip().startswith("Niche"))
    assert niche.split()[-1] == "n/a"
    out = tmp_path / "silent.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert note in page
    _, columns, rows = next(t for t in tables(page) if t[0].startswith("Summary"))
    row = next(r for r in rows if r[0] == "Niche")
    assert row[columns.index("ROI")] == "n/a"
    assert all(r[columns.index("ROI")] != "n/a" for r in rows if r[0] != "Niche")


def test_a_scaled_market_says_so_as_summarize_does(tmp_path):
    """A run of the scenario key `scale` carries summarize's sentence in the report and the
    overview; a run at full size does not."""
    from conftest import marketsim_binary, run_tiny
    from analysis.load import load_run, overview
    run_file = run_tiny(tmp_path / "half.h5", "scale=0.5")
    terminal = subprocess.run([marketsim_binary(), "summarize", str(run_file)],
                              capture_output=True, text=True, check=True).stdout
    note = next(line for line in terminal.splitlines() if line.startswith("The market at scale"))
    assert "0.5 times the scenario's consumers" in note
    assert note in overview(load_run(run_file))
    out = tmp_path / "half.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    assert html_module.escape(note) in out.read_text(encoding="utf-8")
    full = run_tiny(tmp_path / "full.h5")
    assert "The market at scale" not in overview(load_run(full))


def test_experiment_captions_with_one_run_per_design_point(tmp_path):
    """One run per design point: the captions promise no boxes and no confidence band."""
    from conftest import run_tiny
    path = run_tiny(tmp_path / "single.h5",
                    "experiment.sweep={firms.Mass.budget_per_year: [40000, 80000]}")
    page = _page(path, tmp_path)
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", page)
    by_key = [c for c in captions if "against Mass&#x27;s marketing budget," in c]
    boxes = [c for c in captions if "in every run of the experiment" in c]
    assert len(by_key) == 2 and len(boxes) == 8  # one per key result
    assert all("no confidence interval can be drawn" in c and "as a band" not in c
               for c in by_key)
    assert all("a marker per design point" in c and "The box holds" not in c for c in boxes)


def test_teaching_page_describes_the_reports_summary_table(run_file, tmp_path):
    """docs/teaching.md says what the report's summary table holds: profit per year included."""
    from conftest import ROOT
    from html_tables import tables
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    section = text.split("## 3. Open it")[1].split("## 4.")[0]
    assert "leaves out the profit-per-year column" not in section
    assert "profit per year\n   included" in section or "profit per year included" in section
    columns = next(c for title, c, _ in tables(_page(run_file, tmp_path))
                   if title.startswith("Summary"))
    assert "profit per year" in columns


MIXED = """name: Mixed
seed: 9
consumers: 4000
steps: 60
steps_per_year: 52
market: {outside_utility: -1.0}
categories:
  - {name: snacks, kind: consumable, base_cost: 1.0, reference_volume: 1000}
  - {name: kettle, kind: durable, base_cost: 20, reference_volume: 1.0e6,
     lifetime: {shape: 1.5, scale: 20}, reference_life: 15}
segments:
  - {name: all, share: 1.0, ideal: {mean: [0, 0], sd: [0.5, 0.5]},
     price_sensitivity: {mean: 0.3, sd: 0.05},
     purchase_rate: {snacks: {mean: 0.6, shape: 1.0}, kettle: {mean: 0.1, shape: 2.0}}}
firms:
  - {name: Snacky, strategy: mass, budget_per_year: 20000, categories: [snacks]}
  - {name: Both, strategy: mass, budget_per_year: 20000}
  - {name: Kettles, strategy: mass, budget_per_year: 10000, categories: [kettle]}
"""


def test_durable_goods_table_counts_only_the_durable_categories(tmp_path):
    """A market of a consumable and a durable: the durables table counts kettles only (Both's
    snacks are not kettles), and Snacky, which sells no durable, is not in it; the same rows as
    `marketsim summarize`."""
    from html_tables import tables
    scenario = tmp_path / "mixed.yaml"
    scenario.write_text(MIXED, encoding="utf-8")
    run_path = tmp_path / "mixed.h5"
    subprocess.run([__import__("conftest").marketsim_binary(), "run", str(scenario), "-o",
                    str(run_path), "--quiet", "--threads", "2"],
                   check=True, capture_output=True, timeout=120)
    out = tmp_path / "mixed.html"
    assert report.main([str(run_path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    title = "Durable goods, over the run, in the durable category (kettle)"
    found = {heading: rows for heading, _, rows in tables(page)}
    rows = {row[0]: row for row in found[title]}
    assert sorted(rows) == ["Both", "Kettles"]
    with h5py.File(run_path) as f:
        units = f["/market/by_category/units"][:].sum(axis=0)[1]          # kettle, per firm
        replacements = f["/market/by_category/replacements"][:].sum(axis=0)[1]
        all_units = f["/market/units"][:].sum(axis=0)
    assert all_units[1] > 10 * units[1] > 0  # Both sells mostly snacks
    assert float(rows["Both"][1].replace(",", "")) == units[1]
    assert rows["Both"][5] == f"{100 * replacements[1] / units[1]:.1f}%"
    terminal = _terminal_rows(run_path, title + ":")
    assert sorted(terminal) == ["Both", "Kettles"]
    for firm, row in rows.items():
        assert float(row[1].replace(",", "")) == pytest.approx(_count(terminal[firm][0]), abs=50)
        assert row[5] == terminal[firm][-4]
    assert "count the durable categories only" in page


def test_a_firm_nobody_bought_from_has_n_a_not_0_as_summarize_says(tmp_path):
    """Mass (tiny.yaml) with no budget and nobody aware of it: nobody buys from it, so its share
    of wallet, purchases per buyer, retention and CLV are undefined (the file records 0 or NaN):
    n/a in the report's table, with summarize's note, as `marketsim summarize` prints them."""
    from conftest import run_tiny
    from html_tables import table_under
    from analysis.load import load_run
    from analysis.summary import firms_without_buyers, relationships_table
    path = run_tiny(tmp_path / "no-buyers.h5", "firms.Mass.budget_per_year=0",
                    "market.initial_awareness=0")
    run = load_run(path)
    assert run.market["share_of_wallet"]["Mass"].iloc[-1] == 0  # as recorded
    assert firms_without_buyers(run) == ["Mass"]
    table = relationships_table(run).set_index("firm")
    assert table.loc["Mass", ["share of wallet", "purchases per buyer", "retention per step",
                              "CLV"]].isna().all()
    assert table.loc["Diff", ["share of wallet", "purchases per buyer"]].notna().all()
    out = tmp_path / "no-buyers.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    rows = {row["firm"]: row for row in table_under(page, "Customer relationships")}
    printed = _terminal_rows(path, "Customer relationships:")
    assert printed["Mass"][:2] == ["n/a", "n/a"]
    assert rows["Mass"]["share of wallet"] == rows["Mass"]["purchases per buyer"] == "n/a"
    assert rows["Diff"]["share of wallet"] == printed["Diff"][0]
    note = "n/a for Mass: nobody bought from it."
    assert note in subprocess.run([__import__("conftest").marketsim_binary(), "summarize",
                                   str(path)], capture_output=True, text=True).stdout
    assert note in page


def test_loyalty_to_a_durable_maker_nobody_bought_from_is_n_a(tmp_path):
    """LongLife enters at step 0 with no budget and nobody aware of it: nobody buys from it, so
    its loyalty (0 in the file: "0 while the firm has no customers (undefined)") is n/a."""
    import math
    from conftest import run_short_life
    from html_tables import table_under
    from analysis.load import load_run
    from analysis.summary import durables_table
    path = run_short_life(tmp_path / "unknown-rival.h5", "consumers=3000", "steps=20",
                          "firms.LongLife.budget_per_year=0", "market.initial_awareness=0")
    run = load_run(path)
    assert run.market["units"]["LongLife"].sum() == 0
    table = durables_table(run).set_index("firm")
    assert math.isnan(table.loc["LongLife", "loyalty"])
    assert not math.isnan(table.loc["Durabox", "loyalty"])
    out = tmp_path / "unknown-rival.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    rows = {row["firm"]: row for row in table_under(out.read_text(encoding="utf-8"),
                                                    "Durable goods")}
    assert rows["LongLife"]["loyalty"] == "n/a" and rows["Durabox"]["loyalty"] != "n/a"
