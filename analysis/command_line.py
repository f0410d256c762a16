"""How every module's command line (python3 -m analysis.NAME) starts and ends: run_main runs its
main() and turns an interrupt or a closed pipe into a one-line ending instead of a traceback.

Ctrl-C (SIGINT), a kill (SIGTERM, as a batch scheduler sends) or a closed terminal (SIGHUP)
unwind the command like an error, so that the files it was writing are removed and those it was
replacing kept (atomic_write.all_or_nothing); then one line on stderr says so
("analysis.plot: interrupted; nothing written") and the exit code is 128 + the signal's number:
130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP. Output into a pipe whose reader has gone
(`python3 -m analysis.load RUN.h5 | head -1`) ends the command quietly with exit code 141, as a
command killed by SIGPIPE ends, after the same clean-up."""

import os
import signal
import sys
import threading

# The exit code of a command whose output pipe was closed: 128 + SIGPIPE, as the shell reports
# a command that SIGPIPE ended.
BROKEN_PIPE_EXIT = 128 + getattr(signal, "SIGPIPE", 13)

# The signals other than SIGINT that stop a command as Ctrl-C does.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """Raised by a signal other than SIGINT that stops a command (SIGTERM, SIGHUP), so that it
    unwinds and cleans up as after Ctrl-C."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


def command_name(main):
    """The command whose main() `main` is, "analysis.plot" (its module's name, also when it runs
    as __main__)."""
    spec = getattr(main, "__globals__", {}).get("__spec__")
    return getattr(spec, "name", None) or getattr(main, "__module__", None) or "analysis"


def interrupted_line(name, signum, written):
    """The line that says command `name` was stopped by signal `signum`, having put the files
    `written` in place before."""
    how = ("interrupted" if signum == signal.SIGINT
           else f"stopped by {signal.Signals(signum).name}")
    if not written:
        return f"{name}: {how}; nothing written"
    many = "file" if len(written) == 1 else "files"
    return f"{name}: {how} after writing {len(written)} {many}"


def _quiet_stdout():
    """Points the process's stdout at /dev/null, so that Python's own flush at exit does not
    fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _say(line):
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


def run_main(main):
    """Runs a module's command line: exits with main()'s exit code; with 128 + the signal's
    number and one line on stderr when Ctrl-C or a kill stops it; quietly with exit code 141 when
    its output's pipe is closed."""
    from analysis import atomic_write  # here, so that importing this module takes no time

    name = command_name(main)
    previous = {}
    if threading.current_thread() is threading.main_thread():  # where handlers can be set
        previous = {signum: signal.signal(signum, _stop) for signum in STOP_SIGNALS}
    before = len(atomic_write.WRITTEN)
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt as error:
        signum = getattr(error, "signum", signal.SIGINT)
        _say(interrupted_line(name, signum, atomic_write.WRITTEN[before:]))
        code = 128 + signum
    except BrokenPipeError:
        _quiet_stdout()
        code = BROKEN_PIPE_EXIT
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # (None: one set outside Python, which cannot be set back)
                signal.signal(signum, handler)
    sys.exit(code)


def quiet_interrupt_while_starting():
    """When a command is started (python3 -m analysis.NAME), Ctrl-C while its modules are still
    being imported, before run_main runs, ends with the same one line as later instead of a
    traceback (nothing is written by then)."""
    argv = getattr(sys, "orig_argv", [])
    name = argv[argv.index("-m") + 1] if "-m" in argv[:-1] else "analysis"
    hook = sys.excepthook

    def excepthook(kind, value, traceback):
        if issubclass(kind, KeyboardInterrupt):
            _say(interrupted_line(name, signal.SIGINT, []))
        else:
            hook(kind, value, traceback)

    sys.excepthook = excepthook
