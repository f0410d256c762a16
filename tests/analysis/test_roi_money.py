"""ROI is cumulative profit over cumulative marketing money: the marketing spend and the loyalty
and referral programs' rewards. It is undefined (n/a) only when all of them are under 0.01."""

import html
import shutil

import h5py
import numpy as np

from analysis import compare, plot, report
from analysis.load import load_run
from analysis.summary import no_roi_note, summary_table
from html_tables import table_under


def _with_money(source, target, money):
    """A copy of the run file `source` in which firm j spent money[j] = (marketing spend, loyalty
    rewards, referral rewards) in each step, with a made-up ROI of 1.5 throughout."""
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        for j, amounts in enumerate(money):
            for name, amount in zip(("marketing_spend", "loyalty_cost", "referral_cost"),
                                    amounts):
                f[f"market/{name}"][:, j] = amount
            f["market/roi"][:, j] = 1.5
    return target


def test_program_rewards_count_as_marketing_money(run_file, tmp_path):
    """Mass pays only loyalty rewards, Diff only referral rewards: both have an ROI; Niche pays
    nothing at all (it sold in the tiny run, so it is in the market): n/a; OneToOne advertises."""
    assert load_run(run_file).firms == ["Mass", "Diff", "Niche", "OneToOne"]
    path = _with_money(run_file, tmp_path / "rewards.h5",
                       [(0, 10, 0), (0, 0, 10), (0, 0, 0), (10, 0, 0)])
    run = load_run(path)
    table = summary_table(run).set_index("firm")
    assert list(table["roi"].isna()) == [False, False, True, False]
    assert table.loc["Mass", "roi"] == table.loc["Diff", "roi"] == 1.5
    note = "ROI is n/a for Niche: with no marketing money spent (under 0.01) it is undefined."
    assert no_roi_note(table.reset_index()) == note
    # compare treats ROI the same way (it showed 0.00 for a firm that spent nothing).
    rows = compare.comparison_table(run, run).set_index("firm")
    assert list(rows["roi A"].isna()) == [False, False, True, False]
    assert rows.loc["Diff", "roi A"] == 1.5
    page = tmp_path / "rewards.html"
    assert report.main([str(path), "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert note in text
    assert [row["ROI"] for row in table_under(text, "Summary")] == ["1.50", "1.50", "n/a",
                                                                     "1.50"]


def test_a_file_without_program_costs_counts_the_marketing_spend_alone(run_file, tmp_path):
    """Files of older versions recorded no program costs: spend alone decides."""
    path = _with_money(run_file, tmp_path / "old.h5",
                       [(10, 0, 0), (0, 0, 0), (0, 0, 0), (10, 0, 0)])
    with h5py.File(path, "r+") as f:
        del f["market/loyalty_cost"], f["market/referral_cost"]
    table = summary_table(load_run(path))
    assert list(table["roi"].isna()) == [False, True, True, False]


def test_labels_say_what_roi_divides_by(run_file):
    run = load_run(run_file)
    label = plot.profit_roi(run).axes[1].get_ylabel().replace("\n", " ")
    assert "marketing spend and program rewards" in label
    assert "program rewards" in plot.RESULT_NAMES["roi"]
    caption = report.CAPTIONS["profit_roi.png"]
    assert "marketing spend and the loyalty and referral programs' rewards" in caption
    page = html.unescape(report.build_report(run))
    assert ("ROI is cumulative profit over cumulative marketing money: the marketing spend and "
            "the loyalty and referral programs' rewards") in page


def test_undefined_roi_reads_as_missing_in_compare_output(run_file, tmp_path, capsys):
    path = _with_money(run_file, tmp_path / "silent.h5",
                       [(10, 0, 0), (10, 0, 0), (0, 0, 0), (10, 0, 0)])
    assert compare.main([str(path), str(path)]) == 0
    block = capsys.readouterr().out.split("\nROI (last step):\n")[1].split("\n\n")[0]
    rows = {line.split()[0]: line.split()[1:] for line in block.splitlines()[1:]}
    assert rows["Niche"] == ["-", "-", "-"]  # not 0.00
    assert rows["Mass"] == ["1.50", "1.50", "0.00"]


def test_roi_is_not_drawn_where_it_is_undefined(run_file, tmp_path):
    """marketsim records ROI as 0 until a firm has spent some marketing money; the figure draws
    nothing there (a gap, not a line at 0) and says for which firms and weeks, as the summary's
    n/a rule (under 0.01 of spend and program rewards) says it."""
    path = _with_money(run_file, tmp_path / "late.h5",
                       [(10, 0, 0), (10, 0, 0), (0, 0, 0), (10, 0, 0)])
    with h5py.File(path, "r+") as f:
        f["market/marketing_spend"][:4, 0] = 0  # Mass spends from step 4 (week 5) on
        f["market/roi"][:4, 0] = 0              # as marketsim records an undefined ROI
        f["market/roi"][:, 2] = 0               # Niche never spends
    run = load_run(path)
    ax = plot.profit_roi(run).axes[1]
    lines = {line.get_label().split(" (")[0]: line.get_ydata() for line in ax.get_lines()
             if not line.get_label().startswith("_")}
    mass = np.asarray(lines["Mass"], dtype=float)
    assert np.isnan(mass[:4]).all() and (mass[4:] == 1.5).all()
    assert np.isnan(np.asarray(lines["Niche"], dtype=float)).all()
    assert list(lines["Diff"]) == [1.5] * len(run.steps)
    note = " ".join(ax.get_title().split()).replace("\u00a0", " ")
    assert ("ROI is undefined, so not drawn, while a firm has spent nothing on marketing "
            "(spend and program rewards under 0.01): Mass (weeks 1-4); Niche (the whole run)"
            in note)
    assert "undefined" not in plot.profit_roi(load_run(run_file)).axes[1].get_title()
