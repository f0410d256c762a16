"""Python analysis of marketsim runs: load, plot, report, compare and Dirichlet panel analyses.

Uses only h5py, pandas, matplotlib (and numpy, which they bring) from the distribution's
packages. Every module is runnable: ``python3 -m analysis.load RUN.h5`` and so on; see
analysis/README.md.

From code: ``from analysis.load import load_run``.
"""

import sys

from analysis.command_line import quiet_interrupt_while_starting, run_main

__all__ = ["run_main"]

if sys.argv[:1] == ["-m"]:  # python3 -m analysis.NAME, still importing its modules
    quiet_interrupt_while_starting()
