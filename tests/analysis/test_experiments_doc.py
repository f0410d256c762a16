"""docs/experiments.md: its pandas examples run on the tables `summarize --csv` writes (and on
the experiment's file), and columns.csv says what each runs.csv column is, in what unit."""

import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT, marketsim_binary

DOC = ROOT / "docs" / "experiments.md"


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    """The budget stress test, small: its 4 design points, 3 replications, 30 weeks; its
    tables in tables/ beside it, as the guide writes them."""
    where = tmp_path_factory.mktemp("experiments_doc")
    binary = os.path.abspath(marketsim_binary())  # run in `where`
    subprocess.run([binary, "run", str(ROOT / "scenarios" / "planning" / "budget_stress_test.yaml"),
                    "-o", "stress.h5", "--quiet", "--threads", "2", "--set", "steps=30",
                    "--set", "scale=0.2", "--set", "experiment.replications=3"],
                   cwd=where, check=True, capture_output=True, timeout=300)
    subprocess.run([binary, "summarize", "stress.h5", "--csv", "tables/"], cwd=where, check=True,
                   capture_output=True, timeout=120)
    return where


def examples():
    """The guide's Python examples that read the tables or the file."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if "tables/" in b or "stress.h5" in b]


def test_the_guides_examples_run_on_the_tables(stress):
    found = examples()
    assert any("tables/runs.csv" in b for b in found)
    assert any("tables/columns.csv" in b for b in found)
    for code in found:
        done = subprocess.run([sys.executable, "-c", code], cwd=stress, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, code + done.stderr
        assert done.stdout.strip(), code


def test_columns_csv_gives_every_runs_column_a_unit(stress):
    runs = pd.read_csv(stress / "tables" / "runs.csv", dtype={"seed": str})
    columns = pd.read_csv(stress / "tables" / "columns.csv", keep_default_na=False)
    assert list(columns.columns) == ["column", "metric", "firm", "unit", "meaning"]
    assert list(columns.column) == list(runs.columns)
    assert (columns.unit != "").all() and (columns.meaning != "").all()
    summary = pd.read_csv(stress / "tables" / "summary.csv")
    results = columns[(columns.firm != "") & (columns.metric != "in_market")]
    assert set(results.unit) == set(summary.unit)
    row = columns.set_index("column").loc["profit_per_year:VarietyCo"]
    assert (row.metric, row.firm, row.unit) == ("profit_per_year", "VarietyCo", "money per year")
