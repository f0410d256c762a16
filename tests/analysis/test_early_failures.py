"""The share of early failures in the durables table, compare and the report: counted, as the
obsolescence figure counts it, from the first week a product can reach its reference life, so
that the first weeks (when every failure is early by definition) do not inflate it."""

import pandas as pd
import pytest

from analysis import compare, formats, report
from analysis.durables import first_on_time_step
from analysis.load import load_run
from analysis.summary import durables_table
from html_tables import table_under

FROM_WEEK_21 = "from week 21 on, when a product can first reach its reference life"


def _expected(run, firm, start):
    failures, early = run.market["failures"][firm], run.market["early_failures"][firm]
    return early.loc[start:].sum() / failures.loc[start:].sum()


def test_durables_table_counts_from_the_first_week_a_failure_can_be_on_time(short_life_file):
    run = load_run(short_life_file)
    assert first_on_time_step(run) == 20  # a reference life of 20 weeks
    table = durables_table(run).set_index("firm")
    for firm in ("Durabox", "LongLife"):
        expected = _expected(run, firm, 20)
        whole_run = _expected(run, firm, 0)
        assert table.loc[firm, "early failures"] == pytest.approx(expected)
        assert expected < whole_run  # the whole run's share is inflated by weeks 1-20


def test_a_run_that_ends_before_the_reference_life_has_no_share(durables_file):
    """Reference life 104 weeks, a run of 60: every failure is early by definition, so the
    share says nothing about the product: n/a, not 100%."""
    run = load_run(durables_file)
    table = durables_table(run)
    assert table["failures"].gt(0).all() and table["early failures"].isna().all()
    assert ("Early failures: the share of failures that came before the category's "
            "reference life, n/a here, as the run ends before a product can reach its reference "
            "life") in report.build_report(run)


def test_compare_counts_each_run_from_its_own_first_week(short_life_file, durables_file, capsys):
    a, b = load_run(short_life_file), load_run(durables_file)
    table = compare.comparison_table(a, b).set_index("firm")
    for firm in ("Durabox", "LongLife"):
        assert table.loc[firm, "early_failure_share A"] == pytest.approx(_expected(a, firm, 20))
        assert pd.isna(table.loc[firm, "early_failure_share B"])  # n/a: shown as "-"
    assert compare.main([str(short_life_file), str(durables_file)]) == 0
    out = capsys.readouterr().out
    assert (f"share of failures that were early (A: {FROM_WEEK_21}; B: none: the run ends "
            "before a product can reach its reference life):") in out
    assert compare.main([str(short_life_file), str(short_life_file)]) == 0
    assert f"share of failures that were early ({FROM_WEEK_21}):" in capsys.readouterr().out


def test_report_says_from_when_and_shows_the_same_share(short_life_file, tmp_path):
    run = load_run(short_life_file)
    out = tmp_path / "short_life.html"
    assert report.main([str(short_life_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert f"counted {FROM_WEEK_21} (before that every failure is early by definition" in page
    for row in table_under(page, "Durable goods"):
        assert row["early failures"] == formats.share(_expected(run, row["firm"], 20))


TWO_DURABLES = """name: Two durables
seed: 5
consumers: 4000
steps: 60
steps_per_year: 52
market: {outside_utility: -1.0}
categories:
  - {name: kettle, kind: durable, base_cost: 20, lifetime: {shape: 1.5, scale: 20},
     reference_life: 12}
  - {name: fridge, kind: durable, base_cost: 300, lifetime: {shape: 1.5, scale: 80},
     reference_life: 40}
segments:
  - name: all
    share: 1.0
    ideal: {mean: [0, 0], sd: [0.5, 0.5]}
    price_sensitivity: {mean: 0.01, sd: 0.002}
    purchase_rate: {kettle: {mean: 0.1, shape: 2.0}, fridge: {mean: 0.1, shape: 2.0}}
firms:
  - {name: A, strategy: mass, budget_per_year: 40000}
  - {name: B, strategy: mass, budget_per_year: 40000, position: [0.5, 0.5]}
"""


def test_each_durable_category_counts_from_its_own_first_week(tmp_path, capsys):
    """Kettles can fail on time from week 13, fridges only from week 41: a fridge's failure
    before then is early by definition, and counting it from week 13 inflated the share. Each
    category counts from its own week, in the table, the figure's last value, compare's words
    and marketsim summarize alike."""
    import subprocess

    from analysis.durables import category_starts, counted_from, early_share
    from conftest import marketsim_binary
    scenario, out = tmp_path / "two.yaml", tmp_path / "two.h5"
    scenario.write_text(TWO_DURABLES)
    subprocess.run([marketsim_binary(), "run", str(scenario), "-o", str(out), "--quiet"],
                   check=True, capture_output=True, timeout=120)
    run = load_run(out)
    assert category_starts(run) == {"kettle": 12, "fridge": 40}
    failures, early = run.by_category["failures"], run.by_category["early_failures"]
    table = durables_table(run).set_index("firm")
    for firm in ("A", "B"):
        counted = (failures[("kettle", firm)].loc[12:].sum()
                   + failures[("fridge", firm)].loc[40:].sum())
        counted_early = (early[("kettle", firm)].loc[12:].sum()
                         + early[("fridge", firm)].loc[40:].sum())
        assert failures[("fridge", firm)].loc[12:39].sum() > 0  # what the old rule counted
        assert table.loc[firm, "early failures"] == pytest.approx(counted_early / counted)
        assert early_share(run)[firm].iloc[-1] == pytest.approx(counted_early / counted)
    words = ("in kettle from week 13 on, in fridge from week 41 on, when a product of each can "
             "first reach its reference life")
    assert counted_from(run) == words
    summary = subprocess.run([marketsim_binary(), "summarize", str(out)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    for firm in ("A", "B"):
        row = next(line for line in summary.splitlines()
                   if line.startswith(firm + " ") and "weeks" in line)
        assert formats.share(table.loc[firm, "early failures"]) in row
    assert "in kettle from week 13 on, in fridge from week 41 on" in summary
