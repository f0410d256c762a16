"""analysis.report: one self-contained HTML page."""

import re

from analysis import report


def test_report_is_self_contained(run_file, tmp_path):
    out = tmp_path / "report.html"
    assert report.main([str(run_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == 5
    assert 'src="http' not in page and "href=" not in page
    assert not re.search(r'src="(?!data:)', page)
    assert "Twenty thousand consumers" in page  # the scenario's description
    for heading in ("market share", "customer share", "penetration", "profit (cumul.)", "ROI"):
        assert heading in page
    assert "OneToOne" in page and "one_to_one" in page
    assert "Not shown: obsolescence.png" in page


def test_report_of_an_experiment(experiment_file, tmp_path):
    out = tmp_path / "experiment.html"
    assert report.main([str(experiment_file), "--run", "1", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Experiment: key results by design point" in page
    assert "computed from /experiment/runs" in page and "market_share_Mass" in page
    assert "This file holds 3 runs" in page


def test_report_uses_experiment_summary(experiment_with_summary, tmp_path):
    out = tmp_path / "summary.html"
    assert report.main([str(experiment_with_summary), "-o", str(out)]) == 0
    assert "Summary by design point (/experiment/summary)" in out.read_text(encoding="utf-8")


def test_report_with_durables_has_six_figures(durables_file, tmp_path):
    out = tmp_path / "durables.html"
    assert report.main([str(durables_file), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 6 and "Not shown" not in page
