"""--run N picks run N of an experiment file in every command, with or without leading zeros."""

from analysis import compare, dirichlet, plot, report


def test_every_command_takes_a_run_number(marketsim_experiment, tmp_path, capsys):
    path = str(marketsim_experiment)
    assert plot.main([path, "--run", "2", "--out", str(tmp_path / "figures")]) == 0
    assert (tmp_path / "figures" / "market_share.png").exists()
    assert report.main([path, "--run", "02", "-o", str(tmp_path / "report.html")]) == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "of one run only: run 00002 (design point 0, replication 2" in page
    assert compare.main([path, path, "--run-a", "0", "--run-b", "1"]) == 0
    assert dirichlet.main([path, "--run", "1", "--category", "snacks"]) == 0
    assert "a panel of 500 consumers" in capsys.readouterr().out


def test_every_command_says_which_runs_exist(marketsim_experiment, tmp_path, capsys):
    path = str(marketsim_experiment)
    expected = f"error: '{path}' has no run '42' under /runs (it has runs 00000 to 00002)\n"
    assert plot.main([path, "--run", "42", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == expected
    assert report.main([path, "--run", "42", "-o", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err == expected
    assert compare.main([path, path, "--run-b", "42"]) == 2
    assert capsys.readouterr().err == expected
    assert dirichlet.main([path, "--run", "42"]) == 2
    assert capsys.readouterr().err == expected
    assert list(tmp_path.iterdir()) == []
