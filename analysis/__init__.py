"""Python analysis of marketsim runs: load, plot, report, compare and Dirichlet panel analyses.

Uses only h5py, pandas, matplotlib (and numpy, which they bring) from the distribution's
packages. Every module is runnable: ``python3 -m analysis.load RUN.h5`` and so on; see
analysis/README.md.

From code: ``from analysis.load import load_run``.
"""


def run_main(main):
    """Runs a module's command line: its exit code from main(), and a closed pipe (output into
    ``head``, say) ends it quietly as other command-line tools end, not with a traceback."""
    import signal
    import sys

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
