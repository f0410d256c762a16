"""Ctrl-C, a kill or a closed pipe end a command in one line, not a traceback
(analysis.command_line.run_main), and leave nothing of it: the files it was writing are removed
and those it would have replaced are as they were (atomic_write.all_or_nothing)."""

import os
import signal
import subprocess
import sys
import textwrap

import h5py
import pytest

from analysis import command_line, plot, run_main
from conftest import ROOT, every_command

PNG = b"\x89PNG\r\n\x1a\n"


def _snapshot(directory):
    """{name: bytes} of every file in `directory` (temporary files included)."""
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def _run_main(main, argv, monkeypatch):
    """Runs `main` as its command line does, with `argv`; returns the exit code."""
    monkeypatch.setattr(sys, "argv", ["python3"] + argv)
    with pytest.raises(SystemExit) as ended:
        run_main(main)
    return ended.value.code


def test_every_command_interrupted_while_loading_says_so_in_one_line(run_file, tmp_path, capsys,
                                                                     monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(h5py, "File", interrupted)  # Ctrl-C while a run's file is read
    handler = signal.getsignal(signal.SIGTERM)
    for main, argv in every_command(run_file, tmp_path):
        assert _run_main(main, argv, monkeypatch) == 130
        name = command_line.command_name(main)
        assert capsys.readouterr().err == f"{name}: interrupted; nothing written\n"
        assert list(tmp_path.iterdir()) == []
        assert signal.getsignal(signal.SIGTERM) is handler  # set back as it was


def test_plot_interrupted_while_writing_leaves_the_directory_as_it_was(run_file, tmp_path,
                                                                       capsys, monkeypatch):
    out = tmp_path / "figures"
    assert plot.main([str(run_file), "--out", str(out)]) == 0
    (out / "awareness.png").write_bytes(PNG + b"last week's")
    (out / "notes.txt").write_text("the user's")
    before = _snapshot(out)
    synced, real_fsync = [], os.fsync

    def fsync_until_the_third(fd):
        synced.append(fd)
        if len(synced) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third figure is written
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_until_the_third)
    capsys.readouterr()
    assert _run_main(plot.main, [str(run_file), "--out", str(out), "--force"], monkeypatch) == 130
    captured = capsys.readouterr()
    assert captured.err == "analysis.plot: interrupted; nothing written\n"
    assert captured.out == ""
    assert _snapshot(out) == before


def test_interrupted_after_writing_says_how_many_files():
    assert command_line.interrupted_line("analysis.plot", signal.SIGINT, ["a.png", "b.png"]) \
        == "analysis.plot: interrupted after writing 2 files"


def _python(code, *args, stdout=subprocess.PIPE, env=None):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                          cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, env=env,
                          timeout=120)


@pytest.mark.parametrize("signum, code, said", [
    (signal.SIGINT, 130, "interrupted"),
    (signal.SIGTERM, 143, "stopped by SIGTERM"),
    (signal.SIGHUP, 129, "stopped by SIGHUP"),
])
def test_a_signal_while_loading_ends_in_one_line(run_file, tmp_path, signum, code, said):
    # A real signal, sent by the process to itself while it loads the run, so that it comes at
    # a known moment.
    out = tmp_path / "new" / "figures"
    ended = _python(f"""
        import os, sys, time
        from analysis import plot, run_main
        real = plot.load_run_or_report
        def load_run_or_report(args):
            os.kill(os.getpid(), {int(signum)})
            time.sleep(60)
        plot.load_run_or_report = load_run_or_report
        sys.argv[1:] = [sys.argv[1], "--out", sys.argv[2]]
        run_main(plot.main)
        """, run_file, out)
    assert ended.returncode == code
    assert ended.stderr.decode() == f"analysis.plot: {said}; nothing written\n"
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_the_modules_load_ends_in_one_line(run_file, tmp_path):
    # python3 -m analysis.load, interrupted while it imports h5py (a stand-in that sends the
    # process SIGINT), before its main() runs.
    fake = tmp_path / "fake" / "h5py"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("import os, signal, time\n"
                                      "os.kill(os.getpid(), signal.SIGINT)\n"
                                      "time.sleep(60)\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "fake"))
    ended = subprocess.run([sys.executable, "-m", "analysis.load", str(run_file)], cwd=ROOT,
                           capture_output=True, env=env, timeout=120)
    assert ended.stderr.decode() == "analysis.load: interrupted; nothing written\n"
    # Python ends itself with SIGINT after an uncaught KeyboardInterrupt: 130 in a shell.
    assert ended.returncode in (130, -signal.SIGINT)


@pytest.mark.parametrize("command", ["load", "plot"])
def test_a_closed_pipe_ends_quietly_with_141(run_file, tmp_path, command):
    # `python3 -m analysis.load RUN.h5 | head -1`, the reader gone before the command writes.
    out = tmp_path / "figures"
    argv = [str(run_file)] + (["--out", str(out)] if command == "plot" else [])
    proc = subprocess.Popen([sys.executable, "-m", f"analysis.{command}", *argv], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""
    if command == "plot":  # it says what it wrote once all is written: the figures are whole
        assert (out / plot.MANIFEST).is_file() and (out / "market_share.png").is_file()
