"""The sentences the terminal summary prints under its table are in the report too: the segment
leaders and the caution on reading ROI."""

import html
import shutil
import subprocess

import h5py

from analysis import report
from analysis.load import load_run
from analysis.summary import segment_leaders
from conftest import marketsim_binary


def _page(run_file):
    return html.unescape(report.build_report(load_run(run_file)))


def test_the_segment_leaders_are_those_summarize_prints(run_file):
    terminal = subprocess.run([marketsim_binary(), "summarize", str(run_file)], check=True,
                              capture_output=True, text=True, timeout=60).stdout
    line = next(t for t in terminal.splitlines() if t.startswith("By segment"))
    # The tiny run: two segments where Diff and Mass are level, one where Diff leads.
    assert "level with" in line and "senior, Diff (differentiated) with" in line
    assert segment_leaders(load_run(run_file)) == line
    assert line in _page(run_file)


def test_a_segment_that_bought_nothing_and_a_one_segment_run(run_file, tmp_path):
    """Made-up units: nobody in `senior` bought in the last step; a one-step window says "in the
    last week". A run of one segment has no such sentence."""
    path = tmp_path / "quiet.h5"
    shutil.copyfile(run_file, path)
    with h5py.File(path, "r+") as f:
        units = f["segments/units"]
        units[-1, 0, :] = [5, 1, 0, 0]  # young: Mass 5 of 6
        units[-1, 1, :] = [2, 2, 0, 0]  # family: Mass and Diff level, named in firm order
        units[-1, 2, :] = 0              # senior: nothing
    run = load_run(path)
    assert segment_leaders(run, window=1) == (
        "By segment, the largest share of the units bought in the last week: young, Mass (mass) "
        "with 83.3%; family, Mass (mass) and Diff (differentiated) level with 50.0% and 50.0%; "
        "senior, no units bought.")
    run.segment_names = run.segment_names[:1]
    assert segment_leaders(run) == ""
    assert "By segment" not in html.unescape(report.build_report(run))


def test_the_report_cautions_on_reading_roi(run_file):
    page = _page(run_file)
    assert ("a firm with a small budget can show a high ROI with a low profit, so read profit "
            "first") in page
    assert "the whole business's profit, not only what the marketing added" in page
