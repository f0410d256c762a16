"""The summary's sentences name the run's own period: "In the last week" for a weekly run, "In
the last month" for a monthly one, "step" for any count without a name, with the words of
`marketsim summarize`: its shocks ("month 7: ..."), and retention per the period."""

import subprocess

import pandas as pd

from analysis import report
from analysis.load import load_run
from analysis.scenario_text import scenario_shocks
from analysis.summary import (format_summary, period, reading, relationships_table, segment_window,
                              segment_leaders, summary_table)
from conftest import STEPS, marketsim_binary, run_tiny


def _table(steps_per_year=None):
    table = pd.DataFrame([["A", "s", 0.413, 0.483, 0.5, 0.9, 720_200.0, 720_200.0, 2.0, True],
                          ["B", "t", 0.300, 0.400, 0.5, 0.9, 500_000.0, 500_000.0, 1.0, True]],
                         columns=["firm", "strategy", "market_share", "customer_share",
                                  "penetration", "awareness", "profit", "profit_per_year", "roi",
                                  "in_market"])
    if steps_per_year is not None:
        table.attrs["steps_per_year"] = steps_per_year
    return table


def test_each_count_of_steps_a_year_has_its_word():
    assert [period(n) for n in (52, 12, 4, 1, 365)] == ["week", "month", "quarter", "year", "day"]
    assert [period(n) for n in (10, 26, 0, None)] == ["step"] * 4


def test_the_reading_says_the_period_of_the_table_or_the_one_given():
    leader = "A (s) sold the most units: 41.3% of the market."
    assert reading(_table(52))[0] == "In the last week, " + leader
    assert reading(_table(12))[0] == "In the last month, " + leader
    assert reading(_table(10))[0] == "In the last step, " + leader
    assert reading(_table())[0] == "In the last step, " + leader  # a table made by hand
    assert reading(_table(52), steps_per_year=4)[0] == "In the last quarter, " + leader
    # the firms in the market are a slice of the table: it keeps the period
    assert "In the last week, " + leader in format_summary(_table(52))


def _both(path):
    """`marketsim summarize`'s text and analysis' run of the same file."""
    printed = subprocess.run([marketsim_binary(), "summarize", str(path)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    return printed, load_run(path)


# A budget cut at step 6: week 7 of a weekly run, month 7 of a monthly one, step 6 otherwise.
CUT = "shocks=[{name: cut, step: 6, kind: budget, firm: Mass, multiply: 0.7}]"


def test_a_monthly_run_says_month_as_summarize_does(tmp_path):
    for steps_per_year, word, when in ((52, "week", "week 7"), (12, "month", "month 7"),
                                       (10, "step", "step 6")):
        printed, run = _both(run_tiny(tmp_path / f"{steps_per_year}.h5", "consumers=3000",
                                      f"steps_per_year={steps_per_year}", CUT))
        lines = reading(summary_table(run))
        assert lines[0].startswith(f"In the last {word}, ")
        # summarize prints the first two sentences on one line
        assert " ".join(lines[:2]) + "\n" in printed
        # Over a quarter of a year (13 weeks, all 12 of the run; 3 months; 3 of 10 steps a year).
        leaders = segment_leaders(run)
        window = min(STEPS, {52: 13, 12: 3, 10: 3}[steps_per_year])
        assert segment_window(steps_per_year) == {52: 13, 12: 3, 10: 3}[steps_per_year]
        assert leaders.startswith(
            f"By segment, the largest share of the units bought over the last {window} {word}s: ")
        assert leaders + "\n" in printed
        assert f"Market share is the last {word}'s unit share;" in printed
        # The shock's line, as summarize prints it.
        applied, _ = scenario_shocks(run.scenario, run.steps_per_year, len(run.steps))
        assert applied == [f"{when}: Mass's budget x 0.7 (cut)"]
        assert f"\nShocks, each applied at the start of its step:\n  {applied[0]}\n" in printed
        # Retention is per the run's period in summarize's header and the report's; the
        # DataFrame's column keeps its name, which scripts read.
        header = printed.split("\nCustomer relationships:\n")[1].splitlines()[1]
        assert f" per {word} " in header and (word == "step" or "per step" not in header)
        assert "retention per step" in relationships_table(run).columns
        table = report._relationships_html(run, "")
        assert f"<th>retention per {word}</th>" in table[1]
        assert f"Retention per {word} is 1 minus lost customers" in table[2]


def test_the_report_says_the_period_as_summarize_does(tmp_path):
    """The report's market-share note and the durables table's age at failure are in months for
    a monthly durables run, as `marketsim summarize` prints them."""
    from conftest import ROOT
    path = tmp_path / "monthly.h5"
    subprocess.run([marketsim_binary(), "run",
                    str(ROOT / "scenarios" / "textbook" / "planned_obsolescence.yaml"), "-o",
                    str(path), "--quiet", "--set", "consumers=3000", "--set", "steps=40",
                    "--set", "steps_per_year=12"], check=True, capture_output=True, timeout=120)
    printed = subprocess.run([marketsim_binary(), "summarize", str(path)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    assert "Market share is the last month's unit share;" in printed
    assert " months " in printed  # the durables table's age at failure
    out = tmp_path / "monthly.html"
    assert report.main([str(path), "-o", str(out)]) == 0
    page = out.read_text()
    assert "Market share is the last month&#x27;s unit share." in page or \
        "Market share is the last month's unit share." in page
    assert "last step&#x27;s unit share" not in page and "last step's unit share" not in page
    assert " months</td>" in page


def test_a_share_axis_names_the_runs_period():
    from types import SimpleNamespace
    from analysis.plot_format import share_when
    assert share_when(SimpleNamespace(steps_per_year=52), "market_share") == ", last week"
    assert share_when(SimpleNamespace(steps_per_year=12), "market_share") == ", last month"
    assert share_when(SimpleNamespace(steps_per_year=10), "market_share") == ", last step"
    assert share_when(SimpleNamespace(steps_per_year=52), "profit_per_year") == ""
