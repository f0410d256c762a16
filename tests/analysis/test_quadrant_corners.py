"""The quadrant chart names its corners for what they are: positions relative to the other firms
(the lines run between the firms), not absolute sizes of market or loyalty."""

from analysis import plot, report
from analysis.load import load_run
from run_copies import with_final_shares

CORNERS = {"smaller share, more loyal buyers", "larger share, more loyal buyers",
           "smaller share, less loyal buyers", "larger share, less loyal buyers"}


def test_corners_are_relative_and_the_title_says_where_the_lines_are(run_file, tmp_path):
    """Diff's buyers give it 75% of their purchases, yet its corner is a "less loyal" one: the
    other firms' buyers give them more. The old names called that "fickle buyers"."""
    run = load_run(with_final_shares(run_file, tmp_path / "spread.h5", [0.10, 0.20, 0.30, 0.40],
                                     [0.60, 0.75, 0.80, 0.90]))
    ax = plot.share_quadrant(run).axes[0]
    corners = {t.get_text() for t in ax.texts if t.get_text() not in run.firms}
    assert corners == CORNERS
    title = ax.get_title().replace("\n", " ")
    assert "dashed lines: between the firms, midway across the widest gap near the middle" in title
    assert "corners compare a firm with the firms across the lines, not fixed levels" in title
    caption = report.CAPTIONS["share_quadrant.png"]
    assert "corner names compare a firm with the firms across the lines" in caption
    assert "fickle" not in caption and "big market" not in caption


def test_no_corner_names_with_one_line(run_file, tmp_path):
    run = load_run(with_final_shares(run_file, tmp_path / "one_axis.h5", [0.10, 0.20, 0.30, 0.40],
                                     [0.500, 0.505, 0.510, 0.515]))
    ax = plot.share_quadrant(run).axes[0]
    assert not {t.get_text() for t in ax.texts} & CORNERS
    assert "corners compare" not in ax.get_title()
